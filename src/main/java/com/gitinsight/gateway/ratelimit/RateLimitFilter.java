package com.gitinsight.gateway.ratelimit;

import com.gitinsight.gateway.http.ErrorResponses;
import com.gitinsight.gateway.http.ManagedHeaders;
import com.gitinsight.gateway.runtime.PluginFilter;
import com.gitinsight.gateway.runtime.RequestContext;
import com.gitinsight.gateway.runtime.Unproxied;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;

/**
 * Plugin {@code rate-limiting}, after authentication: counts the request for its key in every
 * configured window, answers the error code with {@code Retry-After} when a window is full, and
 * reports usage in Kong's headers (replacing a backend's). The key is Kong's: the plugin instance
 * (its scope: a global instance counts across every service, two route instances on one service
 * each keep their own) and the identifier {@code limit_by} names (consumer, credential, client
 * address, service, header, or {@code path} for that path only), the client address when there is
 * none.
 */
public class RateLimitFilter extends PluginFilter<RateLimitingSchema.Config> {

    private static final long serialVersionUID = 1L;

    @Inject
    transient CounterStores stores;

    public RateLimitFilter() {
        super(RateLimitingSchema.NAME, RateLimitingSchema.Config.class);
    }

    /** The injected beans' instances themselves: no client-proxy hop per request (see Unproxied). */
    @Override
    public void init() {
        stores = Unproxied.instance(stores);
    }

    @Override
    protected void apply(
            RateLimitingSchema.Config config,
            RequestContext context,
            HttpServletRequest request,
            HttpServletResponse response,
            FilterChain chain)
            throws IOException, ServletException {
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
        HttpServletResponse down = headers.over(response);
        // Kong: with hide_client_headers no RateLimit header at all, Retry-After included.
        long reset = config.hideClientHeaders() ? -1 : usageHeaders(headers, config.limits(), usage.counts(), now);
        if (!usage.admitted()) {
            stores.refused(RateLimitingSchema.NAME);
            headers.apply();
            if (reset < 0) {
                ErrorResponses.write(request, down, config.errorCode(), config.errorMessage());
            } else {
                ErrorResponses.write(
                        request, down, config.errorCode(), config.errorMessage(), "Retry-After", Long.toString(reset));
            }
            return;
        }
        try {
            chain.doFilter(request, down);
        } finally {
            headers.apply();
        }
    }

    /** The counting key: this plugin instance, then what it counts by (Kong's identifier). */
    String key(RateLimitingSchema.Config config, RequestContext context, HttpServletRequest request) {
        String id = switch (config.limitBy()) {
            case CONSUMER -> context.consumer();
            // Kong counts by the credential's id. Without ids in the file a credential is known by
            // its name (a jwt key, a username, an SSO subject), which two kinds or two providers may
            // share: under its consumer, two principals never share a count.
            case CREDENTIAL ->
                context.credentialId() == null ? null : context.consumer() + "|" + context.credentialId();
            case IP -> null;
            // Kong: a route without a service counts by client, as get_identifier falls back.
            case SERVICE ->
                context.match().service() == null
                        ? null
                        : context.match().service().name();
            // Kong's get_header: nginx's table reads x_tenant as X-Tenant.
            case HEADER -> request.getHeader(config.headerName().replace('_', '-'));
            // Kong: requests for exactly that path share one count; any other path counts by client.
            case PATH -> config.path().equals(context.path()) ? config.path() : null;
        };
        return stores.key(context.snapshot().plugins().counters(config), config.limitBy(), id, request);
    }

    /**
     * Kong's headers: each window's limit and what is left; {@code RateLimit-*} for the window with
     * least left, the longer one when windows have equally little left (so a client waiting for
     * {@code RateLimit-Reset} waits once). Returns that window's reset in seconds: also the
     * {@code Retry-After} of a refusal, since a full window has nothing left and the longest full
     * one is reported.
     */
    static long usageHeaders(ManagedHeaders headers, List<RateLimitingSchema.Limit> limits, long[] counts, long now) {
        int reported = 0;
        for (int i = 0; i < limits.size(); i++) {
            RateLimitingSchema.Limit l = limits.get(i);
            long remaining = Math.max(0, l.limit() - counts[i]);
            headers.manage(l.period().limitHeader(), Long.toString(l.limit()), ManagedHeaders.Mode.OVERRIDE);
            headers.manage(l.period().remainingHeader(), Long.toString(remaining), ManagedHeaders.Mode.OVERRIDE);
            // Limits come shortest window first: "<=" lets the longer of two equal ones win.
            if (remaining <= Math.max(0, limits.get(reported).limit() - counts[reported])) {
                reported = i;
            }
        }
        RateLimitingSchema.Limit t = limits.get(reported);
        long reset = secondsUntil(t.period().end(now), now);
        headers.manage("RateLimit-Limit", Long.toString(t.limit()), ManagedHeaders.Mode.OVERRIDE);
        headers.manage(
                "RateLimit-Remaining",
                Long.toString(Math.max(0, t.limit() - counts[reported])),
                ManagedHeaders.Mode.OVERRIDE);
        headers.manage("RateLimit-Reset", Long.toString(reset), ManagedHeaders.Mode.OVERRIDE);
        return reset;
    }

    private static long secondsUntil(long end, long now) {
        return Math.max(1, (end - now + 999) / 1000);
    }
}
