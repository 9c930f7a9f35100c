package com.gitinsight.gateway.security;

import com.gitinsight.gateway.http.ErrorResponses;
import com.gitinsight.gateway.http.TrustedProxies;
import com.gitinsight.gateway.runtime.PluginFilter;
import com.gitinsight.gateway.runtime.RequestContext;
import com.gitinsight.gateway.runtime.Unproxied;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Plugin {@code ip-restriction}, judged on the client address ({@link ClientAddress}); a refusal
 * is Kong's: {@code status} with {@code message}, by default {@code IP address not allowed: <address>}.
 */
public class IpRestrictionFilter extends PluginFilter<IpRestrictionSchema.Config> {

    private static final long serialVersionUID = 1L;

    @Inject
    transient TrustedProxies clients;

    public IpRestrictionFilter() {
        super(IpRestrictionSchema.NAME, IpRestrictionSchema.Config.class);
    }

    /** The injected beans' instances themselves: no client-proxy hop per request (see Unproxied). */
    @Override
    public void init() {
        clients = Unproxied.instance(clients);
    }

    @Override
    protected void apply(
            IpRestrictionSchema.Config config,
            RequestContext context,
            HttpServletRequest request,
            HttpServletResponse response,
            FilterChain chain)
            throws IOException, ServletException {
        if (!config.permits(clients.client(request))) {
            String message = config.message() != null
                    ? config.message()
                    : "IP address not allowed: " + clients.clientText(request);
            ErrorResponses.write(request, response, config.status(), message);
            return;
        }
        chain.doFilter(request, response);
    }
}
