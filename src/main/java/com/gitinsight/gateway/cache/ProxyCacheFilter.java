package com.gitinsight.gateway.cache;

import com.gitinsight.gateway.runtime.PluginFilter;
import com.gitinsight.gateway.runtime.RequestContext;
import com.gitinsight.gateway.runtime.Unproxied;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Plugin {@code proxy-cache}, after authentication and rate limiting: a fresh entry is answered
 * here (the backend is not called); a miss goes on to the backend once per key (concurrent misses
 * wait for it, up to {@code lock_timeout}) and its response is stored on the way through; an
 * expired entry within {@code stale_if_error} answers when the backend fails or its breaker is open.
 */
public class ProxyCacheFilter extends PluginFilter<ProxyCachePlugin.Config> {

    private static final long serialVersionUID = 1L;

    @Inject
    transient ResponseCache cache;

    public ProxyCacheFilter() {
        super(ProxyCachePlugin.NAME, ProxyCachePlugin.Config.class);
    }

    /** The injected beans' instances themselves: no client-proxy hop per request (see Unproxied). */
    @Override
    public void init() {
        cache = Unproxied.instance(cache);
    }

    @Override
    protected void apply(ProxyCachePlugin.Config config, RequestContext context, HttpServletRequest request,
            HttpServletResponse response, FilterChain chain) throws IOException, ServletException {
        if (!config.methods().contains(request.getMethod()) || config.cacheControl() && requestSays(request, "no-store")) {
            response.setHeader("X-Cache-Status", "Bypass");
            chain.doFilter(request, response);
            return;
        }
        String path = CacheKeys.path(config, request);
        String key = CacheKeys.key(config, context, request, path);
        long now = System.currentTimeMillis();
        boolean revalidate = config.cacheControl() && (requestSays(request, "no-cache") || requestSays(request, "max-age=0"));
        CachedResponse entry = cache.get(key);
        if (entry != null && !revalidate && cache.servable(entry, now)) {
            cache.hit();
            write(response, entry, "Hit", key, now, request);
            return;
        }
        CompletableFuture<CachedResponse> mine = new CompletableFuture<>();
        CompletableFuture<CachedResponse> leader = revalidate ? null : cache.join(key, mine);
        if (leader != null) {
            CachedResponse shared = await(leader, config.lockTimeoutMillis());
            if (shared != null) {
                cache.hit();
                write(response, shared, "Hit", key, System.currentTimeMillis(), request);
                return;
            }
            mine = null; // the leader stored nothing (or is slow): go to the backend unshared
        }
        cache.miss();
        CachedResponse stale = entry != null && now < entry.keptUntil()
                && now < entry.freshUntil() + config.staleIfErrorSeconds() * 1000 ? entry : null;
        CapturingResponse capture = new CapturingResponse(response, config, stale != null,
                entry == null ? "Miss" : "Refresh", key, path, cache.evictable(path), e -> cache.put(key, e));
        CachedResponse stored = null;
        try {
            chain.doFilter(request, capture);
            if (capture.suppressed()) {
                response.reset();
                write(response, stale, "Stale", key, System.currentTimeMillis(), request);
            } else {
                stored = capture.finish(System.currentTimeMillis());
            }
        } finally {
            if (mine != null) {
                cache.finish(key, mine, stored);
            }
        }
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

    private static boolean requestSays(HttpServletRequest request, String directive) {
        String cc = request.getHeader("Cache-Control");
        return cc != null && cc.toLowerCase(Locale.ROOT).contains(directive);
    }

    private static void write(HttpServletResponse response, CachedResponse entry, String status, String key, long now,
            HttpServletRequest request) throws IOException {
        response.setStatus(entry.status());
        var headers = entry.headers();
        for (int i = 0; i + 1 < headers.size(); i += 2) {
            if ("Content-Type".equals(headers.get(i))) {
                response.setContentType(headers.get(i + 1));
            } else {
                response.addHeader(headers.get(i), headers.get(i + 1));
            }
        }
        response.setHeader("Age", Long.toString(entry.ageSeconds(now)));
        response.setHeader("X-Cache-Status", status);
        response.setHeader("X-Cache-Key", key);
        response.setContentLength(entry.body().length);
        if (!"HEAD".equals(request.getMethod()) && entry.body().length > 0) {
            response.getOutputStream().write(entry.body());
        }
    }
}
