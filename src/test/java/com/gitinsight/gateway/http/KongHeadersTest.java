package com.gitinsight.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Kong's {@code headers} and {@code headers_upstream} as the gateway reads them. */
class KongHeadersTest {

    @Test
    void kongs35DefaultsSendTheRequestIdBothWays() {
        KongHeaders defaults = KongHeaders.of("X-Kong-Request-Id", "X-Kong-Request-Id");
        assertTrue(defaults.requestIdDownstream());
        assertTrue(defaults.requestIdUpstream());
    }

    // Helper review 276: Kong's X-Kong-Upstream-Status entry (off by default); headers_upstream
    // knows only the request id, as Kong's loader.
    @Test
    void theUpstreamStatusIsSentDownstreamOnlyWhenNamed() {
        assertFalse(KongHeaders.of("X-Kong-Request-Id", "X-Kong-Request-Id").upstreamStatusDownstream());
        KongHeaders named = KongHeaders.of("server_tokens, x-kong-upstream-status", "X-Kong-Request-Id");
        assertTrue(named.upstreamStatusDownstream());
        assertFalse(named.requestIdDownstream());
        assertFalse(KongHeaders.of("off, X-Kong-Upstream-Status", "").upstreamStatusDownstream());
        assertThrows(IllegalArgumentException.class, () -> KongHeaders.of("", "X-Kong-Upstream-Status"));
        assertThrows(IllegalArgumentException.class, () -> KongHeaders.of("", "server_tokens"));
    }

    @Test
    void offOrAListWithoutItSendsNone() {
        assertFalse(KongHeaders.of("off", "X-Kong-Request-Id").requestIdDownstream());
        assertFalse(KongHeaders.of("X-Kong-Request-Id", "off").requestIdUpstream());
        assertFalse(KongHeaders.of("server_tokens, latency_tokens", "").requestIdDownstream());
        assertFalse(KongHeaders.of("", "").requestIdUpstream());
        assertFalse(KongHeaders.of("off, X-Kong-Request-Id", "off, X-Kong-Request-Id")
                .requestIdDownstream());
    }

    // Kong's 14-server_tokens_spec: with headers "server_tokens, off, X-Kong-Proxy-Latency", "off
    // will not take effect": it counts only as the first entry (helper review 102).
    @Test
    void offElsewhereThanFirstIsIgnored() {
        KongHeaders h = KongHeaders.of("X-Kong-Request-Id, off", "X-Kong-Request-Id, off");
        assertTrue(h.requestIdDownstream());
        assertTrue(h.requestIdUpstream());
    }

    @Test
    void kongsOtherTokensAreReadInAnyCaseAndTheRequestIdAmongThem() {
        KongHeaders h = KongHeaders.of(" Server_Tokens ,latency_tokens, x-kong-request-id ,Via", "x-KONG-request-ID");
        assertTrue(h.requestIdDownstream());
        assertTrue(h.requestIdUpstream());
    }

    @Test
    void anEntryKongDoesNotKnowFailsNamingTheSettingAndTheEntry() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> KongHeaders.of("X-Kong-Request-Id, X-Powered-By", ""));
        assertEquals("gateway.headers: invalid entry 'X-Powered-By'", e.getMessage());
        // Upstream, Kong knows the request id only.
        e = assertThrows(IllegalArgumentException.class, () -> KongHeaders.of("", "server_tokens"));
        assertEquals("gateway.headers-upstream: invalid entry 'server_tokens'", e.getMessage());
    }
}
