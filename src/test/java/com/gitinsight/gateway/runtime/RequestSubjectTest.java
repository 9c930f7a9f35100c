package com.gitinsight.gateway.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.gitinsight.gateway.testing.FakeHttp;
import com.google.common.hash.Hashing;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The request's user as the cache keys it: a token's sub, else a hash of the credential, never the credential. */
class RequestSubjectTest {

    private static RequestContext context() {
        return FakeHttp.Request.get("/x").on(null, null).context();
    }

    @Test
    void aSubIsTheUserAndACredentialIsKeptOnlyAsItsHash() {
        RequestContext none = context();
        assertFalse(none.hasSubject());
        assertNull(none.subject());

        RequestContext bySub = context();
        bySub.subject("u1", "token-1");
        assertTrue(bySub.hasSubject());
        assertEquals("sub:u1", bySub.subject());

        RequestContext byCredential = context();
        byCredential.subject(null, "secret-token");
        assertTrue(byCredential.hasSubject());
        String subject = byCredential.subject();
        assertEquals("credential:" + Hashing.sha256().hashString("secret-token", StandardCharsets.UTF_8), subject);
        assertFalse(subject.contains("secret-token"));
        assertEquals(subject, byCredential.subject(), "the same when read again");

        RequestContext other = context();
        other.subject("", "another-token");
        assertNotEquals(subject, other.subject(), "an empty sub is no sub: two credentials, two users");
    }
}
