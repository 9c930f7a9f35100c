package com.gitinsight.gateway.security;

import com.gitinsight.gateway.proxy.ErrorResponses;
import com.gitinsight.gateway.runtime.RequestContext;
import com.gitinsight.gateway.runtime.Unproxied;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** Plugin {@code ip-restriction}, judged on the client address ({@link ClientAddress}). */
public class IpRestrictionFilter extends HttpFilter {

    private static final long serialVersionUID = 1L;

    @Inject
    transient TrustedProxies clients;

    /** The injected beans' instances themselves: no client-proxy hop per request (see Unproxied). */
    @Override
    public void init() {
        clients = Unproxied.instance(clients);
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        IpRestrictionPlugin.Config config = RequestContext.of(request)
                .plugin(IpRestrictionPlugin.NAME, IpRestrictionPlugin.Config.class);
        if (config != null && !config.permits(clients.client(request))) {
            ErrorResponses.write(request, response, config.status(), config.message());
            return;
        }
        chain.doFilter(request, response);
    }
}
