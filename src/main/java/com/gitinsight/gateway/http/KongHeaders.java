package com.gitinsight.gateway.http;

import com.gitinsight.gateway.runtime.Unproxied;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Which of Kong's own headers the gateway sends: {@code gateway.headers} (downstream, Kong's
 * {@code headers}) and {@code gateway.headers-upstream} (Kong's {@code headers_upstream}), comma
 * lists whose default is Kong 3.5's for the request id: {@code X-Kong-Request-Id} both ways. Kong's
 * server and latency tokens are read and not sent (this gateway sends no product or timing
 * headers); an entry Kong does not know fails the start, naming it, as Kong's loader does.
 */
@ApplicationScoped
public class KongHeaders implements Unproxied<KongHeaders> {

    /** Kong's request id header (32 lower-case hex digits, never a client's). */
    public static final String REQUEST_ID = "X-Kong-Request-Id";

    /** {@link #REQUEST_ID} lower-case: as Kong's settings list it, and as a folded header name. */
    public static final String REQUEST_ID_FOLDED = "x-kong-request-id";

    private static final Logger LOG = Logger.getLogger(KongHeaders.class.getName());
    /** Kong's other downstream entries: accepted, not sent here. */
    private static final Set<String> NOT_SENT = Set.of(
            "server_tokens",
            "latency_tokens",
            "server",
            "via",
            "x-kong-proxy-latency",
            "x-kong-response-latency",
            "x-kong-admin-latency",
            "x-kong-upstream-latency",
            "x-kong-upstream-status");

    @Inject
    @ConfigProperty(name = "gateway.headers", defaultValue = REQUEST_ID)
    String downstreamSetting;

    @Inject
    @ConfigProperty(name = "gateway.headers-upstream", defaultValue = REQUEST_ID)
    String upstreamSetting;

    /** Kong's {@code allow_debug_header} (off by default, as Kong's): a {@code Kong-Debug} request header names the route. */
    @Inject
    @ConfigProperty(name = "gateway.allow-debug-header", defaultValue = "false")
    boolean allowDebugHeader;

    private boolean requestIdDownstream;
    private boolean requestIdUpstream;

    @PostConstruct
    void parse() {
        requestIdDownstream = sendsRequestId("gateway.headers", downstreamSetting, NOT_SENT);
        requestIdUpstream = sendsRequestId("gateway.headers-upstream", upstreamSetting, Set.of());
    }

    /** Outside CDI (tests): Kong's {@code headers} and {@code headers_upstream} values. */
    public static KongHeaders of(String headers, String headersUpstream) {
        KongHeaders made = new KongHeaders();
        made.downstreamSetting = headers;
        made.upstreamSetting = headersUpstream;
        made.parse();
        return made;
    }

    /** Whether every response carries {@link #REQUEST_ID} (a backend's copy replaced). */
    public boolean requestIdDownstream() {
        return requestIdDownstream;
    }

    /**
     * Whether a request with a {@code Kong-Debug} header (any value, as nginx's
     * {@code $http_kong_debug}) gets {@code Kong-Route-Id}, {@code Kong-Route-Name},
     * {@code Kong-Service-Id} and {@code Kong-Service-Name} on its answer.
     */
    public boolean allowDebugHeader() {
        return allowDebugHeader;
    }

    /** Whether every upstream request carries {@link #REQUEST_ID} (a client's or a plugin's copy replaced). */
    public boolean requestIdUpstream() {
        return requestIdUpstream;
    }

    /**
     * Whether {@code value} (a comma list, or {@code off}) names the request id header; an entry
     * neither it nor {@code alsoKnown} fails, as Kong's {@code invalid entry}.
     */
    static boolean sendsRequestId(String setting, String value, Set<String> alsoKnown) {
        boolean requestId = false;
        boolean off = false;
        boolean ignored = false;
        boolean first = true;
        for (String entry : (value == null ? "" : value).split(",", -1)) {
            String token = entry.strip().toLowerCase(Locale.ROOT);
            if (token.isEmpty()) {
                continue;
            }
            if (token.equals("off")) {
                // Kong's conf loader: "off" counts only as the first entry, elsewhere it is ignored.
                off |= first;
            } else if (token.equals(REQUEST_ID_FOLDED)) {
                requestId = true;
            } else if (alsoKnown.contains(token)) {
                ignored = true;
            } else {
                throw new IllegalArgumentException(setting + ": invalid entry '" + entry.strip() + "'");
            }
            first = false;
        }
        if (ignored) {
            LOG.info(() -> setting + ": Kong's server and latency headers are not sent by this gateway");
        }
        return requestId && !off;
    }

    @Override
    public void passInstance(Consumer<? super KongHeaders> receiver) {
        receiver.accept(this);
    }
}
