package com.gitinsight.gateway.http;

import com.gitinsight.gateway.runtime.Unproxied;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import java.net.InetAddress;
import java.util.Optional;
import java.util.function.Consumer;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** The gateway's {@link ClientAddress} from {@code gateway.trusted-ips}, for every filter that needs the client. */
@ApplicationScoped
public class TrustedProxies implements Unproxied<TrustedProxies> {

    @Inject
    @ConfigProperty(name = "gateway.trusted-ips")
    Optional<String> trustedIps;

    /** Kong's real_ip_header; X-Forwarded-For here by default (GitInsight's nginx), X-Real-IP in Kong's. */
    @Inject
    @ConfigProperty(name = "gateway.real-ip-header")
    Optional<String> realIpHeaderSetting = Optional.empty();

    /** Kong's real_ip_recursive; on here by default (GitInsight's nginx), off in Kong's. */
    @Inject
    @ConfigProperty(name = "gateway.real-ip-recursive")
    Optional<Boolean> realIpRecursiveSetting = Optional.empty();

    private ClientAddress clients;
    private String realIpHeader;

    @PostConstruct
    void parse() {
        Settings s = Settings.resolve(trustedIps, realIpHeaderSetting, realIpRecursiveSetting, System::getenv);
        realIpHeader = s.realIpHeader();
        clients = ClientAddress.of(s.trustedIps(), s.realIpHeader(), s.realIpRecursive());
    }

    /**
     * What the gateway trusts: its own settings, else Kong's environment ({@code KONG_TRUSTED_IPS},
     * {@code KONG_REAL_IP_HEADER}, {@code KONG_REAL_IP_RECURSIVE}: a migrated deployment's load
     * balancer would otherwise be taken for every client, past an ip-restriction deny list; helper
     * review 253). Trusted from {@code KONG_TRUSTED_IPS}, the defaults are Kong's (X-Real-IP, not
     * recursive); else GitInsight's nginx's (X-Forwarded-For, recursive).
     */
    record Settings(String trustedIps, String realIpHeader, boolean realIpRecursive) {

        private static final java.util.logging.Logger LOG =
                java.util.logging.Logger.getLogger(TrustedProxies.class.getName());

        /**
         * The gateway's settings when {@code gateway.trusted-ips} is set (Kong's variables are then
         * not read at all: a leftover {@code KONG_REAL_IP_HEADER} would name a header a client
         * sets); else Kong's three together when {@code KONG_TRUSTED_IPS} is set and usable.
         */
        static Settings resolve(
                Optional<String> ips,
                Optional<String> header,
                Optional<Boolean> recursive,
                java.util.function.Function<String, String> env) {
            String kongIps = ips.isPresent() ? null : usable(env.apply("KONG_TRUSTED_IPS"));
            String kongHeader = env.apply("KONG_REAL_IP_HEADER");
            if (kongIps != null && kongHeader != null && kongHeader.trim().equalsIgnoreCase("proxy_protocol")) {
                // The PROXY protocol is not read here: trusting Kong's list with another header would
                // believe a header the balancer never sets. Nothing is trusted instead.
                LOG.warning("KONG_TRUSTED_IPS is not used: KONG_REAL_IP_HEADER is proxy_protocol, which this"
                        + " gateway does not read; set gateway.trusted-ips and gateway.real-ip-header");
                kongIps = null;
            }
            if (kongIps == null) {
                return new Settings(ips.orElse(""), header.orElse("X-Forwarded-For"), recursive.orElse(true));
            }
            String kongRecursive = env.apply("KONG_REAL_IP_RECURSIVE");
            return new Settings(
                    kongIps,
                    header.orElse(kongHeader != null && !kongHeader.isBlank() ? kongHeader.trim() : "X-Real-IP"),
                    recursive.orElse(
                            kongRecursive != null && kongRecursive.trim().equalsIgnoreCase("on")));
        }

        /** Kong's list without its {@code unix:} entry (no socket here), or null when nothing is left. */
        private static String usable(String kongIps) {
            if (kongIps == null || kongIps.isBlank()) {
                return null;
            }
            String kept = java.util.Arrays.stream(kongIps.split(","))
                    .map(String::trim)
                    .filter(e -> !e.isEmpty() && !e.equalsIgnoreCase("unix:"))
                    .collect(java.util.stream.Collectors.joining(","));
            return kept.isEmpty() ? null : kept;
        }
    }

    /** Outside CDI (tests, tools): the proxies of a comma-separated list of addresses and CIDRs. */
    public static TrustedProxies of(String trustedList) {
        TrustedProxies proxies = new TrustedProxies();
        proxies.trustedIps = Optional.ofNullable(trustedList);
        proxies.parse();
        return proxies;
    }

    /** The client, or null when a trusted proxy named it unreadably (it is on no allow list). */
    public InetAddress client(HttpServletRequest request) {
        return clients.of(request);
    }

    /**
     * The address an allow list may admit (the admin API's, the observers'): the client, or null
     * when an untrusted peer forwarded the request (it carries forwarding headers): behind a load
     * balancer missing from {@code gateway.trusted-ips}, every client would otherwise be the
     * balancer's private address, inside the default private ranges.
     */
    public InetAddress listedClient(HttpServletRequest request) {
        if (!clients.trustsPeer(request) && forwarded(request)) {
            return null;
        }
        return clients.of(request);
    }

    /** Whether the request carries a header a proxy adds to name its client. */
    public boolean forwarded(HttpServletRequest request) {
        return request.getHeader("X-Forwarded-For") != null
                || request.getHeader("Forwarded") != null
                || request.getHeader("X-Real-IP") != null
                || request.getHeader(realIpHeader) != null;
    }

    /** The client address as text (no parsing when no proxy is trusted): for counting keys. */
    public String clientText(HttpServletRequest request) {
        return clients.text(request);
    }

    /** Whether the socket peer is a trusted proxy (its forwarding headers are believed). */
    public boolean trustsPeer(HttpServletRequest request) {
        return clients.trustsPeer(request);
    }

    @Override
    public void passInstance(Consumer<? super TrustedProxies> receiver) {
        receiver.accept(this);
    }
}
