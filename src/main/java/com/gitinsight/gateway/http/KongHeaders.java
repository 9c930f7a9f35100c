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
 * lists whose default sends the request id, {@code X-Kong-Request-Id}, both ways (Kong 3.5+'s
 * defaults also name its server and latency tokens, which are read and not sent here: this gateway
 * sends no product or timing headers); {@code X-Kong-Upstream-Status} downstream when named; an
 * entry Kong does not know fails the start, naming it, as Kong's loader does.
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
            "x-kong-upstream-latency");

    /** Kong's {@code X-Kong-Upstream-Status}: the status the backend answered a proxied request with. */
    public static final String UPSTREAM_STATUS = "X-Kong-Upstream-Status";

    private static final String UPSTREAM_STATUS_FOLDED = "x-kong-upstream-status";

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
    private boolean upstreamStatusDownstream;

    @PostConstruct
    void parse() {
        Set<String> downstream =
                enabled("gateway.headers", downstreamSetting, Set.of(UPSTREAM_STATUS_FOLDED), NOT_SENT);
        requestIdDownstream = downstream.contains(REQUEST_ID_FOLDED);
        upstreamStatusDownstream = downstream.contains(UPSTREAM_STATUS_FOLDED);
        requestIdUpstream = enabled("gateway.headers-upstream", upstreamSetting, Set.of(), Set.of())
                .contains(REQUEST_ID_FOLDED);
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

    /**
     * Whether a proxied request's answer carries {@link #UPSTREAM_STATUS}, the status the backend
     * answered with (a backend's copy replaced), as Kong's {@code headers} entry
     * {@code X-Kong-Upstream-Status} asks (off by default, as Kong's).
     */
    public boolean upstreamStatusDownstream() {
        return upstreamStatusDownstream;
    }

    /** Whether every upstream request carries {@link #REQUEST_ID} (a client's or a plugin's copy replaced). */
    public boolean requestIdUpstream() {
        return requestIdUpstream;
    }

    /**
     * The entries of {@code value} (a comma list, or {@code off}) this gateway sends: the request id
     * header and those of {@code sent}, lower-case; none when {@code off} comes first. Those of
     * {@code notSent} are accepted and ignored; any other fails, as Kong's {@code invalid entry}.
     */
    static Set<String> enabled(String setting, String value, Set<String> sent, Set<String> notSent) {
        Set<String> named = new java.util.HashSet<>();
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
            } else if (token.equals(REQUEST_ID_FOLDED) || sent.contains(token)) {
                named.add(token);
            } else if (notSent.contains(token)) {
                ignored = true;
            } else {
                throw new IllegalArgumentException(setting + ": invalid entry '" + entry.strip() + "'");
            }
            first = false;
        }
        if (ignored) {
            LOG.info(() -> setting + ": Kong's server and latency headers are not sent by this gateway");
        }
        return off ? Set.of() : named;
    }

    @Override
    public void passInstance(Consumer<? super KongHeaders> receiver) {
        receiver.accept(this);
    }
}
