package com.gitinsight.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.gitinsight.gateway.testing.FakeHttp;
import org.junit.jupiter.api.Test;

class RequestFramingTest {

    @Test
    void aHeaderNameWithABlankOrASeparatorIsRefused() {
        for (String name : new String[] {"Transfer-Encoding ", "X-Real-IP\t", " Host", "X(a)", "a:b", "X-Ä"}) {
            FakeHttp.Request r = FakeHttp.Request.get("/x", name, "chunked");
            assertEquals(
                    "A header name must be a token (RFC 9110 5.1): no blanks or separators",
                    RequestFraming.problem(r.request),
                    name);
        }
        assertNull(RequestFraming.problem(FakeHttp.Request.get("/x", "X_Custom.Name~1", "v").request));
    }

    @Test
    void tokensAreRfc9110s() {
        assertTrue(RequestFraming.isToken("!#$%&'*+-.^_`|~09azAZ"));
        assertFalse(RequestFraming.isToken(""));
        assertFalse(RequestFraming.isToken("a b"));
        assertFalse(RequestFraming.isToken("a\"b"));
        assertFalse(RequestFraming.isToken("a/b"));
    }
}
