package com.gitinsight.gateway.proxy;

import com.gitinsight.gateway.http.ErrorResponses;
import com.gitinsight.gateway.http.KongHeaders;
import com.gitinsight.gateway.http.ReceivedHeaders;
import com.gitinsight.gateway.http.TrustedProxies;
import com.gitinsight.gateway.routing.RequestPath;
import com.gitinsight.gateway.routing.RouteMatch;
import com.gitinsight.gateway.routing.Router;
import com.gitinsight.gateway.runtime.GatewayRuntime;
import com.gitinsight.gateway.runtime.GatewaySnapshot;
import com.gitinsight.gateway.runtime.HeadLines;
import com.gitinsight.gateway.runtime.RequestContext;
import com.gitinsight.gateway.runtime.RequestIds;
import com.gitinsight.gateway.runtime.Unproxied;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * The head of the filter chain: refuses what no later part may be trusted to read the same way
 * (ambiguous framing, a path that does not normalise), then binds each request to its thread for
 * the proxy resource and matches its route once, on the normalised path (a {@link RequestContext}
 * every later filter reads).
 */
public class CurrentRequestFilter extends HttpFilter {

    private static final long serialVersionUID = 1L;

    @Inject
    transient CurrentRequest current;

    @Inject
    transient GatewayRuntime runtime;

    @Inject
    transient TrustedProxies proxies;

    @Inject
    transient KongHeaders kongHeaders;

    @Inject
    transient ClientPace pace;

    /**
     * {@code gateway.admin.host}: the one host name the admin API and console answer on, and on
     * which no route is proxied, so that they are an origin of their own. On the proxy's origin a
     * script any backend serves (an XSS, an uploaded page) could open the console and read its
     * token, or run its sign-in and take the code.
     */
    @Inject
    @org.eclipse.microprofile.config.inject.ConfigProperty(name = "gateway.admin.host")
    transient java.util.Optional<String> adminHostSetting;

    private transient String adminHost;

    /** HeaderLimitFilter's bounds (the head is checked here, before routing). */
    @Inject
    @org.eclipse.microprofile.config.inject.ConfigProperty(name = "gateway.max-header-bytes", defaultValue = "32768")
    transient int maxHeaderBytes = 32768;

    @Inject
    @org.eclipse.microprofile.config.inject.ConfigProperty(
            name = "gateway.max-header-line-bytes",
            defaultValue = "8192")
    transient int maxLineBytes = 8192;

    /** Kong's {@code port_maps} ({@code gateway.port-maps}, or Kong's {@code KONG_PORT_MAPS}). */
    @Inject
    @org.eclipse.microprofile.config.inject.ConfigProperty(name = "gateway.port-maps")
    transient java.util.Optional<String> portMapsSetting;

    private transient com.gitinsight.gateway.http.PortMaps portMaps = com.gitinsight.gateway.http.PortMaps.NONE;

    private final transient MalformedUriGuard malformedUris = new MalformedUriGuard();

    /** The injected beans' instances themselves: no client-proxy hop per request (see Unproxied). */
    @Override
    public void init() {
        current = Unproxied.instance(current);
        runtime = Unproxied.instance(runtime);
        proxies = Unproxied.instance(proxies);
        kongHeaders = Unproxied.instance(kongHeaders);
        pace = Unproxied.instance(pace);
        adminHost = adminHostSetting == null ? null : adminHost(adminHostSetting.orElse(null));
        String maps = portMapsSetting == null ? null : portMapsSetting.orElse(System.getenv("KONG_PORT_MAPS"));
        // A malformed setting stops the start, naming the entry (IllegalArgumentException).
        portMaps = com.gitinsight.gateway.http.PortMaps.parse(maps);
    }

    /** Answers' Date headers, made once a second. */
    private final transient com.gitinsight.gateway.http.AnswerDates dates =
            new com.gitinsight.gateway.http.AnswerDates();

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        try {
            handle(request, response, chain);
        } finally {
            if (RequestFraming.closes(response) || RequestFraming.asksToClose(request)) {
                // The last answer on this connection: a request pipelined behind it is never
                // processed, even while this answer is still being written (Grizzly closes only
                // once its writes are done, and parses the next request meanwhile).
                ClientConnection.markClosing(request);
            }
        }
    }

    private void handle(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (ClientConnection.closed(request)) {
            // Pipelined behind an answer that closed the connection: never processed (no backend,
            // no plugin, no log), as nginx reads nothing after such an answer.
            return;
        }
        malformedUris.guardListenerOf(request);
        // Kong's request id, on every answer from here on (refusals included), as Kong's header filter sets it.
        String kongRequestId = RequestIds.next();
        boolean sendId = kongHeaders.requestIdDownstream();
        if (sendId) {
            response.setHeader(KongHeaders.REQUEST_ID, kongRequestId);
        }
        // nginx dates every answer; a backend's own Date replaces this one, as nginx passes it on.
        String date = dates.now();
        response.setHeader("Date", date);
        // Any answer given before the request has a context (here, or the container's error page
        // after an exception) names the same id in its body.
        request.setAttribute(RequestIds.ATTRIBUTE, kongRequestId);
        // Every check and the backend read the headers as they came in, never a trailer merged later.
        HttpServletRequest received = ReceivedHeaders.asReceived(request);
        if (received == null) {
            ErrorResponses.write(request, response, 400, ReceivedHeaders.REFUSED, "Connection", "close");
            return;
        }
        request = com.gitinsight.gateway.http.SentPath.of(received);
        String framing = RequestFraming.problem(request);
        if (framing != null) {
            // RFC 9112 6.1: a message with both framings may be an attempt at smuggling; answer, then close.
            ErrorResponses.write(request, response, 400, framing, "Connection", "close");
            return;
        }
        if (RequestFraming.closeAfter(request)) {
            response.setHeader("Connection", "close");
        }
        if ("TRACE".equals(request.getMethod())) {
            // nginx refuses TRACE before Kong routes or runs a plugin; Kong's error handler answers,
            // and the connection closes (a body is never read).
            response.setHeader("Connection", "close");
            ErrorResponses.writeNginx(request, response, 405, "Method not allowed");
            return;
        }
        String raw = request.getRequestURI();
        if (RequestPath.hasControlCharacter(raw) || RequestPath.hasControlCharacter(request.getQueryString())) {
            ErrorResponses.write(request, response, 400, "The request target has a control character or a space");
            return;
        }
        String path;
        try {
            path = RequestPath.normalize(raw);
        } catch (RequestPath.BadPath e) {
            ErrorResponses.write(request, response, e.status(), e.getMessage());
            return;
        }
        if (namesGatewayOwn(path) && (!RequestPath.isCanonical(raw) || raw.indexOf(';') >= 0)) {
            // The gateway's own endpoints answer one spelling only: the container and JAX-RS must
            // never disagree on which resource (and which guard) a path names.
            ErrorResponses.write(
                    request,
                    response,
                    400,
                    "The gateway's own paths take no escaped '/', '\\' or '.', "
                            + "no dot segments, no doubled slashes and no ';' parameters");
            return;
        }
        if (adminHost != null && !onItsOrigin(path, request.getServerName(), adminHost)) {
            // Neither the admin API on the proxy's origin nor a route on the admin's.
            ErrorResponses.write(request, response, 404, ErrorResponses.NO_ROUTE);
            return;
        }
        if ("OPTIONS".equals(request.getMethod()) && isAdmin(path)) {
            // JAX-RS would answer OPTIONS itself, from a method no guard is bound to; the console is
            // same-origin and needs no preflight.
            ErrorResponses.write(request, response, 405, "OPTIONS is not served on the admin API");
            return;
        }
        GatewaySnapshot snapshot = runtime.snapshot();
        if (snapshot == null) {
            // A fleet node that has not reached its configuration store yet: not ready, never an
            // empty configuration. Health still answers (DOWN), so orchestrators can tell, and the
            // admin API (guarded as ever), through which a store whose versions all fail here is fixed.
            if (path.startsWith("/_gateway/health") || isAdmin(path)) {
                chain.doFilter(request, response);
                return;
            }
            ErrorResponses.write(
                    request,
                    response,
                    503,
                    "The gateway has no configuration yet (its configuration store is unreachable, or holds none"
                            + " this node can run: see health)",
                    "Retry-After",
                    "5");
            return;
        }
        // nginx refuses an oversized head before Kong routes: such a request is routed nowhere, so
        // only global plugins log or answer it (HeaderLimitFilter writes the refusal).
        // A log plugin's record reads the header lines: kept in this pass rather than read again.
        HeadLines kept = snapshot.plugins().logsRequests() && !RequestContext.gatewayOwn(path) ? new HeadLines() : null;
        int head = HeaderLimitFilter.check(request, maxLineBytes, maxHeaderBytes, kept);
        boolean headRefused = (head & HeaderLimitFilter.STATUS) != 0;
        // The gateway's own endpoints are never a route's: no route's plugins (a cache!) run on them.
        RouteMatch match;
        long routingStart = System.nanoTime();
        long routingEnd;
        try {
            match = RequestContext.gatewayOwn(path) || headRefused
                    ? null
                    : match(snapshot.router(), request, path, portMaps);
            routingEnd = System.nanoTime();
        } catch (com.gitinsight.gateway.routing.Router.Undecidable e) {
            ErrorResponses.write(request, response, 400, "Bad request");
            return;
        }
        if (match == AMBIGUOUS) {
            ErrorResponses.write(
                    request,
                    response,
                    400,
                    "The request path routes elsewhere when its ';' parameters are dropped or its escaped slashes decoded");
            return;
        }
        if (match != null && leavesServicePath(match)) {
            // strip_path cuts anywhere (Kong's prefixes are not segment-aware): "/pub../x" leaves
            // "../x", which the service path would resolve against on the backend (also when a
            // lenient backend decodes "%2F": "/pub..%2Fx").
            ErrorResponses.write(request, response, 400, "The request path would leave the service's path");
            return;
        }
        boolean trusted = proxies.trustsPeer(request);
        if (match != null && match.route().httpsRedirect() != 0 && !overHttps(request, trusted)) {
            refusePlainHttp(request, response, match.route().httpsRedirect(), trusted);
            return;
        }
        String client = trusted
                ? proxies.clientText(request)
                : com.gitinsight.gateway.http.ClientAddress.canonical(request.getRemoteAddr());
        // A slow client's reads and writes hold this thread: marked, so the slowest can be cut off.
        ClientPace.Slot paced = pace.begin(request, client);
        try {
            if (Forwarder.hasBody(request)) {
                request = new PacedRequest(request, paced);
            }
            Exchange exchange = current.bind(request, response, paced);
            // The route is matched once, here, for every filter behind this one and the proxy.
            RequestContext context = RequestContext.attach(request, snapshot, match, path, trusted)
                    .headRefusal(head & HeaderLimitFilter.STATUS);
            if (!headRefused) {
                context.headerNamesRead((head & HeaderLimitFilter.UNDERSCORED) != 0);
                context.headLines(kept);
            }
            context.routed(routingStart, routingEnd)
                    .kongRequestId(kongRequestId, sendId, kongHeaders.requestIdUpstream())
                    .sendsUpstreamStatus(kongHeaders.upstreamStatusDownstream())
                    .clientAddress(client)
                    .hostPort(portMaps.hostPort(request.getLocalPort()));
            if (sendId) {
                exchange.keepHeader(KongHeaders.REQUEST_ID, kongRequestId);
            }
            exchange.dated(dates, date);
            if (match != null && kongHeaders.allowDebugHeader() && request.getHeader("Kong-Debug") != null) {
                debugHeaders(match, exchange);
            }
            try {
                chain.doFilter(request, exchange.response());
            } finally {
                exchange.end();
                current.unbind();
            }
        } finally {
            paced.end(); // whatever failed before: the slot never outlives its request
        }
    }

    /**
     * Whether the request reached the gateway over TLS: its own listener's, or (as Kong's
     * {@code forwarded_proto}) the {@code X-Forwarded-Proto} of a trusted proxy that ended TLS.
     */
    static boolean overHttps(HttpServletRequest request, boolean trusted) {
        String proto = trusted ? request.getHeader("X-Forwarded-Proto") : null;
        if (proto != null) {
            // Kong's forwarded_proto: a trusted proxy's header decides, whatever the hop to the
            // gateway was (helper review 157: a balancer that re-encrypts to the gateway's TLS
            // listener says a client came over plain http; the route's redirect was skipped).
            return proto.trim().equalsIgnoreCase("https");
        }
        return request.isSecure();
    }

    /**
     * Kong's answer to plain HTTP on an https-only route: 426 {@code Please use HTTPS protocol}
     * (with {@code Upgrade}), or a redirect to the same request over https (the trusted proxy's
     * {@code X-Forwarded-Host}, else the request's host).
     */
    static void refusePlainHttp(HttpServletRequest request, HttpServletResponse response, int status, boolean trusted)
            throws IOException {
        if (status == 426) {
            // Kong 3's kong.response.error: the format Accept asks for.
            ErrorResponses.write(
                    request,
                    response,
                    426,
                    "Please use HTTPS protocol",
                    "Connection",
                    "Upgrade",
                    "Upgrade",
                    "TLS/1.2, HTTP/1.1");
            return;
        }
        String host = trusted ? request.getHeader("X-Forwarded-Host") : null;
        if (host != null) {
            // A proxy may pass a client's list through: its first name, and only if it is a host.
            int comma = host.indexOf(',');
            host = (comma < 0 ? host : host.substring(0, comma)).trim();
        }
        if (host == null || !REDIRECT_HOST.matcher(host).matches()) {
            host = com.gitinsight.gateway.http.HostValue.nginx(request.getServerName());
        }
        String query = request.getQueryString();
        response.setStatus(status);
        response.setHeader(
                "Location", "https://" + host.trim() + request.getRequestURI() + (query == null ? "" : "?" + query));
        response.setContentLength(0);
    }

    /** Whether the upstream path, as written or as a lenient backend reads it, has a dot segment. */
    static boolean leavesServicePath(RouteMatch match) {
        String upstreamPath = match.upstreamPath();
        String servicePath = match.service() == null ? null : match.service().path();
        // A dot segment as sent can only come from strip_path's cut, or from the service's own
        // path as the operator wrote it ("/api/./v2", which Kong loads and sends as written:
        // helper review 264, every request to it was refused): only what follows that path's
        // last segment is the client's. One a lenient reading makes ("%2F..%2F", "..;/",
        // "\..\") is refused only where it climbs out of the service's path (helper review 241:
        // "/api/v1%2F..%2Fv2" stays within it, and Kong forwards it).
        String clients = upstreamPath;
        if (servicePath != null && RequestPath.hasDotSegment(servicePath)) {
            // (v0's join drops the service path's trailing slash when nothing follows it.)
            String base = servicePath.endsWith("/") ? servicePath.substring(0, servicePath.length() - 1) : servicePath;
            if (upstreamPath.startsWith(base)) {
                // From the service path's last segment on: a "." the client splices onto it counts.
                clients = upstreamPath.substring(base.lastIndexOf('/'));
            }
        }
        return RequestPath.hasDotSegment(clients) || RequestPath.lenientlyLeaves(upstreamPath, servicePath);
    }

    /** Kong's router debug headers: what matched, by id and, where it has one, name. */
    static void debugHeaders(RouteMatch match, Exchange exchange) {
        exchange.debugHeader("Kong-Route-Id", match.route().kongId());
        if (match.route().name() != null) {
            exchange.debugHeader("Kong-Route-Name", match.route().name());
        }
        if (match.service() != null) {
            exchange.debugHeader("Kong-Service-Id", match.service().kongId());
            if (match.service().fileName() != null) {
                exchange.debugHeader("Kong-Service-Name", match.service().fileName());
            }
        }
    }

    /**
     * Whether the path names the gateway's own endpoints as JAX-RS may read it: Jersey drops
     * {@code ;} parameters from each segment ({@code /_gateway;/admin} is the admin API), and
     * lenient readings take {@code %2F} and {@code \} for separators (attacker review 144).
     */
    static boolean namesGatewayOwn(String path) {
        if (path.startsWith("/_gateway")) {
            return true;
        }
        if (path.indexOf(';') < 0 && path.indexOf('\\') < 0 && path.indexOf('%') < 0) {
            return false;
        }
        String lenient = RequestPath.asLenientBackendsRead(
                path.replace("%2f", "%2F").replace("%5C", "\\").replace("%5c", "\\"));
        int i = 0;
        while (i < lenient.length() && lenient.charAt(i) == '/') {
            i++;
        }
        return lenient.startsWith("_gateway", i);
    }

    /**
     * {@code gateway.admin.host} as requests name it: lower-case, a trailing dot dropped; null when
     * unset. A port or anything else that is no host name stops the start, naming the setting (it
     * would match no request, and the admin API would answer nowhere).
     */
    static String adminHost(String setting) {
        if (setting == null || setting.isBlank()) {
            return null;
        }
        String host = setting.strip().toLowerCase(java.util.Locale.ROOT);
        if (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        if (!host.matches("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*")) {
            throw new IllegalArgumentException(
                    "gateway.admin.host: expected a host name without a port, got '" + setting.strip() + "'");
        }
        return host;
    }

    /**
     * Under {@code gateway.admin.host}: the admin API and console answer on that host only, and
     * that host serves the gateway's own paths only (health, metrics and the admin's).
     */
    static boolean onItsOrigin(String path, String host, String adminHost) {
        boolean onAdminHost = adminHost.equalsIgnoreCase(host);
        if (isAdmin(path)) {
            return onAdminHost;
        }
        return !onAdminHost || RequestContext.gatewayOwn(path);
    }

    private static boolean isAdmin(String path) {
        return path.startsWith("/_gateway/admin") || path.startsWith("/_gateway/console");
    }

    /** Whether {@code upper} (upper-cased) holds what a lenient backend reads as a '/': %2F, '\\' or %5C. */
    private static boolean separatorAsData(String upper) {
        return upper.contains("%2F") || upper.indexOf('\\') >= 0 || upper.contains("%5C");
    }

    static final RouteMatch AMBIGUOUS = new RouteMatch(null, null, null);

    /** A host name or address, with a port: nothing a Location could carry past its authority. */
    private static final java.util.regex.Pattern REDIRECT_HOST =
            java.util.regex.Pattern.compile("(\\[[0-9A-Fa-f:.]+]|[A-Za-z0-9._-]+)(:[0-9]{1,5})?");

    /**
     * The route for the normalised path. A path that backends may read otherwise (with {@code ;}
     * parameters, which servlet containers drop, or an escaped {@code /} or a {@code \}, which some
     * decode into a separator) is also matched as such a backend reads it; when that picks another
     * route, a client could reach one route's backend path under another route's plugins, so it is
     * refused. Kong keeps {@code %2F} as data; so does the gateway whenever the route is the same.
     */
    static RouteMatch match(Router router, HttpServletRequest request, String path) {
        return match(router, request, path, com.gitinsight.gateway.http.PortMaps.NONE);
    }

    /** As {@link #match(Router, HttpServletRequest, String)}, a host's port read through Kong's {@code port_maps}. */
    static RouteMatch match(
            Router router, HttpServletRequest request, String path, com.gitinsight.gateway.http.PortMaps ports) {
        RouteMatch match = router.match(new ServletRequestFacts(request, path, ports));
        String alternative = RequestPath.asLenientBackendsRead(path);
        if (alternative == path) {
            return match;
        }
        RouteMatch other;
        String decodedPath;
        try {
            decodedPath = RequestPath.normalize(alternative);
            other = router.match(new ServletRequestFacts(request, decodedPath, ports));
        } catch (RequestPath.BadPath e) {
            return AMBIGUOUS;
        }
        boolean same = match == null ? other == null : other != null && other.route() == match.route();
        if (!same && other == null && escapesOnlyWithinItsOwnPath(match.route(), path)) {
            // A route written with %2F (Kong's spec: /endel%2Fst) asks for the escape as data; its
            // decoded reading reaches no route at all, so no other route's plugins are passed by.
            return match;
        }
        if (!same
                && other != null
                && catchAll(other.route(), decodedPath)
                && escapesOnlyWithinItsOwnPath(match.route(), path)) {
            // The decoded reading falls to a catch-all only ('/', or a route without paths: helper
            // review 163): no route is written for that resource but the escaped one. A closer
            // route for it, a shorter prefix included, still makes it a 400 (attacker review 167).
            return match;
        }
        return same ? match : AMBIGUOUS;
    }

    /**
     * Whether {@code route} took {@code decoded} as a catch-all: it has no path, or {@code /} and
     * no other path of it (plain or regex) takes {@code decoded}.
     */
    static boolean catchAll(com.gitinsight.gateway.config.RouteSpec route, String decoded) {
        boolean root = route.paths().isEmpty();
        for (com.gitinsight.gateway.config.RouteSpec.RoutePath p : route.paths()) {
            if (p.isRegex()) {
                return false; // which of its paths matched cannot be told cheaply: not a catch-all
            }
            if (p.raw().equals("/")) {
                root = true;
            } else if (decoded.startsWith(p.raw())) {
                return false;
            }
        }
        return root;
    }

    /**
     * Whether every escaped slash of {@code path} is one the route wrote: the path starts with one
     * of the route's plain paths spelled with {@code %2F} (or what one of its regexes written with
     * {@code %2F} matched), and nothing after that prefix, nor a
     * {@code ;} or {@code \} anywhere, reads differently to a lenient backend.
     */
    static boolean escapesOnlyWithinItsOwnPath(com.gitinsight.gateway.config.RouteSpec route, String path) {
        if (path.indexOf(';') >= 0) {
            return false;
        }
        String upper = path.toUpperCase(java.util.Locale.ROOT);
        com.gitinsight.gateway.routing.MatchBudget.Budget budget = null;
        for (com.gitinsight.gateway.config.RouteSpec.RoutePath p : route.paths()) {
            if (p.isRegex()) {
                // A regex written with %2F (Kong's spec: ~/regex-reserved%2Fabc) takes the escapes
                // within what it matched; one after that is not the route's.
                if (p.raw().toUpperCase(java.util.Locale.ROOT).contains("%2F")) {
                    // Within the bound of work route regexes have (attacker review 133: unbounded,
                    // one request held a core for 53 s); past it, not the route's (a 400).
                    if (budget == null) {
                        budget = com.gitinsight.gateway.routing.MatchBudget.forRequest(path.length());
                    }
                    java.util.regex.Matcher m;
                    try {
                        m = com.gitinsight.gateway.routing.MatchBudget.found(p.regex(), path, budget);
                    } catch (com.gitinsight.gateway.routing.MatchBudget.Spent e) {
                        return false;
                    }
                    if (m != null
                            && path.indexOf('\\') < 0
                            && !upper.contains("%5C")
                            && !separatorAsData(upper.substring(m.end()))) {
                        return true;
                    }
                }
                continue;
            }
            // Kong's 08-router_spec "works with special characters": a route written /\d takes /\d.
            String raw = p.raw().toUpperCase(java.util.Locale.ROOT);
            if (separatorAsData(raw) && upper.startsWith(raw) && !separatorAsData(upper.substring(raw.length()))) {
                return true;
            }
        }
        return false;
    }
}
