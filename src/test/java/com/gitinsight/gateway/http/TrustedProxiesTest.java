package com.gitinsight.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.gitinsight.gateway.testing.FakeHttp;
import org.junit.jupiter.api.Test;

class TrustedProxiesTest {

    @Test
    void anUntrustedPeerThatForwardedTheRequestIsOnNoAllowList() {
        TrustedProxies none = TrustedProxies.of("");
        assertEquals(
                "127.0.0.1",
                none.listedClient(FakeHttp.Request.get("/x").request).getHostAddress());
        for (String header : new String[] {"X-Forwarded-For", "Forwarded", "X-Real-IP"}) {
            assertNull(none.listedClient(FakeHttp.Request.get("/x", header, "10.0.0.1").request), header);
        }
        TrustedProxies loopback = TrustedProxies.of("127.0.0.1");
        assertEquals(
                "10.0.0.1",
                loopback.listedClient(FakeHttp.Request.get("/x", "X-Forwarded-For", "10.0.0.1").request)
                        .getHostAddress(),
                "a trusted proxy names the client");
    }

    // Helper review 253: a migrated Kong deployment's KONG_TRUSTED_IPS was ignored, so the load
    // balancer was every client (past an ip-restriction deny list).
    @Test
    void kongsEnvironmentIsReadWhenTheGatewaysSettingsAreUnset() {
        java.util.Map<String, String> env = new java.util.HashMap<>();
        java.util.Optional<String> unset = java.util.Optional.empty();
        java.util.Optional<Boolean> unsetFlag = java.util.Optional.empty();
        TrustedProxies.Settings ours = TrustedProxies.Settings.resolve(unset, unset, unsetFlag, env::get);
        assertEquals(new TrustedProxies.Settings("", "X-Forwarded-For", true), ours, "GitInsight's nginx defaults");
        env.put("KONG_TRUSTED_IPS", "10.0.0.0/8");
        assertEquals(
                new TrustedProxies.Settings("10.0.0.0/8", "X-Real-IP", false),
                TrustedProxies.Settings.resolve(unset, unset, unsetFlag, env::get),
                "Kong's defaults with Kong's trust");
        env.put("KONG_REAL_IP_HEADER", "X-Forwarded-For");
        env.put("KONG_REAL_IP_RECURSIVE", "on");
        assertEquals(
                new TrustedProxies.Settings("10.0.0.0/8", "X-Forwarded-For", true),
                TrustedProxies.Settings.resolve(unset, unset, unsetFlag, env::get));
        assertEquals(
                new TrustedProxies.Settings("192.168.0.1", "X-Client", false),
                TrustedProxies.Settings.resolve(
                        java.util.Optional.of("192.168.0.1"),
                        java.util.Optional.of("X-Client"),
                        java.util.Optional.of(false),
                        env::get),
                "the gateway's own settings win");
        // Attacker review 257: with the gateway's own trust, Kong's variables are not read at all
        // (a leftover KONG_REAL_IP_HEADER=X-Real-IP would believe a client's own X-Real-IP).
        env.put("KONG_REAL_IP_HEADER", "X-Real-IP");
        assertEquals(
                new TrustedProxies.Settings("10.0.0.0/8", "X-Forwarded-For", true),
                TrustedProxies.Settings.resolve(java.util.Optional.of("10.0.0.0/8"), unset, unsetFlag, env::get));
        // Kong's unix: entry is dropped; proxy_protocol (not read here) trusts nothing rather than fail.
        env.put("KONG_TRUSTED_IPS", "10.0.0.0/8,unix:");
        assertEquals(
                "10.0.0.0/8",
                TrustedProxies.Settings.resolve(unset, unset, unsetFlag, env::get)
                        .trustedIps());
        env.put("KONG_REAL_IP_HEADER", "proxy_protocol");
        assertEquals(ours, TrustedProxies.Settings.resolve(unset, unset, unsetFlag, env::get));
        TrustedProxies.Settings unixOnly = TrustedProxies.Settings.resolve(
                unset, unset, unsetFlag, java.util.Map.of("KONG_TRUSTED_IPS", "unix:")::get);
        assertEquals(ours, unixOnly);
    }
}
