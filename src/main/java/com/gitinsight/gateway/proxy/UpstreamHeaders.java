package com.gitinsight.gateway.proxy;

import com.gitinsight.gateway.http.IdentityHeaders;
import com.gitinsight.gateway.http.KongHeaders;
import com.gitinsight.gateway.runtime.RequestContext;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Enumeration;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Which request headers reach a backend, for HTTP and WebSocket alike. Backends trust identity
 * and forwarding headers, so only the gateway sets them: a client's copy is dropped in every
 * spelling a backend may fold into the same name (any case, {@code _} for {@code -}, as WSGI and
 * CGI do), then the gateway's own are added. Forwarding headers a trusted proxy sent
 * ({@code gateway.trusted-ips}) are kept, as Kong keeps them.
 */
public final class UpstreamHeaders {

    /**
     * Set by the gateway on every request, or never legitimate (a path override; {@code Proxy},
     * which CGI backends read as HTTP_PROXY, Kong's "httpoxy" clear; {@code Expect}, answered by
     * the gateway itself, as nginx does): a client's copy never passes.
     */
    private static final Set<String> GATEWAY_SET = Set.of(
            "proxy",
            "expect",
            "x-forwarded-for",
            "x-real-ip",
            "content-length",
            "host",
            "x-original-url",
            "x-rewrite-url",
            "x-original-uri");
    /** Describe the client's view of the request or its TLS: from a trusted proxy only. */
    private static final Set<String> FORWARDING = com.gitinsight.gateway.http.ForwardingHeaders.NAMES;

    private UpstreamHeaders() {}

    /**
     * The folded names the client sent in more than one spelling (a dash one and one with
     * underscores, or two with underscores): a folding backend would read them as one header. One
     * pass over the names, made only when a name holds '_' (a pass per such name was cubic in a
     * request of thousands of short names).
     */
    private static Set<String> foldedTwice(HttpServletRequest in) {
        Map<String, String> first = new java.util.HashMap<>();
        Set<String> twice = new java.util.HashSet<>();
        for (Enumeration<String> names = in.getHeaderNames(); names.hasMoreElements(); ) {
            String name = names.nextElement();
            String spelling = name.toLowerCase(java.util.Locale.ROOT);
            String folded = fold(name);
            String known = first.putIfAbsent(folded, spelling);
            if (known != null && !known.equals(spelling)) {
                twice.add(folded);
            }
        }
        return twice;
    }

    /**
     * Passes each header the backend gets to {@code out}: the client's own (less hop-by-hop ones,
     * {@code skipped} and those the gateway owns), then the forwarding headers, then what the
     * plugins decided ({@link RequestContext#upstreamHeaders()}).
     *
     * @param skipped lower-case names the caller sets itself (the WebSocket handshake's own)
     * @param proto   the scheme to announce when no trusted proxy named one
     */
    static void copy(
            HttpServletRequest in,
            RequestContext context,
            Set<String> skipped,
            String proto,
            BiConsumer<String, String> out) {
        String connection = HopByHop.connectionOptions(in.getHeaders("Connection"));
        boolean trusted = context != null && context.fromTrustedProxy();
        Map<String, String> decided = context == null ? Map.of() : context.upstreamHeaders();
        // Kong's proxy_set_header X-Kong-Request-Id: the gateway's replaces a client's or a plugin's.
        boolean ownId = context != null && context.kongRequestIdUpstream();
        String forwardedFor = null;
        String[] forwarding = new String[5];
        boolean proxiedPrefix = false;
        Set<String> twice = null;
        for (Enumeration<String> names = in.getHeaderNames(); names.hasMoreElements(); ) {
            String name = names.nextElement();
            if (!RequestFraming.isToken(name)) {
                continue; // refused at the head of the chain; never written to a backend whatever the path
            }
            if (!nginxValid(name)) {
                // nginx's ignore_invalid_headers (on in Kong): a name of anything but letters,
                // digits, '-' and '_' is dropped, never proxied. PHP reads '.' in a CGI variable's
                // name as '_': X-Consumer.ID reached such a backend as X-Consumer-ID (attacker
                // review 234).
                continue;
            }
            String folded = fold(name);
            // Kong's nginx passes a name with '_' (underscores_in_headers on), and so does the
            // gateway, but never one whose dash spelling the gateway owns (a CGI/WSGI backend reads
            // X_Forwarded_For as X-Forwarded-For, Transfer_Encoding as Transfer-Encoding): those are
            // checked below by their folded name, hop-by-hop ones here; nor a copy of a header the
            // client also sent with dashes (User_Agent beside the User-Agent a plugin judged).
            if (name.indexOf('_') >= 0) {
                if (twice == null) {
                    twice = foldedTwice(in);
                }
                if (HopByHop.isHopByHop(folded, connection) || twice.contains(folded)) {
                    continue;
                }
            }
            if (folded.equals("x-forwarded-for") && name.length() == folded.length() && name.indexOf('_') < 0) {
                forwardedFor = joined(in.getHeaders(name));
                continue;
            }
            if (HopByHop.isHopByHop(name, connection)
                    || skipped.contains(folded)
                    || GATEWAY_SET.contains(folded)
                    || isIdentity(folded)
                    || !decided.isEmpty() && decided.containsKey(folded)
                    || ownId && folded.equals(KongHeaders.REQUEST_ID_FOLDED)) {
                continue;
            }
            if (FORWARDING.contains(folded)) {
                if (trusted && name.indexOf('_') < 0) {
                    remember(forwarding, folded, in.getHeader(name));
                    proxiedPrefix |= folded.equals("x-forwarded-prefix");
                    if (!folded.equals("x-forwarded-proto")
                            && !folded.equals("x-forwarded-host")
                            && !folded.equals("x-forwarded-port")
                            && !folded.equals("x-forwarded-path")
                            && !(folded.equals("x-forwarded-prefix")
                                    && in.getHeader(name).isEmpty())) {
                        passAll(in, name, out);
                    }
                }
                continue;
            }
            passAll(in, name, out);
        }
        String peer = com.gitinsight.gateway.http.ClientAddress.canonical(in.getRemoteAddr());
        // Kong: the client's list plus the socket peer, else (none sent) the client as the realip
        // settings read it (a trusted proxy's X-Real-IP names it).
        String client = context != null && context.clientAddress() != null ? context.clientAddress() : peer;
        out.accept(
                "X-Forwarded-For",
                forwardedFor != null ? forwardedFor + ", " + peer : client.equals("unknown") ? peer : client);
        // A trusted proxy's empty value is sent as nothing: nginx passes no proxy_set_header header
        // whose value is empty (helper review 281).
        unlessEmpty(out, "X-Forwarded-Proto", forwarding[0] != null ? forwarding[0] : proto);
        // nginx's $host, which Kong sends: the Host header's name, lower-case, without a trailing dot.
        unlessEmpty(
                out,
                "X-Forwarded-Host",
                forwarding[1] != null
                        ? forwarding[1]
                        : com.gitinsight.gateway.http.HostValue.nginx(
                                context != null ? context.serverName(in) : in.getServerName()));
        // The listener's port, not the one the client wrote in Host.
        unlessEmpty(
                out,
                "X-Forwarded-Port",
                forwarding[2] != null
                        ? forwarding[2]
                        : Integer.toString(
                                context != null && context.hostPort() > 0 ? context.hostPort() : in.getLocalPort()));
        // A trusted proxy's, else Kong's $request_uri without its query: the path as the client
        // wrote it, not normalised (Kong's spec: "/foo/a/../bar" and "/h%65llo" go as sent),
        // escaped where not allowed raw.
        unlessEmpty(
                out,
                "X-Forwarded-Path",
                forwarding[4] != null
                        ? forwarding[4]
                        : com.gitinsight.gateway.routing.RequestPath.forwardedPath(in.getRequestURI()));
        // Kong: what strip_path removed, unless a trusted proxy named its own prefix.
        String prefix = context == null || context.match() == null
                ? null
                : context.match().prefix();
        if (!proxiedPrefix && prefix != null && !prefix.equals("/")) {
            // As Kong sends match_t.prefix: the normalised path's text, not escaped again (its UTF-8
            // bytes), except what no header may carry raw (a control character) and what a backend
            // taking it for its context path would write into a page or a Location unsafely ('\\'
            // makes "/\\evil.com" a redirect off-site, '<' '"' markup: attacker review 182).
            out.accept("X-Forwarded-Prefix", com.gitinsight.gateway.http.HeaderText.wire(unsafeEscaped(prefix)));
        }
        // The client as trusted proxies let it be known (nginx's realip), not the proxy in front.
        if (!client.equals("unknown")) {
            out.accept("X-Real-IP", client);
        }
        if (HopByHop.wantsTrailers(in)) {
            out.accept("TE", "trailers"); // Kong's upstream_te: only this value crosses
        }
        if (!skipped.contains("upgrade") && "websocket".equalsIgnoreCase(in.getHeader("Upgrade"))) {
            // Kong's upstream_upgrade and upstream_connection: a client's Upgrade: websocket goes on
            // (a request the WebSocket relay did not take: no handshake a backend could complete).
            out.accept("Connection", "keep-alive, Upgrade");
            out.accept("Upgrade", "websocket");
        }
        for (Map.Entry<String, String> h : decided.entrySet()) {
            if (h.getValue() != null
                    && !(ownId
                            && h.getKey().length() == KongHeaders.REQUEST_ID_FOLDED.length()
                            && fold(h.getKey()).equals(KongHeaders.REQUEST_ID_FOLDED))) {
                String value = h.getValue();
                if (value.indexOf(RequestContext.LINES) < 0) {
                    out.accept(h.getKey(), value);
                } else {
                    for (String line : value.split(String.valueOf(RequestContext.LINES), -1)) {
                        out.accept(h.getKey(), line);
                    }
                }
            }
        }
        if (ownId) {
            out.accept(KongHeaders.REQUEST_ID, context.kongRequestId());
        }
    }

    /** Lower case with {@code _} as {@code -}: the name a folding backend reads. */
    public static String fold(String name) {
        return IdentityHeaders.fold(name);
    }

    /**
     * Whether a folded name is a header whose client copy never reaches the backend and that the
     * gateway sets itself (or never): forwarding, framing, {@code Host}, hop-by-hop. Plugins that
     * change request headers (request-transformer) may not name these.
     */
    public static boolean isGatewayOwned(String folded) {
        return GATEWAY_SET.contains(folded) || FORWARDING.contains(folded) || HopByHop.isHopByHop(folded, null);
    }

    /** Whether a folded name is one of the identity headers only the gateway may set ({@link IdentityHeaders}). */
    public static boolean isIdentity(String folded) {
        return IdentityHeaders.isIdentity(folded);
    }

    private static void remember(String[] forwarding, String folded, String value) {
        switch (folded) {
            case "x-forwarded-proto" -> forwarding[0] = value;
            case "x-forwarded-host" -> forwarding[1] = value;
            case "x-forwarded-port" -> forwarding[2] = value;
            case "x-forwarded-path" -> forwarding[4] = value;
            default -> forwarding[3] = value;
        }
    }

    private static void passAll(HttpServletRequest in, String name, BiConsumer<String, String> out) {
        for (Enumeration<String> values = in.getHeaders(name); values.hasMoreElements(); ) {
            out.accept(name, values.nextElement());
        }
    }

    private static String joined(Enumeration<String> values) {
        StringBuilder sb = new StringBuilder();
        while (values.hasMoreElements()) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(values.nextElement());
        }
        return sb.toString();
    }

    /** Sends {@code name} unless {@code value} is empty (no lambda made per request). */
    private static void unlessEmpty(BiConsumer<String, String> out, String name, String value) {
        if (!value.isEmpty()) {
            out.accept(name, value);
        }
    }

    /**
     * {@code text} with its control characters (and DEL) and the characters a URI may never hold
     * raw but the space ({@code \ " < > ^ ` { } |}) as %XX: nothing else changed.
     */
    static String unsafeEscaped(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == 0x7F || "\\\"<>^`{}|".indexOf(c) >= 0) {
                if (out == null) {
                    out = new StringBuilder(text.length() + 8).append(text, 0, i);
                }
                out.append('%')
                        .append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? text : out.toString();
    }

    /** Whether nginx takes a header of this name (letters, digits, '-', and '_' as Kong turns on). */
    static boolean nginxValid(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
                return false;
            }
        }
        return true;
    }
}
