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
}
