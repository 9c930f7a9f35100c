package com.gitinsight.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.gitinsight.gateway.config.RouteSpec;
import com.gitinsight.gateway.runtime.GatewaySnapshot;
import com.gitinsight.gateway.runtime.TestSnapshots;
import com.gitinsight.gateway.testing.FakeHttp;
import org.junit.jupiter.api.Test;

/** Kong's runloop for a route whose protocols have https and not http. */
class HttpsOnlyRouteTest {

    private static final GatewaySnapshot SNAPSHOT = TestSnapshots.of("""
            _format_version: "3.0"
            services:
              - name: s
                url: http://127.0.0.1:9
                routes:
                  - {name: both, paths: [/both], protocols: [http, https]}
                  - {name: tls, paths: [/tls], protocols: [https]}
                  - {name: moved, paths: [/moved], protocols: [https], https_redirect_status_code: 301}
                  - {name: plain, paths: [/plain]}
                  - {name: wss, paths: [/wss], protocols: [wss]}
                  - {name: both-ws, paths: [/both-ws], protocols: [ws, wss]}
            """);

    private static int redirect(String route) {
        return SNAPSHOT.config().routes().stream()
                .filter(r -> route.equals(r.name()))
                .map(RouteSpec::httpsRedirect)
                .findFirst()
                .orElseThrow();
    }

    @Test
    void onlyARouteWithHttpsAndNotHttpRefusesPlainHttp() {
        assertEquals(0, redirect("both"));
        assertEquals(0, redirect("plain"));
        assertEquals(426, redirect("tls"));
        assertEquals(301, redirect("moved"));
        assertEquals(426, redirect("wss"), "a wss-only route's upgrades come over TLS");
        assertEquals(0, redirect("both-ws"));
    }

    @Test
    void onlyATrustedProxysForwardedProtoCounts() {
        FakeHttp.Request r = FakeHttp.Request.get("/tls", "X-Forwarded-Proto", "HTTPS");
        assertTrue(CurrentRequestFilter.overHttps(r.request, true));
        // Helper review 157: a trusted balancer that re-encrypts to the gateway's TLS listener says a
        // client came over plain http; its header decides, as Kong's forwarded_proto (the redirect was skipped).
        jakarta.servlet.http.HttpServletRequest reencrypted =
                new jakarta.servlet.http.HttpServletRequestWrapper(
                        FakeHttp.Request.get("/tls", "X-Forwarded-Proto", "http").request) {
                    @Override
                    public boolean isSecure() {
                        return true;
                    }
                };
        assertFalse(CurrentRequestFilter.overHttps(reencrypted, true));
        assertTrue(CurrentRequestFilter.overHttps(reencrypted, false), "an untrusted peer's header is not read");
        assertFalse(CurrentRequestFilter.overHttps(r.request, false));
        assertFalse(CurrentRequestFilter.overHttps(
                FakeHttp.Request.get("/tls", "X-Forwarded-Proto", "http").request, true));
    }

    @Test
    void kongs426OrARedirectToTheSameRequestOverHttps() throws Exception {
        FakeHttp.Response upgrade = new FakeHttp.Response();
        CurrentRequestFilter.refusePlainHttp(FakeHttp.Request.get("/tls/x").request, upgrade.response, 426, false);
        assertEquals(426, upgrade.status());
        assertEquals(
                "Please use HTTPS protocol",
                new com.fasterxml.jackson.databind.ObjectMapper()
                        .readTree(upgrade.text())
                        .get("message")
                        .asText());
        assertEquals("TLS/1.2, HTTP/1.1", upgrade.header("Upgrade"));
        FakeHttp.Response html = new FakeHttp.Response();
        CurrentRequestFilter.refusePlainHttp(
                FakeHttp.Request.get("/tls/x", "Accept", "text/html").request, html.response, 426, false);
        assertTrue(html.header("Content-Type").startsWith("text/html"), "kong.response.error follows Accept");
        FakeHttp.Response moved = new FakeHttp.Response();
        CurrentRequestFilter.refusePlainHttp(
                FakeHttp.Request.get("/moved/a?b=1", "Host", "gw.test:8080", "X-Forwarded-Host", "api.example.com")
                        .request,
                moved.response,
                301,
                false);
        assertEquals(301, moved.status());
        assertEquals(
                "https://gw.test/moved/a?b=1", moved.header("Location"), "an untrusted X-Forwarded-Host is not used");
        FakeHttp.Response dotted = new FakeHttp.Response();
        CurrentRequestFilter.refusePlainHttp(
                FakeHttp.Request.get("/m", "Host", "GW.Test.").request, dotted.response, 301, false);
        assertEquals("https://gw.test/m", dotted.header("Location"), "nginx's $host: lower-case, no trailing dot");
        // The same $host is the upstream's X-Forwarded-Host.
        assertEquals("api.example.com", com.gitinsight.gateway.http.HostValue.nginx("API.example.com."));
        assertEquals(".", com.gitinsight.gateway.http.HostValue.nginx("."));
        // An IPv6 address in its brackets, as nginx's $host keeps them (a Location without them breaks).
        assertEquals("[::1]", com.gitinsight.gateway.http.HostValue.nginx("::1"));
        assertEquals("[::1]", com.gitinsight.gateway.http.HostValue.nginx("[::1]"));
        FakeHttp.Response proxied = new FakeHttp.Response();
        CurrentRequestFilter.refusePlainHttp(
                FakeHttp.Request.get("/moved/a", "X-Forwarded-Host", "api.example.com").request,
                proxied.response,
                308,
                true);
        assertEquals("https://api.example.com/moved/a", proxied.header("Location"));
        FakeHttp.Response listed = new FakeHttp.Response();
        CurrentRequestFilter.refusePlainHttp(
                FakeHttp.Request.get("/m", "Host", "gw.test", "X-Forwarded-Host", "a.example.com, evil.example")
                        .request,
                listed.response,
                308,
                true);
        assertEquals("https://a.example.com/m", listed.header("Location"), "the first name of a list");
        FakeHttp.Response odd = new FakeHttp.Response();
        CurrentRequestFilter.refusePlainHttp(
                FakeHttp.Request.get("/m", "Host", "gw.test", "X-Forwarded-Host", "evil.example/@x").request,
                odd.response,
                308,
                true);
        assertEquals("https://gw.test/m", odd.header("Location"), "not a host: the request's own");
    }
}
