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
    @ConfigProperty(name = "gateway.real-ip-header", defaultValue = "X-Forwarded-For")
    String realIpHeader = "X-Forwarded-For";

    /** Kong's real_ip_recursive; on here by default (GitInsight's nginx), off in Kong's. */
    @Inject
    @ConfigProperty(name = "gateway.real-ip-recursive", defaultValue = "true")
    boolean realIpRecursive = true;

    private ClientAddress clients;

    @PostConstruct
    void parse() {
        clients = ClientAddress.of(trustedIps.orElse(""), realIpHeader, realIpRecursive);
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
