package com.gitinsight.gateway.security;

import com.gitinsight.gateway.proxy.ErrorResponses;
import com.gitinsight.gateway.runtime.RequestContext;
import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Plugin {@code ip-restriction}, judged on the client address ({@link ClientAddress}). */
public class IpRestrictionFilter extends HttpFilter {

    private static final long serialVersionUID = 1L;

    @Inject
    @ConfigProperty(name = "gateway.trusted-ips")
    transient Optional<String> trustedIps;

    private transient ClientAddress clients;

    @PostConstruct
    void readTrustedProxies() {
        clients = ClientAddress.of(trustedIps.orElse(""));
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        IpRestrictionPlugin.Config config = RequestContext.of(request)
                .plugin(IpRestrictionPlugin.NAME, IpRestrictionPlugin.Config.class);
        if (config != null && !config.permits(clients.of(request))) {
            ErrorResponses.write(response, config.status(), config.message());
            return;
        }
        chain.doFilter(request, response);
    }
}
