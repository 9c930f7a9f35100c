package com.gitinsight.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.gitinsight.gateway.config.GatewayConfig;
import com.gitinsight.gateway.config.KongConfigParser;
import com.gitinsight.gateway.config.PluginRegistry;
import com.gitinsight.gateway.config.RouteSpec;
import com.gitinsight.gateway.config.ServiceSpec;
import com.gitinsight.gateway.http.ErrorResponses;
import com.gitinsight.gateway.routing.RouteMatch;
import com.gitinsight.gateway.runtime.GatewaySnapshot;
import com.gitinsight.gateway.runtime.RequestContext;
import com.gitinsight.gateway.upstream.Failure;
import com.gitinsight.gateway.upstream.ServiceGuards;
import com.gitinsight.gateway.upstream.Target;
import com.gitinsight.gateway.upstream.TargetRegistry;
import com.gitinsight.gateway.upstream.UpstreamPool;
import com.gitinsight.gateway.upstream.Upstreams;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The forwarding pipeline's decisions, which HTTP and WebSocket handshakes share: admission and
 * its refusals, the pick (hashing, the sticky cookie), retries, health reports, the gateway's own
 * answers, the upstream path. Attempts are stand-ins for the transports.
 */
class UpstreamCallTest {

    private static final String YAML = """
            _format_version: "3.0"
            upstreams:
              - name: sticky
                algorithm: consistent-hashing
                hash_on: cookie
                hash_on_cookie: sticky
                hash_on_cookie_path: /s
                targets: [{target: "127.0.0.1:9001"}, {target: "127.0.0.1:9002"}, {target: "127.0.0.1:9003"}]
              - name: by-user
                algorithm: consistent-hashing
                hash_on: header
                hash_on_header: X-User
                targets: [{target: "127.0.0.1:9001"}, {target: "127.0.0.1:9002"}, {target: "127.0.0.1:9003"}]
              - name: three
                healthchecks:
                  passive: {unhealthy: {tcp_failures: 1, timeouts: 1}}
                targets: [{target: "127.0.0.1:9001"}, {target: "127.0.0.1:9002"}, {target: "127.0.0.1:9003"}]
              - name: timed
                algorithm: latency
                targets: [{target: "127.0.0.1:9031"}]
              - name: solo
                healthchecks:
                  passive: {unhealthy: {tcp_failures: 2}}
                targets: [{target: "127.0.0.1:9021"}]
            services:
              - name: sticky
                url: http://sticky
                routes: [{name: sticky, paths: [/s]}]
              - name: by-user
                url: http://by-user
                routes: [{name: by-user, paths: [/u], preserve_host: true}]
              - name: three
                url: http://three
                retries: 2
                routes: [{name: three, paths: [/t]}]
              - name: one
                url: http://solo
                retries: 2
                routes: [{name: one, paths: [/one]}]
              - name: timed
                url: http://timed
                retries: 0
                routes: [{name: timed, paths: [/timed]}]
              - name: guarded
                url: http://127.0.0.1:9009
                retries: 0
                routes: [{name: guarded, paths: [/g]}]
                plugins:
                  - {name: circuit-breaker, config: {failure_threshold: 1, open_seconds: 30}}
                  - {name: bulkhead, config: {max_concurrent_requests: 1}}
            """;

    private GatewaySnapshot snapshot;

    /** A fresh snapshot: new targets (health, in-flight counts) and guards. */
    @BeforeEach
    void load() throws Exception {
        snapshot = snapshotOf(new KongConfigParser(PluginRegistry.builtIn()).parse("t.yml", YAML));
    }

    /** What the proxy needs of a snapshot: upstreams (new targets) and guards. */
    private static GatewaySnapshot snapshotOf(GatewayConfig config) {
        return new GatewaySnapshot(
                config,
                null,
                Upstreams.build(config, new TargetRegistry(), null),
                new ServiceGuards(100).build(config),
                null,
                Instant.now());
    }

    // ---- a small servlet request ----

    private static final class Req {
        final Map<String, String> headers = new LinkedHashMap<>();
        final List<Cookie> cookies = new ArrayList<>();
        final Map<String, Object> attributes = new HashMap<>();
        String query;
        String method = "GET";

        Req header(String name, String value) {
            headers.put(name, value);
            return this;
        }

        Req cookie(String name, String value) {
            cookies.add(new Cookie(name, value));
            return this;
        }

        HttpServletRequest servlet() {
            return (HttpServletRequest) Proxy.newProxyInstance(
                    HttpServletRequest.class.getClassLoader(),
                    new Class<?>[] {HttpServletRequest.class},
                    (proxy, method, args) -> switch (method.getName()) {
                        case "getRemoteAddr" -> "203.0.113.7";
                        case "getServerName" -> "gw.example";
                        case "getLocalPort" -> 8000;
                        case "getRequestURI" -> "/x";
                        case "getScheme" -> "http";
                        case "getMethod" -> this.method;
                        case "getQueryString" -> query;
                        case "getCookies" -> cookies.isEmpty() ? null : cookies.toArray(Cookie[]::new);
                        case "getAttribute" -> attributes.get((String) args[0]);
                        case "setAttribute" -> attributes.put((String) args[0], args[1]);
                        case "getHeaderNames" -> Collections.enumeration(headers.keySet());
                        case "getHeader" ->
                            headers.entrySet().stream()
                                    .filter(e -> e.getKey().equalsIgnoreCase((String) args[0]))
                                    .map(Map.Entry::getValue)
                                    .findFirst()
                                    .orElse(null);
                        case "getHeaders" ->
                            Collections.enumeration(headers.entrySet().stream()
                                    .filter(e -> e.getKey().equalsIgnoreCase((String) args[0]))
                                    .map(Map.Entry::getValue)
                                    .toList());
                        default -> throw new UnsupportedOperationException(method.getName());
                    });
        }
    }

    private UpstreamCall call(String route, Req req, boolean replayable) {
        return call(route, req, replayable, "/x");
    }

    private UpstreamCall call(String route, Req req, boolean replayable, String upstreamPath) {
        return call(route, req, replayable, upstreamPath, context -> {});
    }

    /** {@code plugins} acts on the request's context first, as the plugin filters do. */
    private UpstreamCall call(
            String route,
            Req req,
            boolean replayable,
            String upstreamPath,
            java.util.function.Consumer<RequestContext> plugins) {
        RouteSpec r = snapshot.config().routes().stream()
                .filter(x -> x.displayName().equals(route))
                .findFirst()
                .orElseThrow();
        ServiceSpec service = snapshot.config().service(r.service()).orElseThrow();
        HttpServletRequest request = req.servlet();
        RequestContext context =
                RequestContext.attach(request, snapshot, new RouteMatch(r, service, upstreamPath), upstreamPath, false);
        plugins.accept(context);
        return new UpstreamCall(context, request, replayable);
    }

    private UpstreamPool pool(String service) {
        return snapshot.upstreams().forService(service);
    }

    /** What a call came to: the answering target, or the gateway's answer. */
    private record Result(Target target, LocalAnswer answer, Runnable release) {}

    private static final Function<LocalAnswer, Result> LOCAL = a -> new Result(null, a, null);

    private static UpstreamCall.Attempt<Result> answers(int status) {
        return target -> UpstreamCall.answered(status, release -> new Result(target, null, release));
    }

    /** Answers 200 and frees the slot at once, as a finished exchange would. */
    private static Target answeringTarget(UpstreamCall call) {
        Result r = call.forward(answers(200), LOCAL);
        assertNull(r.answer(), () -> "answered, not " + r.answer());
        r.release().run();
        return r.target();
    }

    // ---- TLS and Host of an upstream ----

    @Test
    void anUpstreamsHostHeaderAndClientCertificateServeItsTargets() throws Exception {
        com.gitinsight.gateway.testing.TestCertificates pki = com.gitinsight.gateway.testing.TestCertificates.shared();
        String pad = "\n      ";
        GatewayConfig config = new KongConfigParser(PluginRegistry.builtIn()).parse("t.yml", """
                _format_version: "3.0"
                certificates:
                  - id: c11e0700-0000-4000-8000-000000000001
                    cert: |
                      %s
                    key: |
                      %s
                upstreams:
                  - name: named
                    host_header: api.internal
                    client_certificate: c11e0700-0000-4000-8000-000000000001
                    targets: [{target: "127.0.0.1:9001"}]
                services:
                  - {name: named, url: "https://named", routes: [{name: named, paths: [/n]}]}
                  - {name: own, url: "https://named", tls_verify: false, client_certificate: c11e0700-0000-4000-8000-000000000001,
                     routes: [{name: own, paths: [/o]}]}
                """.formatted(
                        pki.chainPem("client").strip().replace("\n", pad),
                        pki.keyPem("client").strip().replace("\n", pad)));
        snapshot = snapshotOf(config);
        UpstreamCall call = call("named", new Req(), true);
        Target target = pool("named").targets().get(0);
        assertEquals("api.internal", call.hostName(target));
        // Kong's fallback_upstream_client_cert: the service names none, so the upstream's is presented.
        assertEquals(
                "c11e0700-0000-4000-8000-000000000001",
                call.tls().clientCertificate().id());
        assertNull(call.service().tls().clientCertificate());
        assertEquals(false, call("own", new Req(), true).tls().verify());
    }

    // Helper review 270: Kong's balancer span names balancer_data.hostname, which is the upstream's
    // host_header when it has one (kong/runloop/balancer/init.lua execute), else the target's name.
    @Test
    void aTrySpanNamesTheUpstreamsHostHeaderAsKongsBalancerHostname() throws Exception {
        snapshot = snapshotOf(new KongConfigParser(PluginRegistry.builtIn()).parse("t.yml", """
                _format_version: "3.0"
                upstreams:
                  - {name: named, host_header: api.internal, targets: [{target: "127.0.0.1:9001"}]}
                  - {name: plain, targets: [{target: "127.0.0.1:9002"}]}
                services:
                  - {name: named, url: "http://named", routes: [{name: named, paths: [/n]}]}
                  - {name: plain, url: "http://plain", routes: [{name: plain, paths: [/p]}]}
                """));
        for (String[] c : new String[][] {{"named", "api.internal"}, {"plain", "127.0.0.1"}}) {
            List<String> named = new java.util.ArrayList<>();
            UpstreamCall call = call(
                    c[0],
                    new Req(),
                    true,
                    "/x",
                    context -> context.trace(new com.gitinsight.gateway.runtime.RequestTrace() {
                        @Override
                        public Phase phase(String name) {
                            return NO_PHASE;
                        }

                        @Override
                        public Try upstreamTry(String ip, String name, int port, int number) {
                            named.add(ip + " " + name + ":" + port);
                            return com.gitinsight.gateway.runtime.RequestTrace.NONE.upstreamTry(ip, name, port, number);
                        }

                        @Override
                        public String traceId() {
                            return null;
                        }
                    }));
            call.forward(answers(200), LOCAL).release().run();
            assertEquals(List.of("127.0.0.1 " + c[1] + ":" + (c[0].equals("named") ? 9001 : 9002)), named, c[0]);
        }
    }

    // ---- the pick ----

    @Test
    void aMissingHashCookieIsMadeOnceAndThenKeepsTheClientOnItsTarget() {
        UpstreamCall first = call("sticky", new Req(), true);
        Target target = answeringTarget(first);
        String setCookie = first.stickyCookie();
        assertNotNull(setCookie, "a client without the hash cookie gets one");
        assertTrue(setCookie.matches("sticky=[0-9a-f-]{36}; Path=/s; Same-Site=Lax; HttpOnly"), setCookie);
        String value = setCookie.substring("sticky=".length(), setCookie.indexOf(';'));
        for (int i = 0; i < 10; i++) {
            UpstreamCall again = call("sticky", new Req().cookie("sticky", value), false);
            assertSame(target, answeringTarget(again), "the cookie's target");
            assertNull(again.stickyCookie(), "no new cookie for a client that has one");
        }
    }

    @Test
    void theSameHashHeaderPicksTheSameTargetAndKeysSpread() {
        Set<Target> seen = new HashSet<>();
        for (int user = 0; user < 30; user++) {
            Target first = answeringTarget(call("by-user", new Req().header("X-User", "user-" + user), false));
            for (int i = 0; i < 3; i++) {
                assertSame(
                        first,
                        answeringTarget(call("by-user", new Req().header("X-User", "user-" + user), false)),
                        "user-" + user + " moved");
            }
            seen.add(first);
        }
        assertTrue(seen.size() > 1, "30 keys on one of three targets");
    }

    @Test
    void aPoolThatDoesNotHashMakesNoCookie() {
        UpstreamCall c = call("three", new Req(), true);
        answeringTarget(c);
        assertNull(c.stickyCookie());
    }

    // ---- admission ----

    @Test
    void aFullBulkheadAndAnOpenBreakerAreRefusedWithRetryAfter() {
        Result holding = call("guarded", new Req(), true).forward(answers(200), LOCAL);
        Result refused = call("guarded", new Req(), true).forward(answers(200), LOCAL);
        assertEquals(new LocalAnswer(503, ErrorResponses.AT_CAPACITY, 1), refused.answer(), "one slot, taken");
        holding.release().run();
        holding.release().run(); // once only: a second run frees nothing more
        assertEquals(0, snapshot.guard("guarded").status().inFlight());

        Result failed = call("guarded", new Req(), true).forward(answers(500), LOCAL);
        failed.release().run();
        Result open = call("guarded", new Req(), true).forward(answers(200), LOCAL);
        assertEquals(503, open.answer().status());
        assertEquals(ErrorResponses.BREAKER_OPEN, open.answer().message());
        assertTrue(
                open.answer().retryAfterSeconds() >= 29 && open.answer().retryAfterSeconds() <= 30,
                "Retry-After " + open.answer().retryAfterSeconds());
        assertEquals(0, snapshot.guard("guarded").status().inFlight(), "a refusal holds no slot");
    }

    @Test
    void theClientsOwnFailureIsNoVerdictAndFreesTheSlot() {
        Result local = call("guarded", new Req(), false)
                .forward(target -> UpstreamCall.local(LocalAnswer.of(400, ErrorResponses.CLIENT_BODY)), LOCAL);
        assertEquals(LocalAnswer.of(400, ErrorResponses.CLIENT_BODY), local.answer());
        assertEquals(0, snapshot.guard("guarded").status().inFlight());
        assertEquals("CLOSED", snapshot.guard("guarded").status().breakerState());
        // Had it counted (threshold 1), the breaker would refuse this one.
        answeringTarget(call("guarded", new Req(), false));
        for (Target t : pool("guarded").targets()) {
            assertEquals(0, t.active());
        }
    }

    // ---- retries and the gateway's answers ----

    @Test
    void connectFailuresGoToAnotherTargetUpToRetriesAndReachPassiveHealth() {
        List<Target> tried = new ArrayList<>();
        Result r = call("three", new Req(), false)
                .forward(
                        target -> {
                            tried.add(target);
                            assertEquals(1, target.active(), "in flight while tried");
                            return tried.size() < 3
                                    ? UpstreamCall.notConnected(Failure.TCP, new ConnectException("refused"))
                                    : UpstreamCall.answered(200, release -> new Result(target, null, release));
                        },
                        LOCAL);
        assertEquals(3, new HashSet<>(tried).size(), "three different targets: " + tried);
        assertSame(tried.get(2), r.target());
        assertEquals(1, r.target().active(), "held until the exchange is over");
        r.release().run();
        assertEquals(0, r.target().active());
        assertFalse(tried.get(0).available(), "tcp_failures: 1 ejects the target that refused");
        assertFalse(tried.get(1).available());
        assertTrue(tried.get(2).available());
        assertEquals(0, tried.get(0).active());
    }

    @Test
    void eachTryIsKeptForTheLogWithTheStatusNginxRecordsForIt() {
        // Kong logs nginx's $upstream_status ("504, 502, 200") and each failed try's code.
        RequestContext[] seen = new RequestContext[1];
        int[] n = {0};
        Result r = call("three", new Req(), false, "/x", c -> {
                    c.keepTries();
                    seen[0] = c;
                })
                .forward(
                        target -> switch (++n[0]) {
                            case 1 ->
                                UpstreamCall.notConnected(
                                        Failure.TIMEOUT, new SocketTimeoutException("connect timed out"));
                            case 2 -> UpstreamCall.notConnected(Failure.TCP, new ConnectException("refused"));
                            default -> UpstreamCall.answered(200, release -> new Result(target, null, release));
                        },
                        LOCAL);
        r.release().run();
        List<RequestContext.TargetTry> tries = seen[0].tries();
        assertEquals(
                List.of(504, 502, 0),
                tries.stream().map(RequestContext.TargetTry::failureStatus).toList());
        assertEquals(
                List.of(0, 0, 200),
                tries.stream().map(RequestContext.TargetTry::status).toList());
        // Kong's balancer_latency_ns: each try's time choosing its target, measured (it was 0).
        assertTrue(tries.stream().allMatch(t -> t.balancerNanos() > 0), tries.toString());
        // A name that does not resolve: Kong fails it before proxying, no upstream status.
        RequestContext[] dns = new RequestContext[1];
        call("three", new Req(), false, "/x", c -> {
                    c.keepTries();
                    dns[0] = c;
                })
                .forward(target -> UpstreamCall.notConnected(Failure.TCP, new UnknownHostException("nowhere")), LOCAL);
        // Nor is it a try in Kong's log (its balancer fails before proxying: tries [], proxy -1).
        assertTrue(dns[0].tries().isEmpty(), dns[0].tries().toString());
    }

    /** A trace that records what each try was told, as "number: event" lines. */
    private static java.util.function.Consumer<RequestContext> recording(List<String> events) {
        return context -> context.trace(new com.gitinsight.gateway.runtime.RequestTrace() {
            @Override
            public Phase phase(String name) {
                return NO_PHASE;
            }

            @Override
            public Try upstreamTry(String ip, String name, int port, int number) {
                return new Try() {
                    @Override
                    public void propagate(java.util.function.BiConsumer<String, String> headers) {}

                    @Override
                    public void answered(int status) {
                        events.add(number + ": answered " + status);
                    }

                    @Override
                    public void failed(String failure) {
                        events.add(number + ": failed");
                    }

                    @Override
                    public void unresolved() {
                        events.add(number + ": unresolved");
                    }

                    @Override
                    public void endsWithoutRetry() {
                        events.add(number + ": ends without retry");
                    }
                };
            }

            @Override
            public String traceId() {
                return null;
            }
        });
    }

    // Helper review 274: what Kong's balancer span shows of each try follows what the call tells
    // the trace: a try nginx does not send again with retries left (a body already sent, an
    // invalid answer) ends without retry (Kong leaves it unmarked); an unresolved name is no try.
    @Test
    void theTraceIsToldWhichFailedTryIsNotTriedAgainAndWhichNameDidNotResolve() {
        List<String> events = new java.util.ArrayList<>();
        call("one", new Req(), false, "/x", recording(events))
                .forward(target -> UpstreamCall.failed(Failure.TCP, new IOException("reset while sending")), LOCAL);
        assertEquals(List.of("1: failed", "1: ends without retry"), events, "a body already sent");
        events.clear();
        call("one", new Req(), true, "/x", recording(events))
                .forward(target -> UpstreamCall.local(LocalAnswer.of(502, ErrorResponses.BAD_GATEWAY)), LOCAL);
        assertEquals(List.of("1: failed", "1: ends without retry"), events, "an invalid answer");
        events.clear();
        call("one", new Req(), true, "/x", recording(events))
                .forward(target -> UpstreamCall.failed(Failure.TCP, new IOException("reset")), LOCAL);
        assertEquals(List.of("1: failed", "2: failed", "3: failed"), events, "retried: each marked by the next");
        events.clear();
        call("three", new Req(), true, "/x", recording(events))
                .forward(target -> UpstreamCall.notConnected(Failure.TCP, new UnknownHostException("nowhere")), LOCAL);
        assertTrue(events.stream().allMatch(e -> e.endsWith(": unresolved")) && !events.isEmpty(), events.toString());
    }

    @Test
    void whenNoTargetAnswersTheLastFailureNamesTheAnswer() throws Exception {
        assertEquals(
                LocalAnswer.upstreamFailure(502, ErrorResponses.BAD_GATEWAY),
                exhausted(Failure.TCP, new ConnectException("x")));
        assertEquals(
                LocalAnswer.upstreamFailure(504, ErrorResponses.TIMEOUT),
                exhausted(Failure.TIMEOUT, new SocketTimeoutException("connect timed out")));
        assertEquals(
                LocalAnswer.of(503, ErrorResponses.NAME_RESOLUTION),
                exhausted(Failure.TCP, new UnknownHostException("nowhere")));
    }

    private LocalAnswer exhausted(Failure failure, IOException cause) throws Exception {
        load();
        int[] attempts = {0};
        Result r = call("three", new Req(), false)
                .forward(
                        target -> {
                            attempts[0]++;
                            return UpstreamCall.notConnected(failure, cause);
                        },
                        LOCAL);
        assertEquals(3, attempts[0], "retries: 2");
        for (Target t : pool("three").targets()) {
            assertEquals(0, t.active());
        }
        return r.answer();
    }

    // Helper review 211 #1: a try that timed out counts its time for the latency balancer.
    @Test
    void aTryWithoutAnAnswerIsMeasuredForTheLatencyBalancer() {
        Target[] seen = {null};
        call("timed", new Req(), false)
                .forward(
                        target -> {
                            seen[0] = target;
                            java.util.concurrent.locks.LockSupport.parkNanos(20_000_000);
                            return UpstreamCall.failed(Failure.TIMEOUT, new SocketTimeoutException("read timed out"));
                        },
                        LOCAL);
        assertTrue(seen[0].latencyMicros() >= 20_000, String.valueOf(seen[0].latencyMicros()));
    }

    @Test
    void aFailureAfterSendingEndsANonReplayableRequestAndRetriesAReplayableOneAsKongsBalancer() {
        int[] attempts = {0};
        Result once = call("three", new Req(), false)
                .forward(
                        target -> {
                            attempts[0]++;
                            return UpstreamCall.failed(Failure.TIMEOUT, new SocketTimeoutException("read timed out"));
                        },
                        LOCAL);
        assertEquals(1, attempts[0], "a request whose body may have arrived is never sent twice");
        assertEquals(LocalAnswer.upstreamFailure(504, ErrorResponses.TIMEOUT), once.answer());

        List<Target> tried = new ArrayList<>();
        Result replayed = call("three", new Req(), true)
                .forward(
                        target -> {
                            tried.add(target);
                            return UpstreamCall.failed(Failure.TIMEOUT, new SocketTimeoutException("read timed out"));
                        },
                        LOCAL);
        assertEquals(LocalAnswer.upstreamFailure(504, ErrorResponses.TIMEOUT), replayed.answer());
        assertEquals(tried.size(), new HashSet<>(tried).size(), "a timed-out target is not asked again: " + tried);

        // Kong's 08-retries spec: a reset on a single-target service is tried 1 + retries times.
        int[] resets = {0};
        Result single = call("one", new Req(), true)
                .forward(
                        target -> {
                            resets[0]++;
                            return UpstreamCall.failed(Failure.TCP, new IOException("reset"));
                        },
                        LOCAL);
        assertEquals(LocalAnswer.upstreamFailure(502, ErrorResponses.BAD_GATEWAY), single.answer());
        assertEquals(3, resets[0], "retries: 2, on the only target");
        Target solo = pool("one").targets().get(0);
        assertTrue(solo.available(), "one request's three resets are one failure for its passive check");
        call("one", new Req(), true)
                .forward(target -> UpstreamCall.failed(Failure.TCP, new IOException("reset")), LOCAL);
        assertFalse(solo.available(), "a second request's: tcp_failures 2");
    }

    /**
     * Helper review 242: a POST a backend cut off mid-body (it answered early, or gave up on a
     * stalling client) was a TCP failure of the target, so any client could eject every target.
     * As Kong's, only a try another follows is a TCP failure or timeout; the last try is reported
     * by the status the client got (502: counted only where listed; 504: a timeout).
     */
    @Test
    void theLastTryIsReportedByTheStatusTheClientGotAsKongsLogPhase() {
        Target[] used = new Target[1];
        Result reset =
                failOnce("three", used, UpstreamCall.failed(Failure.TCP, new IOException("reset while sending")));
        assertEquals(LocalAnswer.upstreamFailure(502, ErrorResponses.BAD_GATEWAY), reset.answer());
        assertTrue(used[0].available(), "a 502 is no failure where http_statuses do not list it");
        Result slow = failOnce(
                "three", used, UpstreamCall.failed(Failure.TIMEOUT, new SocketTimeoutException("read timed out")));
        assertEquals(LocalAnswer.upstreamFailure(504, ErrorResponses.TIMEOUT), slow.answer());
        assertFalse(used[0].available(), "a 504 is a timeout (timeouts: 1)");
    }

    // Helper review 245: a backend that answers an upload early (401, 413) and stops reading its
    // body stalls the send; that timeout is held against no target (a client chooses the body).
    @Test
    void aBodyTheBackendStoppedTakingIsHeldAgainstNoTarget() {
        Target[] used = new Target[1];
        Result stalled = failOnce(
                "three", used, UpstreamCall.failedSending(Failure.TIMEOUT, new SocketTimeoutException("write")));
        assertEquals(LocalAnswer.upstreamFailure(504, ErrorResponses.TIMEOUT), stalled.answer());
        assertTrue(used[0].available(), "timeouts: 1, yet no target is out");
    }

    /** A request whose body may have arrived (not replayed), failing at the target it is sent to. */
    private Result failOnce(String service, Target[] used, UpstreamCall.Outcome<Result> failure) {
        return call(service, new Req(), false)
                .forward(
                        target -> {
                            used[0] = target;
                            return failure;
                        },
                        LOCAL);
    }

    @Test
    void noTargetInRotationIs503WithRetryAfter() {
        for (Target t : pool("three").targets()) {
            pool("three").force(t.address(), false);
        }
        AtomicReference<Target> sent = new AtomicReference<>();
        Result r = call("three", new Req(), true)
                .forward(
                        target -> {
                            sent.set(target);
                            return UpstreamCall.answered(200, release -> new Result(target, null, release));
                        },
                        LOCAL);
        assertNull(sent.get(), "nothing sent");
        assertEquals(503, r.answer().status());
        assertEquals(ErrorResponses.NO_PEER, r.answer().message());
        assertTrue(r.answer().retryAfterSeconds() >= 1);
    }

    @Test
    void anAttemptThatThrowsFreesItsTargetAndSlot() {
        try {
            call("guarded", new Req(), true)
                    .forward(
                            target -> {
                                throw new IllegalStateException("boom");
                            },
                            LOCAL);
        } catch (IllegalStateException expected) {
            // passed on
        }
        assertEquals(0, snapshot.guard("guarded").status().inFlight());
        for (Target t : pool("guarded").targets()) {
            assertEquals(0, t.active());
        }
    }

    // ---- what is sent ----

    @Test
    void theUpstreamPathIsEscapedForTheWireAndTheQueryKeptByteForByte() {
        Req req = new Req();
        req.query = "a=%2F&b=c d";
        UpstreamCall c = call("three", req, true, "/a b/ü");
        assertEquals("/a%20b/%C3%BC?a=%2F&b=c d", c.pathAndQuery());
        assertEquals("/plain", call("three", new Req(), true, "/plain").pathAndQuery());
    }

    /** request-transformer's overrides (replace.uri, a rewritten query) win; an empty query is none. */
    @Test
    void aPluginsPathAndQueryOverridesWin() {
        RouteSpec r = snapshot.config().routes().stream()
                .filter(x -> x.displayName().equals("three"))
                .findFirst()
                .orElseThrow();
        ServiceSpec service = snapshot.config().service(r.service()).orElseThrow();
        Req req = new Req();
        req.query = "client=1";
        HttpServletRequest request = req.servlet();
        RequestContext context =
                RequestContext.attach(request, snapshot, new RouteMatch(r, service, "/x"), "/x", false);
        context.upstreamPath("/v2/y");
        context.upstreamQuery("a=1&b=2");
        assertEquals("/v2/y?a=1&b=2", new UpstreamCall(context, request, true).pathAndQuery());
        context.upstreamQuery("");
        assertEquals("/v2/y", new UpstreamCall(context, request, true).pathAndQuery());
        context.upstreamPath(null);
        context.upstreamQuery(null);
        assertEquals("/x?client=1", new UpstreamCall(context, request, true).pathAndQuery());
    }

    @Test
    void aQueryAPluginRewroteIsSentInsteadOfTheClients() {
        Req req = new Req();
        req.query = "c=1&apikey=secret&a=2";
        assertEquals(
                "/x?c=1&a=2",
                call("three", req, true, "/x", c -> c.upstreamQuery("c=1&a=2")).pathAndQuery());
        assertEquals(
                "/x", call("three", req, true, "/x", c -> c.upstreamQuery("")).pathAndQuery(), "no '?' left");
        assertEquals("/x?c=1&apikey=secret&a=2", call("three", req, true, "/x").pathAndQuery());
    }

    @Test
    void headersAreTheSharedRulesAndHostIsPreservedOnlyWhereTheRouteSaysSo() {
        Req req = new Req()
                .header("Host", "api.example")
                .header("X-Consumer-Username", "admin")
                .header("X-Forwarded-For", "198.51.100.1")
                .header("Sec-WebSocket-Key", "k");
        Map<String, String> sent = new LinkedHashMap<>();
        UpstreamCall c = call("by-user", req, false);
        c.headers(Set.of("sec-websocket-key"), "ws", (n, v) -> sent.put(n.toLowerCase(), v));
        assertEquals("198.51.100.1, 203.0.113.7", sent.get("x-forwarded-for"));
        assertEquals("ws", sent.get("x-forwarded-proto"));
        assertEquals("8000", sent.get("x-forwarded-port"));
        assertEquals("/x", sent.get("x-forwarded-path"));
        assertFalse(sent.containsKey("x-consumer-username"));
        assertFalse(sent.containsKey("sec-websocket-key"), "the transport's own");
        assertEquals("api.example", c.preservedHost());
        assertNull(call("three", req, false).preservedHost());
        // A Host a plugin set (request-transformer's replace host) wins over either rule, as Kong's upstream_host.
        assertEquals(
                "set.internal",
                call("three", req, false, "/x", x -> x.upstreamHost("set.internal"))
                        .preservedHost());
        assertEquals(
                "set.internal",
                call("by-user", req, false, "/x", x -> x.upstreamHost("set.internal"))
                        .preservedHost());
    }

    @Test
    void theTraceContextReplacesATraceHeaderAPluginSet() {
        // request-transformer adds a traceparent; Kong's injector sets its own after every plugin:
        // the backend gets one value, the gateway's.
        // The client's spelling with '_' goes too (attacker review 304: a CGI backend read two).
        UpstreamCall c = call("three", new Req().header("Uberctx_Team", "raw"), true, "/x", context -> {
            context.upstreamHeader("traceparent", "00-11111111111111111111111111111111-2222222222222222-01");
            context.upstreamHeader("X-Other", "kept");
            context.trace(new com.gitinsight.gateway.runtime.RequestTrace() {
                @Override
                public Phase phase(String name) {
                    return NO_PHASE;
                }

                @Override
                public Try upstreamTry(String ip, String name, int port, int number) {
                    return new Try() {
                        @Override
                        public void propagate(java.util.function.BiConsumer<String, String> headers) {
                            headers.accept("traceparent", "00-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-bbbbbbbbbbbbbbbb-01");
                            headers.accept("uberctx-team", "injected");
                        }

                        @Override
                        public void answered(int status) {}

                        @Override
                        public void failed(String failure) {}
                    };
                }

                @Override
                public String traceId() {
                    return "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
                }
            });
        });
        List<String> sent = new java.util.ArrayList<>();
        c.forward(
                target -> {
                    c.headers(Set.of(), "http", (n, v) -> sent.add(n.toLowerCase() + ": " + v));
                    return UpstreamCall.answered(200, release -> new Result(target, null, release));
                },
                LOCAL);
        assertEquals(
                List.of("traceparent: 00-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-bbbbbbbbbbbbbbbb-01"),
                sent.stream().filter(h -> h.startsWith("traceparent:")).toList());
        assertTrue(sent.contains("x-other: kept"), sent.toString());
        assertEquals(
                List.of("uberctx-team: injected"),
                sent.stream().filter(h -> h.startsWith("uberctx")).toList());
    }

    // ---- the WebSocket transport's failures, as the call reads them ----

    @Test
    void webSocketHandshakeFailuresAreReadAsForHttp() {
        assertEquals(
                Failure.TCP,
                ((UpstreamCall.NotConnected<?>) WebSocketFilter.handshakeFailure(new ConnectException("refused")))
                        .failure());
        ConnectException timedOut = new ConnectException("timed out");
        timedOut.initCause(new HttpConnectTimeoutException("HTTP connect timed out"));
        assertEquals(
                Failure.TIMEOUT, ((UpstreamCall.NotConnected<?>) WebSocketFilter.handshakeFailure(timedOut)).failure());
        ConnectException unresolved = new ConnectException();
        unresolved.initCause(new UnresolvedAddressException());
        UpstreamCall.Outcome<?> name = WebSocketFilter.handshakeFailure(unresolved);
        assertInstanceOf(
                UnknownHostException.class,
                ((UpstreamCall.NotConnected<?>) name).cause(),
                "503 name resolution failed, as for HTTP");
        assertInstanceOf(UpstreamCall.Failed.class, WebSocketFilter.handshakeFailure(new IOException("reset")));
        // A value the client sent that the JDK client refuses: the client's request at fault (helper
        // review 202), not the target's.
        UpstreamCall.Outcome<?> refusedHeader =
                WebSocketFilter.handshakeFailure(new IllegalArgumentException("bad header"));
        assertEquals(
                LocalAnswer.of(400, "Bad request"),
                ((UpstreamCall.Local<?>) refusedHeader).answer(),
                "not the target's fault");
        assertEquals(
                LocalAnswer.of(502, ErrorResponses.BAD_GATEWAY),
                ((UpstreamCall.Local<?>) WebSocketFilter.handshakeFailure(new IllegalStateException("other"))).answer(),
                "anything else not the target's doing stays a 502");
    }
}
