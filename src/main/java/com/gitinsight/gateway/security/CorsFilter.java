package com.gitinsight.gateway.security;

import com.gitinsight.gateway.http.ManagedHeaders;
import com.gitinsight.gateway.runtime.PluginFilter;
import com.gitinsight.gateway.runtime.RequestContext;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Plugin {@code cors}, with Kong's rules. A preflight (OPTIONS with Origin and
 * Access-Control-Request-Method) is answered here with 200, before authentication, rate limiting
 * or any backend call (with {@code preflight_continue} it goes on, and gets no CORS header from
 * the gateway); every other answer (the backend's, a plugin's refusal, a cached one, a refusal by
 * bot-detection, which runs before this, and with a global instance the no-route 404) gets the
 * Access-Control headers, replacing a backend's: those are the plugin's response phase,
 * {@link CorsPhase}, set before any Kong plugin runs, as Kong's header_filter runs on every answer.
 *
 * <p>{@code Access-Control-Allow-Origin}: {@code *} when every origin is allowed (no
 * {@code Vary}); the single plain configured origin as configured; otherwise the request's origin,
 * normalised, when an entry names it, and none at all when none does (a backend's is removed).
 * {@code Vary: Origin} whenever the answer depends on the origin. A disallowed origin still gets
 * what Kong sends regardless of origin: {@code Access-Control-Allow-Credentials} (with
 * {@code credentials}), the exposed headers, and on a preflight the allowed methods, headers and
 * max age; without an allowed origin a browser uses none of them. With {@code credentials} and
 * every origin allowed, the request's origin is echoed instead of {@code *}.
 */
public class CorsFilter extends PluginFilter<CorsSchema.Config> {

    private static final long serialVersionUID = 1L;

    public CorsFilter() {
        super(CorsSchema.NAME, CorsSchema.Config.class);
    }

    @Override
    protected void apply(
            CorsSchema.Config config,
            RequestContext context,
            HttpServletRequest request,
            HttpServletResponse response,
            FilterChain chain)
            throws IOException, ServletException {
        String origin = origin(request);
        if (!isPreflight(request, origin) || config.preflightContinue()) {
            // The origin's headers are the response phase's (CorsPhase); with preflight_continue the
            // backend answers the preflight, with its own headers only.
            chain.doFilter(request, response);
            return;
        }
        ManagedHeaders headers = ManagedHeaders.of(request, response);
        String allowHeaders = config.headers() != null && !config.headers().isEmpty()
                ? config.headers()
                : request.getHeader("Access-Control-Request-Headers");
        // An empty value is no header: OpenResty's set_header clears the header it is given ""
        // for (methods: [] joined, an empty Access-Control-Request-Headers echoed; helper review 279).
        if (allowHeaders != null && !allowHeaders.isEmpty()) {
            headers.manage("Access-Control-Allow-Headers", allowHeaders, ManagedHeaders.Mode.OVERRIDE);
        }
        if (!config.methods().isEmpty()) {
            headers.manage("Access-Control-Allow-Methods", config.methods(), ManagedHeaders.Mode.OVERRIDE);
        }
        if (config.maxAge() != null) {
            headers.manage("Access-Control-Max-Age", config.maxAge(), ManagedHeaders.Mode.OVERRIDE);
        }
        if (config.privateNetwork() && "true".equals(request.getHeader("Access-Control-Request-Private-Network"))) {
            headers.manage("Access-Control-Allow-Private-Network", "true", ManagedHeaders.Mode.OVERRIDE);
        }
        HttpServletResponse down = headers.over(response);
        down.setStatus(200);
        down.setContentLength(0);
        headers.apply();
    }

    /** The request's Origin; null when absent or empty (an empty one allows nothing). */
    static String origin(HttpServletRequest request) {
        String origin = request.getHeader("Origin");
        return origin == null || origin.isEmpty() ? null : origin;
    }

    static boolean isPreflight(HttpServletRequest request, String origin) {
        return "OPTIONS".equals(request.getMethod())
                && origin != null
                && request.getHeader("Access-Control-Request-Method") != null;
    }

    /**
     * Kong's header_filter: the origin's headers on the answer, whoever gives it; null when the
     * request gets none (the backend answers a preflight with preflight_continue; an absent Origin
     * with allow_origin_absent false). Preflights get no exposed headers (Kong skips its
     * header_filter on the preflight it answers).
     */
    static ManagedHeaders originHeaders(
            CorsSchema.Config config, HttpServletRequest request, HttpServletResponse response) {
        // Kong's header_filter skips only an absent Origin (an empty one is a value in Lua).
        boolean absent = request.getHeader("Origin") == null;
        String origin = origin(request);
        boolean preflight = isPreflight(request, origin);
        if (preflight && config.preflightContinue() || absent && !config.allowOriginAbsent()) {
            return null;
        }
        ManagedHeaders headers = ManagedHeaders.of(request, response);
        boolean allowAll = allowOrigin(config, origin, headers);
        if (config.credentials()) {
            if (!allowAll) {
                headers.manage("Access-Control-Allow-Credentials", "true", ManagedHeaders.Mode.OVERRIDE);
            } else if (origin != null) {
                // Credentials are never allowed with "*": the request's own origin instead.
                headers.manage("Access-Control-Allow-Origin", origin, ManagedHeaders.Mode.OVERRIDE);
                headers.manage("Access-Control-Allow-Credentials", "true", ManagedHeaders.Mode.OVERRIDE);
                headers.manage("Vary", "Origin", ManagedHeaders.Mode.APPEND);
            }
        }
        if (!preflight && config.exposedHeaders() != null) {
            headers.manage("Access-Control-Expose-Headers", config.exposedHeaders(), ManagedHeaders.Mode.OVERRIDE);
        }
        return headers;
    }

    /** Kong's configure_origin: sets Access-Control-Allow-Origin; true when every origin is allowed. */
    private static boolean allowOrigin(CorsSchema.Config config, String origin, ManagedHeaders headers) {
        if (config.anyOrigin()) {
            headers.manage("Access-Control-Allow-Origin", "*", ManagedHeaders.Mode.OVERRIDE);
            return true;
        }
        // The answer depends on the origin from here on, even where it allows none (a shared cache
        // must not hand a disallowed origin's answer to an allowed one): see the README.
        headers.manage("Vary", "Origin", ManagedHeaders.Mode.APPEND);
        if (config.configuredOrigin() != null) {
            headers.manage("Access-Control-Allow-Origin", config.configuredOrigin(), ManagedHeaders.Mode.OVERRIDE);
            return false;
        }
        CorsSchema.Normalized allowed = origin == null ? null : config.matching(origin);
        headers.manage(
                "Access-Control-Allow-Origin", allowed == null ? null : allowed.domain(), ManagedHeaders.Mode.OVERRIDE);
        return allowed == CorsSchema.Normalized.ANY;
    }
}
