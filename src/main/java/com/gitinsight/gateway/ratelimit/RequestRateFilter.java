package com.gitinsight.gateway.ratelimit;

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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Plugin {@code request-rate} (nginx's limit_req): refused requests get the status (429) with
 * {@code Retry-After}; with {@code nodelay: false} a request within the burst waits its turn, as
 * nginx delays it (that wait holds the request's thread, at most {@code burst} intervals; at most
 * {@link #MAX_WAITING} requests wait at once across the gateway, the rest refused as over the rate).
 */
public class RequestRateFilter extends PluginFilter<RequestRateSchema.Config> {

    private static final long serialVersionUID = 1L;

    @Inject
    transient CounterStores stores;

    /**
     * Requests waiting their turn at once, gateway-wide: each holds a request thread (nginx's wait
     * holds none), so without a bound a client making up keys parked every thread for up to
     * burst intervals and the gateway answered no one (attacker review 178).
     */
    static final int MAX_WAITING = 32;

    private transient java.util.concurrent.Semaphore waiting = new java.util.concurrent.Semaphore(MAX_WAITING);

    /** For tests: at most {@code n} requests wait at once. */
    void waitingAtMost(int n) {
        waiting = new java.util.concurrent.Semaphore(n);
    }

    public RequestRateFilter() {
        super(RequestRateSchema.NAME, RequestRateSchema.Config.class);
    }

    /** The injected beans' instances themselves: no client-proxy hop per request (see Unproxied). */
    @Override
    public void init() {
        stores = Unproxied.instance(stores);
    }

    @Override
    protected void apply(
            RequestRateSchema.Config config,
            RequestContext context,
            HttpServletRequest request,
            HttpServletResponse response,
            FilterChain chain)
            throws IOException, ServletException {
        long wait;
        try {
            wait = stores.cells(config).take(key(config, context, request), config);
            stores.reachable();
        } catch (CounterStore.Unavailable e) {
            stores.unavailable(e, config.faultTolerant(), request, response, chain);
            return;
        }
        if (wait < 0) {
            refuse(config, request, response, -(wait + 1));
            return;
        }
        if (wait > 0 && !config.nodelay()) {
            if (!waiting.tryAcquire()) {
                refuse(config, request, response, wait);
                return;
            }
            try {
                LockSupport.parkNanos(wait);
            } finally {
                waiting.release();
            }
        }
        chain.doFilter(request, response);
    }

    private void refuse(
            RequestRateSchema.Config config, HttpServletRequest request, HttpServletResponse response, long retryNanos)
            throws IOException {
        stores.refused(RequestRateSchema.NAME);
        ErrorResponses.write(
                request,
                response,
                config.status(),
                "API rate limit exceeded",
                "Retry-After",
                Long.toString(Math.max(1, TimeUnit.NANOSECONDS.toSeconds(retryNanos + 999_999_999L))));
    }

    private String key(RequestRateSchema.Config config, RequestContext context, HttpServletRequest request) {
        String id = switch (config.key()) {
            case IP -> null;
            case CONSUMER -> context.consumer();
            case HEADER -> request.getHeader(config.headerName());
        };
        // Per service, as before plugin instances had their own rate-limiting counters.
        String scope = context.match().service() == null
                ? "route:" + context.match().route().displayName()
                : context.match().service().name();
        return stores.key(scope, config.key(), id, request);
    }
}
