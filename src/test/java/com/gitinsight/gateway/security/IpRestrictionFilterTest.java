package com.gitinsight.gateway.security;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.gitinsight.gateway.http.TrustedProxies;
import com.gitinsight.gateway.runtime.GatewaySnapshot;
import com.gitinsight.gateway.runtime.TestSnapshots;
import com.gitinsight.gateway.testing.FakeHttp;
import org.junit.jupiter.api.Test;

/**
 * Plugin ip-restriction against Kong's spec/03-plugins/17-ip-restriction/02-access_spec.lua (the
 * HTTP cases; not gRPC or TCP streams): Kong's default message names the address.
 */
class IpRestrictionFilterTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static IpRestrictionFilter filter(String trusted) {
        TrustedProxies proxies = TrustedProxies.of(trusted);
        IpRestrictionFilter filter = new IpRestrictionFilter();
        filter.clients = proxies;
        return filter;
    }

    private static FakeHttp.Response send(String config, FakeHttp.Request request) throws Exception {
        return send(filter(""), config, request);
    }

    private static FakeHttp.Response send(IpRestrictionFilter filter, String config, FakeHttp.Request request)
            throws Exception {
        GatewaySnapshot s = TestSnapshots.of("""
                _format_version: "3.0"
                services:
                  - name: svc
                    url: http://127.0.0.1:9
                    routes:
                      - name: r
                        paths: [/]
                        plugins:
                          - name: ip-restriction
                            config: %s
                """.formatted(config));
        request.on(s, TestSnapshots.match(s, "r"));
        FakeHttp.Response response = new FakeHttp.Response();
        filter.apply(
                request.context().plugin(IpRestrictionSchema.NAME, IpRestrictionSchema.Config.class),
                request.context(),
                request.request,
                response.response,
                new FakeHttp.Backend());
        return response;
    }

    private static String message(FakeHttp.Response r) throws Exception {
        return JSON.readTree(r.text()).get("message").asText();
    }

    private static FakeHttp.Request from(String address) {
        return FakeHttp.Request.get("/status/200").from(address);
    }

    // "deny": "blocks a request when the IP is denied" (Kong's message: "IP address not allowed: <address>")
    @Test
    void blocksADeniedAddressWithKongsMessage() throws Exception {
        FakeHttp.Response r = send("{deny: [127.0.0.1, 127.0.0.2]}", from("127.0.0.1"));
        assertEquals(403, r.status());
        assertEquals("IP address not allowed: 127.0.0.1", message(r));
        assertEquals("application/json; charset=utf-8", r.header("Content-Type"));
    }

    // "blocks a request when the IP is denied with status/message"
    @Test
    void statusAndMessageAreConfigurable() throws Exception {
        FakeHttp.Response r = send("{deny: [127.0.0.0/24], status: 401, message: Forbidden}", from("127.0.0.1"));
        assertEquals(401, r.status());
        assertEquals("Forbidden", message(r));
    }

    // "allows a request when the IP is not denied", "blocks IP with CIDR", "blocks an IP on a allowed
    // CIDR range", "takes precedence over an allowed IP", "takes precedence over an allowed CIDR range"
    @Test
    void denyTakesPrecedence() throws Exception {
        assertEquals(200, send("{deny: [127.0.0.2]}", from("127.0.0.1")).status());
        assertEquals(403, send("{deny: [127.0.0.0/24]}", from("127.0.0.1")).status());
        assertEquals(
                403,
                send("{allow: [127.0.0.0/24], deny: [127.0.0.1]}", from("127.0.0.1"))
                        .status());
        assertEquals(
                403,
                send("{allow: [127.0.0.1], deny: [127.0.0.1]}", from("127.0.0.1"))
                        .status());
        assertEquals(
                403,
                send("{allow: [127.0.0.0/24], deny: [127.0.0.0/24]}", from("127.0.0.1"))
                        .status());
        assertEquals(200, send("{allow: [0.0.0.0/0]}", from("127.0.0.1")).status());
    }

    // "allow": "blocks a request when the IP is not allowed", "allows a allowed IP"
    @Test
    void allowList() throws Exception {
        FakeHttp.Response r = send("{allow: [127.0.0.2]}", from("127.0.0.1"));
        assertEquals(403, r.status());
        assertEquals("IP address not allowed: 127.0.0.1", message(r));
        assertEquals(200, send("{allow: [127.0.0.1]}", from("127.0.0.1")).status());
    }

    // Kong's IPv6 cases: "IP address not allowed: ::1", "...: fe80::1" (nginx's short form; Java
    // writes 0:0:0:0:0:0:0:1), whether the peer or a trusted proxy's header names the client.
    @Test
    void anIpv6ClientIsNamedInItsShortForm() throws Exception {
        assertEquals("IP address not allowed: ::1", message(send("{deny: ['::1']}", from("0:0:0:0:0:0:0:1"))));
        IpRestrictionFilter trusting = filter("0.0.0.0/0, ::/0");
        assertEquals(
                "IP address not allowed: fe80::1",
                message(send(
                        trusting,
                        "{deny: ['fe80::/64']}",
                        from("::1").header("X-Forwarded-For", "fe80:0:0:0:0:0:0:1"))));
        assertEquals("fe80::1", com.gitinsight.gateway.http.ClientAddress.canonical("fe80:0:0:0:0:0:0:1"));
        assertEquals("127.0.0.1", com.gitinsight.gateway.http.ClientAddress.canonical("127.0.0.1"));
        assertEquals("fe80::1%eth0", com.gitinsight.gateway.http.ClientAddress.canonical("fe80::1%eth0"));
    }

    // "X-Forwarded-For" cases (Kong's spec trusts every proxy: trusted_ips 0.0.0.0/0, ::/0)
    @Test
    void forwardedAddressesBehindTrustedProxies() throws Exception {
        IpRestrictionFilter trusting = filter("0.0.0.0/0, ::/0");
        assertEquals(
                200,
                send(trusting, "{deny: [127.0.0.4]}", from("127.0.0.1")).status(),
                "allows without any X-Forwarded-For and allowed IP");
        assertEquals(
                200,
                send(trusting, "{deny: [127.0.0.4]}", from("127.0.0.1").header("X-Forwarded-For", "127.0.0.3"))
                        .status(),
                "allows with allowed X-Forwarded-For header");
        FakeHttp.Response denied =
                send(trusting, "{deny: [127.0.0.4]}", from("127.0.0.1").header("X-Forwarded-For", "127.0.0.4"));
        assertEquals(403, denied.status(), "blocks with not allowed X-Forwarded-For header");
        assertEquals("IP address not allowed: 127.0.0.4", message(denied), "the client's address, not the proxy's");
        assertEquals(
                403,
                send(trusting, "{allow: [127.0.0.4]}", from("127.0.0.1")).status(),
                "blocks without any X-Forwarded-For and not allowed IP");
        assertEquals(
                403,
                send(trusting, "{allow: [127.0.0.4]}", from("127.0.0.1").header("X-Forwarded-For", "127.0.0.3"))
                        .status(),
                "block with not allowed X-Forwarded-For header");
        assertEquals(
                200,
                send(trusting, "{allow: [127.0.0.4]}", from("127.0.0.1").header("X-Forwarded-For", "127.0.0.4"))
                        .status(),
                "allows with allowed X-Forwarded-For header");
    }
}
