package com.gitinsight.gateway.security;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.gitinsight.gateway.runtime.RequestContext;
import com.gitinsight.gateway.testing.FakeHttp;
import org.junit.jupiter.api.Test;

class ConsumerIdentityTest {

    private static final com.gitinsight.gateway.runtime.GatewaySnapshot SNAPSHOT =
            com.gitinsight.gateway.runtime.TestSnapshots.of("""
                    _format_version: "3.0"
                    services: [{name: s, url: "http://127.0.0.1:9", routes: [{name: r, paths: [/]}]}]
                    """);

    private static RequestContext context() {
        return FakeHttp.Request.get("/")
                .on(SNAPSHOT, com.gitinsight.gateway.runtime.TestSnapshots.match(SNAPSHOT, "r"))
                .context();
    }

    // Helper review 114: Kong's prometheus consumer label is the username; a consumer known by its
    // custom_id alone is counted under "", not under its id.
    @Test
    void theMetricsConsumerLabelIsTheUsernameOrNothing() {
        RequestContext named = context();
        ConsumerIdentity.identify(named, new Credentials.Consumer("id-1", "alice", null), "k", false);
        assertEquals("alice", named.consumerLabel());
        RequestContext custom = context();
        ConsumerIdentity.identify(custom, new Credentials.Consumer("id-2", null, "c-9"), "k", false);
        assertEquals("", custom.consumerLabel());
        assertEquals("id-2", custom.consumer());
    }

    /** The file's consumer entity fields reach the identity the log record writes (Kong's serializer copies the entity). */
    @Test
    void theConsumersEntityFieldsReachTheIdentity() {
        com.gitinsight.gateway.config.ConsumerSpec spec = new com.gitinsight.gateway.config.ConsumerSpec(
                null,
                "alice",
                null,
                java.util.List.of(),
                java.util.List.of(),
                java.util.List.of(),
                java.util.List.of(),
                java.util.List.of(),
                new com.gitinsight.gateway.config.EntityMeta(java.util.List.of("gold"), 1_700_000_000L, false));
        RequestContext c = context();
        ConsumerIdentity.identify(c, Credentials.Consumer.of(spec), "k", false);
        assertEquals(spec.entity(), c.identity().entity());
    }

    private static String usernameSent(String username) {
        RequestContext c = context();
        ConsumerIdentity.identify(c, new Credentials.Consumer("c-1", username, null), "key-1", false);
        return c.upstreamHeaders().get("X-Consumer-Username");
    }

    // Attacker review 178: a name past Latin-1 went on the wire as '?' per character, so two users
    // were one ("????") to the backend; Kong sends the name's UTF-8 bytes.
    @Test
    void aConsumersNameGoesUpstreamAsItsUtf8Bytes() {
        String ivan = usernameSent("иван");
        String petr = usernameSent("петр");
        org.junit.jupiter.api.Assertions.assertNotEquals(ivan, petr);
        // The header strings hold one char per byte: these are the name's UTF-8 bytes.
        org.junit.jupiter.api.Assertions.assertArrayEquals(
                "иван".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                ivan.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        assertEquals("иван", com.gitinsight.gateway.http.HeaderText.utf8(ivan), "read back as the log reads it");
        assertEquals("alice", usernameSent("alice"), "ASCII as it is");
        org.junit.jupiter.api.Assertions.assertArrayEquals(
                "josé".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                usernameSent("josé").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    }
}
