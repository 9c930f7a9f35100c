package com.gitinsight.gateway.observability;

import com.gitinsight.gateway.http.Cidr;
import com.gitinsight.gateway.http.TrustedProxies;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Who may see the gateway's insides (metrics, targets with their internal addresses, breakers,
 * the configuration's path and errors): clients in {@code gateway.metrics.allow}, loopback and
 * the private ranges by default, unless a proxy the gateway does not trust forwarded the request.
 * Everyone else gets a bare up/ready answer at most.
 */
@ApplicationScoped
public class Observers {

    @Inject
    TrustedProxies clients;

    @Inject
    @ConfigProperty(
            name = "gateway.metrics.allow",
            defaultValue = "127.0.0.0/8,::1,10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,fc00::/7")
    String allow;

    private List<Cidr> allowed;

    @PostConstruct
    void start() {
        allowed = Cidr.parseList(allow);
    }

    public boolean mayObserve(HttpServletRequest request) {
        // A request an untrusted proxy forwarded has the proxy's address: not an observer.
        return Cidr.any(allowed, clients.listedClient(request));
    }
}
