package com.gitinsight.gateway.cache;

import com.gitinsight.gateway.cache.ProxyCacheSchema.ResponseHeaders;
import com.gitinsight.gateway.http.ErrorResponses;
import com.gitinsight.gateway.runtime.PluginFilter;
import com.gitinsight.gateway.runtime.RequestContext;
import com.gitinsight.gateway.runtime.Unproxied;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Plugin {@code proxy-cache}, after authentication and rate limiting: a fresh entry is answered
 * here (the backend is not called); a miss goes on to the backend once per key (concurrent misses
 * wait for it, up to {@code lock_timeout}) and its response is stored on the way through; an
 * expired entry within {@code stale_if_error} answers when the backend fails or its breaker is open.
 * An entry answers only requests with the values of the headers its response varied on. What a
 * request may get from the cache at all is the {@link Admission}'s call.
 */
public class ProxyCacheFilter extends PluginFilter<ProxyCacheSchema.Config> {

    private static final long serialVersionUID = 1L;

    @Inject
    transient ResponseCache cache;

    public ProxyCacheFilter() {
        super(ProxyCacheSchema.NAME, ProxyCacheSchema.Config.class);
    }

    /** The injected beans' instances themselves: no client-proxy hop per request (see Unproxied). */
    @Override
    public void init() {
        cache = Unproxied.instance(cache);
    }

    @Override
    protected void apply(
            ProxyCacheSchema.Config config,
            RequestContext context,
            HttpServletRequest request,
            HttpServletResponse response,
            FilterChain chain)
            throws IOException, ServletException {
        if (upgrade(request)) {
            // A WebSocket handshake: the proxy's (WebSocketFilter, after every plugin), never an entry's.
            chain.doFilter(request, response);
            return;
        }
        if (request.getHeader("Kong-Debug") != null && !config.responseHeaders().equals(ResponseHeaders.ALL)) {
            // Kong's ngx.var.http_kong_debug: the three headers whatever response_headers says.
            config = config.withResponseHeaders(ResponseHeaders.ALL);
        }
        Admission admission = Admission.of(config, context, request);
        if (admission == Admission.BYPASS) {
            status(request, response, config, "Bypass");
            chain.doFilter(request, response);
            return;
        }
        String body;
        try {
            body = KeyedBody.digest(request, context);
        } catch (IOException e) {
            ErrorResponses.write(
                    request,
                    response,
                    com.gitinsight.gateway.http.ClientTooSlow.status(e),
                    com.gitinsight.gateway.http.ClientTooSlow.message(e));
            return;
        }
        if (body == null) {
            status(request, response, config, "Bypass"); // too large to key by its body
            chain.doFilter(request, response);
            return;
        }
        String path = CacheKeys.path(config, request);
        String key = CacheKeys.key(config, context, request, path, body);
        long generation = cache.generation(); // before the backend is asked
        if (admission == Admission.SHARED_ONLY) {
            // No entry answers it, and no miss waits for it: it goes to the backend on its own.
            CapturingResponse capture = new CapturingResponse(
                    response,
                    request,
                    config,
                    true,
                    () -> false,
                    "Bypass",
                    key,
                    path,
                    cache.evictable(path),
                    cache.copies(),
                    cache.copyHoldNanos(),
                    e -> {
                        if (e != null) {
                            cache.put(key, e, generation);
                        }
                    });
            try {
                chain.doFilter(request, capture);
                finish(context, capture);
            } finally {
                capture.release();
            }
            return;
        }
        long now = System.currentTimeMillis();
        // no-cache asks for a validated answer (RFC 9111; Kong bypasses the cache instead). max-age=0
        // is read as any max-age below: an entry aged 0 whole seconds is still taken (Kong, RFC 9111).
        boolean revalidate = config.cacheControl() && Admission.requestSays(request, "no-cache");
        // Another variant of the key's response (its Vary values differ) is no entry for this request.
        CachedResponse entry;
        entry = Variants.matching(cache.get(key), request);
        // Stale and still there because storage_ttl keeps it, as Kong's store keeps it (an entry kept
        // only for stale_if_error is Kong's nothing: it answers a backend failure, no request).
        boolean keptStale = entry != null
                && !entry.fresh(now)
                && config.storageTtlSeconds() != ProxyCacheSchema.Config.STORAGE_TTL_UNSET;
        if (entry != null && !revalidate && config.cacheControl()) {
            // Kong's request directives: an entry older than max-age, fresh for less than
            // min-fresh, or stale by more than max-stale, is fetched again.
            long maxAge = Admission.requestSeconds(request, "max-age");
            long minFresh = Admission.requestSeconds(request, "min-fresh");
            revalidate = maxAge >= 0 && entry.ageSeconds(now) > maxAge
                    || minFresh >= 0 && (entry.freshUntil() - now) / 1000 < minFresh
                    || keptStale && Admission.requestSays(request, "max-stale") && !acceptsStale(request, entry, now);
        }
        if (entry != null && !revalidate && cache.servable(entry, now)) {
            cache.hit();
            write(response, entry, "Hit", key, now, request, config);
            return;
        }
        if (keptStale
                && !revalidate
                && config.cacheControl()
                && acceptsStale(request, entry, now)
                && cache.trusted(entry, now)) {
            // The client's max-stale (RFC 9111 5.2.1.2, Kong's handler too): an entry kept past its
            // lifetime by storage_ttl, stale by no more than the client takes.
            cache.hit();
            write(response, entry, "Hit", key, now, request, config);
            return;
        }
        if (config.cacheControl()
                && Admission.requestSays(request, "only-if-cached")
                && !(entry != null && revalidate)) {
            if (entry != null && (entry.fresh(now) || keptStale) && cache.trusted(entry, now)) {
                // Stored but stale (kept for storage_ttl): Kong, whose cache_control checks only the
                // request's directives, answers it; the backend is never asked (RFC 9111 5.2.1.7;
                // helper review 190: it was). An entry the request's own max-age, min-fresh,
                // max-stale or no-cache sends back to the backend goes there, as on Kong (helper
                // reviews 192, 210); one kept only for stale_if_error is none (Kong's store has none).
                cache.hit();
                write(response, entry, "Hit", key, now, request, config);
                return;
            }
            // RFC 7234 5.2.1.7, as Kong: nothing stored (or nothing this gateway may serve: an entry a
            // gap in the eviction feed distrusts), and the client wants nothing else. Kong's 504 has
            // the X-Cache-Key it set before looking, and no X-Cache-Status.
            request.setAttribute(STATUS_ATTRIBUTE, "Miss");
            if (config.responseHeaders().cacheKey()) {
                response.setHeader("X-Cache-Key", key);
            }
            response.setStatus(504);
            response.setContentLength(0);
            return;
        }
        long lockNow = ResponseCache.lockClock();
        ResponseCache.Leader mine = new ResponseCache.Leader(new CompletableFuture<>(), lockNow);
        ResponseCache.Leader leader = revalidate ? null : cache.join(key, mine, config.lockTimeoutMillis());
        if (leader != null) {
            // Until the leader's lock_timeout is up, not this request's own: a slow leader holds
            // each waiter for what is left of it, and the next miss after it leads anew.
            long left = leader.started() + config.lockTimeoutMillis() - lockNow;
            CachedResponse shared = Variants.matching(await(leader.answer(), left), request);
            if (shared != null) {
                cache.hit();
                write(response, shared, "Hit", key, System.currentTimeMillis(), request, config);
                return;
            }
            mine = null; // the leader stored nothing (or is slow): go to the backend unshared
        }
        cache.miss();
        // Served stale only as a fresh one would be: not after a gap in the event feed that may
        // have missed its eviction (helper review 109).
        CachedResponse stale = entry != null
                        && now < entry.keptUntil()
                        && now < entry.freshUntil() + config.staleIfErrorSeconds() * 1000
                        && cache.trusted(entry, now)
                ? entry
                : null;
        CapturingResponse capture = new CapturingResponse(
                response,
                request,
                config,
                false,
                // Asked again when the error comes: an eviction event that removed the entry since
                // (helper review 194), or a gap in the feed, means it no longer stands in.
                stale == null
                        ? () -> false
                        : () -> !cache.purgedSince(generation, key, path)
                                && cache.trusted(stale, System.currentTimeMillis()),
                entry == null ? "Miss" : "Refresh",
                key,
                path,
                cache.evictable(path),
                cache.copies(),
                cache.copyHoldNanos(),
                leading(key, generation, mine));
        CachedResponse stored = null;
        try {
            chain.doFilter(request, capture);
            if (capture.suppressed()) {
                // A close decided earlier (after a chunked request: RFC 9112 6.1) outlives the reset.
                String connection = response.getHeader("Connection");
                response.reset();
                if (connection != null) {
                    response.setHeader("Connection", connection);
                }
                write(response, stale, "Stale", key, System.currentTimeMillis(), request, config);
            } else {
                stored = finish(context, capture);
            }
        } finally {
            capture.release();
            if (mine != null) {
                cache.finish(key, mine, stored);
            }
        }
    }

    /**
     * The request's {@code max-stale} takes {@code entry}: stale by at most its seconds (Kong's
     * {@code time() - timestamp - ttl > max-stale} is a Refresh), or by any amount when it has no
     * value (RFC 9111; Kong's handler fails comparing a number with {@code true}).
     */
    static boolean acceptsStale(HttpServletRequest request, CachedResponse entry, long now) {
        if (!Admission.requestSays(request, "max-stale")) {
            return false;
        }
        long maxStale = Admission.requestSeconds(request, "max-stale");
        long staleSeconds = Math.max(0, (now - entry.freshUntil()) / 1000);
        return maxStale < 0 ? !Admission.hasValue(request, "max-stale") : staleSeconds <= maxStale;
    }

    /**
     * Stores an entry and hands it (or null: nothing will be stored) to the misses waiting for
     * {@code mine} as soon as the capture knows, before its own client has read the answer.
     */
    private java.util.function.Consumer<CachedResponse> leading(
            String key, long generation, ResponseCache.Leader mine) {
        return e -> {
            // An entry a purge made stale while it was fetched is no waiter's answer either.
            boolean stored = e != null && cache.put(key, e, generation);
            if (mine != null) {
                cache.finish(key, mine, stored ? e : null);
            }
        };
    }

    /**
     * A WebSocket handshake (one with a key: the relay takes it, or refuses it). An Upgrade without
     * one is proxied as plain HTTP, as Kong does, and cached as any GET (helper review 190: it went
     * to the backend every time, past the cache).
     */
    private static boolean upgrade(HttpServletRequest request) {
        String upgrade = request.getHeader("Upgrade");
        return upgrade != null
                && upgrade.toLowerCase(java.util.Locale.ROOT).contains("websocket")
                && request.getHeader("Sec-WebSocket-Key") != null;
    }

    private static CachedResponse await(CompletableFuture<CachedResponse> leader, long timeoutMillis) {
        try {
            return leader.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /**
     * Stores what the capture holds, unless the proxy reported the backend failed mid-body or sent
     * a body that ends at its connection's close (no length, no chunks: a cut one looks whole;
     * attacker review 177).
     */
    private static CachedResponse finish(RequestContext context, CapturingResponse capture) throws IOException {
        if (context.responseTruncated() || context.responseUnframed()) {
            return capture.abandon();
        }
        return capture.finish(System.currentTimeMillis());
    }

    /**
     * The request attribute holding the cache status ({@code X-Cache-Status}'s value) for the access log,
     * which has it even when {@code response_headers} turns the header off.
     */
    public static final String STATUS_ATTRIBUTE = "com.gitinsight.gateway.cache.status";

    /** Records the cache status, and sends it as {@code X-Cache-Status} unless {@code response_headers} says not to. */
    static void status(
            HttpServletRequest request, HttpServletResponse response, ProxyCacheSchema.Config config, String status) {
        request.setAttribute(STATUS_ATTRIBUTE, status);
        if (config.responseHeaders().cacheStatus()) {
            response.setHeader("X-Cache-Status", status);
        }
    }

    private static void write(
            HttpServletResponse response,
            CachedResponse entry,
            String status,
            String key,
            long now,
            HttpServletRequest request,
            ProxyCacheSchema.Config config)
            throws IOException {
        response.setStatus(entry.status());
        var headers = entry.headers();
        for (int i = 0; i + 1 < headers.size(); i += 2) {
            if ("Content-Type".equals(headers.get(i))) {
                response.setContentType(headers.get(i + 1));
            } else {
                response.addHeader(headers.get(i), headers.get(i + 1));
            }
        }
        if (config.responseHeaders().age()) {
            response.setHeader("Age", Long.toString(entry.ageSeconds(now)));
        }
        status(request, response, config, status);
        if (config.responseHeaders().cacheKey()) {
            response.setHeader("X-Cache-Key", key);
        }
        if (!"HEAD".equals(request.getMethod()) || response.getHeader("Content-Length") == null) {
            response.setContentLength(entry.body().length);
        }
        if (!"HEAD".equals(request.getMethod()) && entry.body().length > 0) {
            response.getOutputStream().write(entry.body());
        }
    }
}
