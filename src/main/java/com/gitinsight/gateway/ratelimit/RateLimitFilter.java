package com.gitinsight.gateway.ratelimit;

import com.gitinsight.gateway.proxy.ErrorResponses;
import com.gitinsight.gateway.runtime.PluginFilter;
import com.gitinsight.gateway.runtime.RequestContext;
import com.gitinsight.gateway.runtime.Unproxied;
import com.gitinsight.gateway.security.ManagedHeaders;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;

/**
 * Plugin {@code rate-limiting}, after authentication: counts the request for its key (consumer,
 * credential, client address, service, header or path) in every configured window, answers the
 * error code with {@code Retry-After} when a window is full, and reports usage in Kong's headers
 * (replacing a backend's).
 */
public class RateLimitFilter extends PluginFilter<RateLimitingPlugin.Config> {

    private static final long serialVersionUID = 1L;

    @Inject
    transient CounterStores stores;

    public RateLimitFilter() {
        super(RateLimitingPlugin.NAME, RateLimitingPlugin.Config.class);
    }

    /** The injected beans' instances themselves: no client-proxy hop per request (see Unproxied). */
    @Override
    public void init() {
        stores = Unproxied.instance(stores);
    }

    @Override
    protected void apply(RateLimitingPlugin.Config config, RequestContext context, HttpServletRequest request,
            HttpServletResponse response, FilterChain chain) throws IOException, ServletException {
        long now = System.currentTimeMillis();
        CounterStore.Usage usage;
        try {
            usage = stores.store(config).hit(key(config, context, request), config.limits(), now);
            stores.reachable();
        } catch (CounterStore.Unavailable e) {
            stores.unavailable(e, config.faultTolerant(), request, response, chain);
            return;
        }
        ManagedHeaders headers = ManagedHeaders.of(request, response);
        if (!config.hideClientHeaders()) {
            usageHeaders(headers, config.limits(), usage.counts(), now);
        }
        if (!usage.admitted()) {
            stores.refused(RateLimitingPlugin.NAME);
            headers.apply();
            ErrorResponses.write(request, headers, config.errorCode(), config.errorMessage(),
                    "Retry-After", Long.toString(retryAfter(config.limits(), usage.counts(), now)));
            return;
        }
        try {
            chain.doFilter(request, headers);
        } finally {
            headers.apply();
        }
    }

    private String key(RateLimitingPlugin.Config config, RequestContext context, HttpServletRequest request) {
        String id = switch (config.limitBy()) {
            case CONSUMER -> context.consumer();
            case CREDENTIAL -> context.upstreamHeaders().get("X-Credential-Identifier");
            case IP -> null;
            case SERVICE -> "";
            case HEADER -> request.getHeader(config.headerName());
            case PATH -> config.path();
        };
        return stores.key(context, config.limitBy(), id, request);
    }

    private static void usageHeaders(ManagedHeaders headers, List<RateLimitingPlugin.Limit> limits, long[] counts, long now) {
        int tightest = 0;
        for (int i = 0; i < limits.size(); i++) {
            RateLimitingPlugin.Limit l = limits.get(i);
            long remaining = Math.max(0, l.limit() - counts[i]);
            headers.manage("X-RateLimit-Limit-" + l.period().header(), Long.toString(l.limit()), ManagedHeaders.Mode.OVERRIDE);
            headers.manage("X-RateLimit-Remaining-" + l.period().header(), Long.toString(remaining),
                    ManagedHeaders.Mode.OVERRIDE);
            if (remaining < Math.max(0, limits.get(tightest).limit() - counts[tightest])) {
                tightest = i;
            }
        }
        RateLimitingPlugin.Limit t = limits.get(tightest);
        headers.manage("RateLimit-Limit", Long.toString(t.limit()), ManagedHeaders.Mode.OVERRIDE);
        headers.manage("RateLimit-Remaining", Long.toString(Math.max(0, t.limit() - counts[tightest])),
                ManagedHeaders.Mode.OVERRIDE);
        headers.manage("RateLimit-Reset", Long.toString(secondsUntil(t.period().end(now), now)), ManagedHeaders.Mode.OVERRIDE);
    }

    /** Seconds until the last full window ends (then every window has room again). */
    private static long retryAfter(List<RateLimitingPlugin.Limit> limits, long[] counts, long now) {
        long end = now;
        for (int i = 0; i < limits.size(); i++) {
            if (counts[i] >= limits.get(i).limit()) {
                end = Math.max(end, limits.get(i).period().end(now));
            }
        }
        return secondsUntil(end, now);
    }

    private static long secondsUntil(long end, long now) {
        return Math.max(1, (end - now + 999) / 1000);
    }
}
