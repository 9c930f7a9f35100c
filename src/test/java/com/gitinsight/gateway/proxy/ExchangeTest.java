package com.gitinsight.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.gitinsight.gateway.testing.FakeHttp;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** What the end of a request does with an upstream response whose body JAX-RS did or did not write. */
class ExchangeTest {

    private final AtomicInteger released = new AtomicInteger();
    private final AtomicInteger abandoned = new AtomicInteger();
    private final Exchange exchange =
            new Exchange(FakeHttp.Request.get("/x").request, new FakeHttp.Response().response, null);

    @Test
    void aBodyNeverWrittenLetsGoOfTheUpstreamExchangeAtTheEnd() {
        exchange.releaseOnEnd(released::incrementAndGet);
        exchange.onUnwritten(abandoned::incrementAndGet);

        exchange.end();
        exchange.end();

        assertEquals(1, abandoned.get());
        assertEquals(1, released.get());
    }

    @Test
    void aWrittenBodyIsNotAbandonedAgain() {
        Runnable done = exchange.releaseOnEnd(released::incrementAndGet);
        exchange.onUnwritten(abandoned::incrementAndGet);

        done.run(); // ProxiedBody's end
        exchange.end();

        assertEquals(0, abandoned.get());
        assertEquals(1, released.get());
    }

    @Test
    void aKeptHeaderReplacesEveryOtherValueOfItAndOutlivesAReset() {
        FakeHttp.Response container = new FakeHttp.Response();
        Exchange kept = new Exchange(FakeHttp.Request.get("/x").request, container.response, null);
        container.response.setHeader("X-Kong-Request-Id", "gateway's");
        kept.keepHeader("X-Kong-Request-Id", "gateway's");
        jakarta.servlet.http.HttpServletResponse response = kept.response();

        response.addHeader("x-kong-request-id", "backend's");
        response.setHeader("X-KONG-REQUEST-ID", "plugin's");
        response.addHeader("Vary", "Origin");
        assertEquals(java.util.List.of("gateway's"), anySpelling(container, "X-Kong-Request-Id"));

        response.reset(); // a stale cached answer replaces a failed one
        assertEquals(java.util.List.of("gateway's"), anySpelling(container, "X-Kong-Request-Id"));
        assertEquals(java.util.List.of(), anySpelling(container, "Vary"));
    }

    private static java.util.List<String> anySpelling(FakeHttp.Response response, String name) {
        java.util.List<String> out = new java.util.ArrayList<>();
        response.headers().forEach((k, v) -> {
            if (k.equalsIgnoreCase(name)) {
                out.addAll(v);
            }
        });
        return out;
    }

    // Kong's allow_debug_header (02-router_spec sends Kong-Debug: 1 and reads kong-route-id,
    // kong-service-name... on every answer, a plugin's refusal too; helper review 142).
    @Test
    void kongsDebugHeadersNameTheRouteAndServiceOnWhateverAnswers() {
        com.gitinsight.gateway.runtime.GatewaySnapshot s = com.gitinsight.gateway.runtime.TestSnapshots.of("""
                _format_version: "3.0"
                services:
                  - name: svc
                    url: http://127.0.0.1:9
                    routes: [{name: r, paths: [/r]}, {paths: [/unnamed]}]
                """);
        FakeHttp.Response response = new FakeHttp.Response();
        Exchange debugged = new Exchange(FakeHttp.Request.get("/r").request, response.response, null);
        com.gitinsight.gateway.routing.Router router = com.gitinsight.gateway.routing.Router.build(s.config());
        FakeHttp.Request r = FakeHttp.Request.get("/r");
        CurrentRequestFilter.debugHeaders(router.match(new ServletRequestFacts(r.request, "/r")), debugged);
        debugged.response().reset(); // a plugin's refusal
        assertEquals(com.gitinsight.gateway.config.KongIds.of("routes", "r"), response.header("Kong-Route-Id"));
        assertEquals("r", response.header("Kong-Route-Name"));
        assertEquals(com.gitinsight.gateway.config.KongIds.of("services", "svc"), response.header("Kong-Service-Id"));
        assertEquals("svc", response.header("Kong-Service-Name"));

        FakeHttp.Response unnamed = new FakeHttp.Response();
        FakeHttp.Request u = FakeHttp.Request.get("/unnamed");
        CurrentRequestFilter.debugHeaders(
                router.match(new ServletRequestFacts(u.request, "/unnamed")),
                new Exchange(u.request, unnamed.response, null));
        org.junit.jupiter.api.Assertions.assertNotNull(unnamed.header("Kong-Route-Id"));
        org.junit.jupiter.api.Assertions.assertNull(unnamed.header("Kong-Route-Name"), "a route without a name");
        org.junit.jupiter.api.Assertions.assertFalse(
                com.gitinsight.gateway.http.KongHeaders.of("X-Kong-Request-Id", "X-Kong-Request-Id")
                        .allowDebugHeader(),
                "off by default, as Kong's allow_debug_header");
    }

    // Helper review 237: the chain head's Date is the request's arrival; nginx dates the head when
    // it writes it. A status set in a later second dates the answer anew, unless it set its own
    // (a backend's, which Jersey sets before the status); a reset puts the gateway's back.
    @Test
    void anAnswerIsDatedWhenItsStatusIsSetUnlessItCarriesItsOwn() {
        java.util.concurrent.atomic.AtomicLong clock = new java.util.concurrent.atomic.AtomicLong(1_796_552_577_000L);
        com.gitinsight.gateway.http.AnswerDates dates = new com.gitinsight.gateway.http.AnswerDates(clock::get);
        FakeHttp.Response container = new FakeHttp.Response();
        Exchange slow = new Exchange(FakeHttp.Request.get("/x").request, container.response, null);
        String arrival = dates.now();
        container.response.setHeader("Date", arrival);
        slow.dated(dates, arrival);
        clock.addAndGet(60_000);
        slow.response().setStatus(504);
        assertEquals(java.util.List.of("Sun, 06 Dec 2026 10:23:57 GMT"), container.headers("Date"));

        FakeHttp.Response proxied = new FakeHttp.Response();
        Exchange backend = new Exchange(FakeHttp.Request.get("/x").request, proxied.response, null);
        proxied.response.setHeader("Date", arrival);
        backend.dated(dates, arrival);
        backend.response().setHeader("Date", "Sun, 06 Dec 2026 09:00:00 GMT");
        clock.addAndGet(60_000);
        backend.response().setStatus(200);
        assertEquals(java.util.List.of("Sun, 06 Dec 2026 09:00:00 GMT"), proxied.headers("Date"), "the backend's");
        backend.response().reset();
        assertEquals(1, proxied.headers("Date").size());
    }
}
