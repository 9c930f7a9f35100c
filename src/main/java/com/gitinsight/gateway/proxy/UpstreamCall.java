package com.gitinsight.gateway.proxy;

import com.gitinsight.gateway.config.ServiceSpec;
import com.gitinsight.gateway.http.ErrorResponses;
import com.gitinsight.gateway.routing.RequestPath;
import com.gitinsight.gateway.routing.RouteMatch;
import com.gitinsight.gateway.runtime.RequestContext;
import com.gitinsight.gateway.runtime.RequestTrace;
import com.gitinsight.gateway.upstream.Failure;
import com.gitinsight.gateway.upstream.PickRequest;
import com.gitinsight.gateway.upstream.ServiceGuard;
import com.gitinsight.gateway.upstream.Target;
import com.gitinsight.gateway.upstream.UpstreamPool;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One request's way to its service, for HTTP ({@link Forwarder}) and WebSocket handshakes
 * ({@link WebSocketFilter}) alike: the one place that decides admission (the service's bulkhead
 * and circuit breaker, and their refusals), the target (the balancer, with the request's hash
 * key when the upstream hashes, and the sticky cookie a missing hash cookie makes), which targets
 * are tried after a failure, the upstream path and query, the headers, what each target's
 * passive health check and the breaker are told, and the gateway's answer when no backend
 * answered. The transports only send: each attempt at a target reports an {@link Outcome}.
 *
 * <p>Retries: a target that could not be connected to (nothing was sent) is followed by the
 * balancer's next pick, up to the service's {@code retries}; after a reset, only a
 * {@code replayable} request (idempotent, no body) goes on, at the next pick too (the same target
 * included, as Kong's balancer); after a timeout only at a target not tried yet. A request whose
 * body may have reached a backend is never sent twice. A target's passive check hears of one
 * failure per request. One instance per request, one thread.
 */
final class UpstreamCall {

    private static final Logger LOG = Logger.getLogger(UpstreamCall.class.getName());

    /** What one attempt at one target came to, as the transport saw it. */
    sealed interface Outcome<T> {}

    /**
     * The backend answered with {@code status}. {@code handOver} makes the caller's result; it is
     * given the release (the target's in-flight count, the service's bulkhead slot) to run once
     * when the exchange is over, and owns it from then on.
     */
    record Answered<T>(int status, Function<Runnable, T> handOver) implements Outcome<T> {}

    /** Nothing reached the backend (refused, unreachable, unresolved, connect timeout): another target may be tried. */
    record NotConnected<T>(Failure failure, IOException cause) implements Outcome<T> {}

    /**
     * The exchange failed after the request may have reached the backend (a reset, a timeout);
     * {@code sending}: while the client's body was still being sent (see {@link #failedSending}).
     */
    record Failed<T>(Failure failure, IOException cause, boolean sending) implements Outcome<T> {}

    /** The gateway answers for a reason that says nothing about the backend (the client's body failed). */
    record Local<T>(LocalAnswer answer) implements Outcome<T> {}

    /** Sends the request to {@code target} (already counted as in flight there). */
    @FunctionalInterface
    interface Attempt<T> {
        Outcome<T> send(Target target);
    }

    private final RequestContext context;
    private final HttpServletRequest request;
    private final ServiceSpec service;
    private final ServiceGuard guard;
    private final UpstreamPool pool;
    private final boolean replayable;
    /** The request as the hashing balancer reads it; null when the pool does not hash. */
    private final ServletPickRequest hashing;

    private final String pathAndQuery;
    private final List<Target> tried = new ArrayList<>(2);
    /** The try in progress, as the request's trace sees it (its context goes to the target). */
    private RequestTrace.Try currentTry = RequestTrace.NO_TRY;

    /**
     * {@code replayable}: may be sent again after a timeout or reset (an idempotent request
     * without a body; a WebSocket handshake is not: only connect failures are retried).
     */
    UpstreamCall(RequestContext context, HttpServletRequest request, boolean replayable) {
        this.context = context;
        this.request = request;
        RouteMatch match = context.match();
        this.service = match.service();
        this.guard = context.snapshot().guard(service.name());
        this.pool = context.snapshot().upstreams().forService(service.name());
        this.replayable = replayable;
        this.hashing = pool.hashes() ? new ServletPickRequest(request, context.consumer()) : null;
        // A plugin's override (request-transformer's replace.uri, query changes) wins over the route's.
        String path =
                context.upstreamPath() != null ? context.upstreamPath() : RequestPath.escape(match.upstreamPath());
        String query = context.upstreamQuery() != null
                ? (context.upstreamQuery().isEmpty() ? null : context.upstreamQuery())
                : com.gitinsight.gateway.http.RawQuery.of(request); // a bare "?" goes on, as Kong's
        context.upstreamUri(path, query);
        this.pathAndQuery = context.upstreamUri();
    }

    ServiceSpec service() {
        return service;
    }

    /**
     * The upstream path (the match's, escaped for the wire as Kong does) and the client's query byte
     * for byte, unless a plugin overrode them ({@link RequestContext#upstreamPath()}, {@link
     * RequestContext#upstreamQuery()}).
     */
    String pathAndQuery() {
        return pathAndQuery;
    }

    /**
     * Passes each request header the backend gets to {@code out} (see {@link UpstreamHeaders});
     * {@code skipped} are lower-case names the transport sets itself, {@code proto} the scheme to
     * announce when no trusted proxy named one.
     */
    void headers(Set<String> skipped, String proto, BiConsumer<String, String> out) {
        if (currentTry == RequestTrace.NO_TRY) {
            // Not traced (the common case): nothing to inject, nothing allocated for it.
            UpstreamHeaders.copy(request, context, skipped, proto, out);
            return;
        }
        java.util.List<String> injected = new java.util.ArrayList<>(4);
        currentTry.propagate((name, value) -> {
            injected.add(name);
            injected.add(value);
        });
        if (injected.isEmpty()) {
            UpstreamHeaders.copy(request, context, skipped, proto, out);
            return;
        }
        context.injectedTrace(injected);
        // The trace context replaces what a plugin set under its names (request-transformer's
        // traceparent): Kong's injector sets them after every plugin's access phase; one value each.
        UpstreamHeaders.copy(request, context, skipped, proto, (name, value) -> {
            if (!injects(injected, name)) {
                out.accept(name, value);
            }
        });
        for (int i = 0; i < injected.size(); i += 2) {
            out.accept(injected.get(i), injected.get(i + 1));
        }
    }

    /** In every spelling (case, {@code _} for {@code -}): a CGI backend would read two values otherwise. */
    private static boolean injects(java.util.List<String> injected, String name) {
        for (int i = 0; i < injected.size(); i += 2) {
            if (RequestContext.HEADER_ORDER.compare(injected.get(i), name) == 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * The name {@code target} is addressed by when the client's Host is not preserved: its
     * upstream's {@code host_header} (Kong's: the Host header, the TLS server name and the name a
     * verified certificate must match), else the target's own.
     */
    String hostName(Target target) {
        String hostHeader = pool.spec().hostHeader();
        return hostHeader != null ? hostHeader : target.baseUri().getHost();
    }

    /**
     * The TLS this call's backends get: the service's settings, presenting its upstream's
     * {@code client_certificate} when the service names none (Kong's fallback_upstream_client_cert).
     */
    com.gitinsight.gateway.config.ServiceTls tls() {
        return service.tls().withUpstreamCertificate(pool.spec().clientCertificate());
    }

    /**
     * The Host a plugin set (Kong's {@code upstream_host}, which wins over the route's rule), else
     * the client's when the route has {@code preserve_host}, else null (the target's name).
     */
    String preservedHost() {
        String set = context.upstreamHost();
        if (set != null) {
            return set;
        }
        return context.match().route().preserveHost() ? request.getHeader("Host") : null;
    }

    /**
     * The {@code Set-Cookie} for the hash cookie this request was given because it had none
     * (Kong's sticky sessions), with the upstream's {@code hash_on_cookie_path}; null when none
     * was made. Known once a target was picked; goes on whatever the backend answers.
     */
    String stickyCookie() {
        String cookie = hashing == null ? null : hashing.newCookie();
        // Kong's balancer writes these attributes, its "Same-Site" spelling included.
        return cookie == null
                ? null
                : cookie + "; Path=" + pool.spec().hash().cookiePath() + "; Same-Site=Lax; HttpOnly";
    }

    /**
     * Admits the request, then tries targets with {@code attempt} until one answers or the rules
     * above say stop. The result is what the transport's {@link Answered#handOver} made, or
     * {@code local}'s rendering of the gateway's own answer: 503 when the breaker is open, the
     * bulkhead full or no target is in rotation (each with {@code Retry-After}), 503 when the
     * name did not resolve, 504 after a timeout, 502 otherwise.
     */
    <T> T forward(Attempt<T> attempt, Function<LocalAnswer, T> local) {
        ServiceGuard.Refusal refusal = guard.admit();
        if (refusal == ServiceGuard.Refusal.OPEN) {
            return local.apply(new LocalAnswer(503, ErrorResponses.BREAKER_OPEN, guard.retryAfterSeconds()));
        }
        if (refusal == ServiceGuard.Refusal.AT_CAPACITY) {
            return local.apply(new LocalAnswer(503, ErrorResponses.AT_CAPACITY, 1));
        }
        PickRequest pick = hashing != null ? hashing : PickRequest.NONE;
        long start = System.nanoTime();
        Failure lastFailure = null;
        IOException last = null;
        boolean onlyUntried = false;
        // A failed try's report waits to learn whether another try follows it (see reportFailure).
        Target failedTarget = null;
        Failure failedAs = null;
        for (int i = 0; i <= service.retries(); i++) {
            if (failedTarget != null) {
                // Another try follows: Kong's balancer reports the failed one first, then picks.
                failedTarget.reportFailure(failedAs);
                failedTarget = null;
            }
            Target target;
            long picking = System.nanoTime();
            try {
                target = pool.pick(pick, tried);
            } catch (RuntimeException | Error e) {
                guard.leave();
                throw e;
            }
            if (target != null && onlyUntried && tried.contains(target)) {
                break;
            }
            if (target == null) {
                if (last != null) {
                    break;
                }
                guard.noVerdict();
                guard.leave();
                return local.apply(new LocalAnswer(503, ErrorResponses.NO_PEER, pool.retryAfterSeconds()));
            }
            tried.add(target);
            target.acquire();
            // Kong's balancer hostname, which its balancer span names: the upstream's host_header when set.
            String hostHeader = pool.spec().hostHeader();
            currentTry = context.trace()
                    .upstreamTry(
                            target.host(),
                            hostHeader != null ? hostHeader : target.name(),
                            target.port(),
                            tried.size());
            long sent = System.nanoTime();
            long balancerNanos = sent - picking; // Kong's balancer phase: from choosing to the peer set
            Outcome<T> outcome;
            try {
                outcome = attempt.send(target);
            } catch (RuntimeException | Error e) {
                currentTry.failed(e.toString());
                context.triedAndFailed(target.host(), target.port(), sent, System.nanoTime(), 502, balancerNanos);
                target.release();
                guard.leave();
                throw e;
            }
            if (outcome instanceof Answered<T> answered) {
                long now = System.nanoTime();
                currentTry.answered(answered.status());
                context.upstreamStatus(answered.status());
                context.tried(target.host(), target.port(), sent, now, answered.status(), balancerNanos);
                target.reportResponse(answered.status(), (now - sent) / 1000);
                context.answeredBy(target.address(), now - sent);
                guard.record(guard.isFailureStatus(answered.status()), now - start);
                Release release = new Release(target, guard);
                try {
                    return answered.handOver().apply(release);
                } catch (RuntimeException | Error e) {
                    release.run();
                    throw e;
                }
            }
            long failedAt = System.nanoTime();
            // A name that did not resolve is no try for Kong: its balancer fails it before proxying
            // (no balancer span; in the log tries [], upstream_status "", latencies.proxy -1).
            boolean unresolved = outcome instanceof NotConnected<T> n && n.cause() instanceof UnknownHostException;
            if (unresolved) {
                currentTry.unresolved();
            } else {
                currentTry.failed(failureOf(outcome));
                context.triedAndFailed(
                        target.host(), target.port(), sent, failedAt, nginxStatusOf(outcome), balancerNanos);
            }
            if (!(outcome instanceof Local<T>)) {
                target.reportNoAnswer((failedAt - sent) / 1000);
            }
            target.release();
            if (outcome instanceof Local<T> l) {
                currentTry.endsWithoutRetry();
                guard.noVerdict();
                guard.leave();
                return local.apply(l.answer());
            }
            if (outcome instanceof NotConnected<T> n) {
                if (n.cause() instanceof UnknownHostException) {
                    reportFailure(target, n.failure());
                } else if (firstTryOf(target)) {
                    failedTarget = target;
                    failedAs = n.failure();
                }
                LOG.log(Level.FINE, "connect to {0} failed: {1}", new Object[] {target, n.cause()});
                lastFailure = n.failure();
                last = n.cause();
                continue;
            }
            Failed<T> f = (Failed<T>) outcome;
            if (firstTryOf(target) && !f.sending()) {
                failedTarget = target;
                failedAs = f.failure();
            }
            LOG.log(Level.FINE, "exchange with {0} failed: {1}", new Object[] {target, f.cause()});
            lastFailure = f.failure();
            last = f.cause();
            if (!replayable) {
                currentTry.endsWithoutRetry();
                break;
            }
            // Kong's balancer picks again from all targets, the same one included (a single-target
            // service tries it retries+1 times, as Kong's 08-retries spec counts). A timed-out
            // target is not asked again: that would multiply the client's wait (and the slow
            // backend's load) by the retries.
            if (f.failure() == Failure.TIMEOUT) {
                onlyUntried = true;
            }
        }
        if (failedTarget != null) {
            // The last try: what Kong's log phase reports, the status the client gets. So a POST a
            // backend cut off mid-body (it answered early, or gave up on a stalling client) ejects
            // no target by a client's doing (helper review 242), as on Kong.
            failedTarget.reportUnanswered(failedAs == Failure.TIMEOUT ? 504 : 502, failedAs);
        }
        if (last instanceof UnknownHostException) {
            guard.noVerdict();
            guard.leave();
            return local.apply(LocalAnswer.of(503, ErrorResponses.NAME_RESOLUTION));
        }
        guard.record(true, System.nanoTime() - start);
        guard.leave();
        LOG.log(Level.FINE, "no target of {0} answered: {1}", new Object[] {service.name(), last});
        return local.apply(
                lastFailure == Failure.TIMEOUT
                        ? LocalAnswer.upstreamFailure(504, ErrorResponses.TIMEOUT)
                        : LocalAnswer.upstreamFailure(502, ErrorResponses.BAD_GATEWAY));
    }

    /**
     * A failed try's passive health report: once per target per client request, so one request
     * retried at a single target (Kong's balancer does that) cannot eject it alone. A try that
     * another follows is a TCP failure or a timeout; the last one is reported by the status the
     * gateway answered ({@link Target#reportUnanswered}).
     */
    private void reportFailure(Target target, Failure failure) {
        if (firstTryOf(target)) {
            target.reportFailure(failure);
        }
    }

    /** Whether the try just made is the request's first at {@code target}. */
    private boolean firstTryOf(Target target) {
        return tried.indexOf(target) == tried.size() - 1;
    }

    /**
     * The status nginx records for a try with no answer ($upstream_status): 504 a timeout, else 502;
     * 0 when the gateway answered in its place.
     */
    private static int nginxStatusOf(Outcome<?> outcome) {
        Failure failure = outcome instanceof NotConnected<?> n
                ? n.failure()
                : outcome instanceof Failed<?> f ? f.failure() : null;
        return failure == null ? 0 : failure == Failure.TIMEOUT ? 504 : 502;
    }

    private static String failureOf(Outcome<?> outcome) {
        if (outcome instanceof NotConnected<?> n) {
            return n.failure() + ": " + n.cause();
        }
        if (outcome instanceof Failed<?> f) {
            return f.failure() + ": " + f.cause();
        }
        return "the gateway answered: " + ((Local<?>) outcome).answer().status();
    }

    static <T> Outcome<T> answered(int status, Function<Runnable, T> handOver) {
        return new Answered<>(status, handOver);
    }

    static <T> Outcome<T> notConnected(Failure failure, IOException cause) {
        return new NotConnected<>(failure, cause);
    }

    static <T> Outcome<T> failed(Failure failure, IOException cause) {
        return new Failed<>(failure, cause, false);
    }

    /**
     * The backend stopped taking the client's body (the write timed out). It may have answered
     * early, as a backend refusing an upload does, which nginx would read and pass on; this client
     * cannot, so such a failure is held against no target (helper review 245: two large POSTs to
     * an endpoint answering 401 without reading took every target out).
     */
    static <T> Outcome<T> failedSending(Failure failure, IOException cause) {
        return new Failed<>(failure, cause, true);
    }

    static <T> Outcome<T> local(LocalAnswer answer) {
        return new Local<>(answer);
    }

    /** Frees the target and the service's slot, once, however many paths reach it. */
    private static final class Release extends AtomicBoolean implements Runnable {
        private static final long serialVersionUID = 1L;
        private final transient Target target;
        private final transient ServiceGuard guard;

        Release(Target target, ServiceGuard guard) {
            this.target = target;
            this.guard = guard;
        }

        @Override
        public void run() {
            if (compareAndSet(false, true)) {
                target.release();
                guard.leave();
            }
        }
    }
}
