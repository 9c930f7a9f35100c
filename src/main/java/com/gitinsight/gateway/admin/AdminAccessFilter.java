package com.gitinsight.gateway.admin;

import com.gitinsight.gateway.proxy.ErrorResponses;
import com.gitinsight.gateway.security.Cidr;
import com.gitinsight.gateway.security.SsoTokens;
import com.gitinsight.gateway.security.TrustedProxies;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Guards {@code /_gateway/admin/*} and {@code /_gateway/console/*}: the client must be on an
 * allowed network (else 403), and every admin call but the login endpoints needs a bearer token:
 * the static admin token, or an SSO token with the admin role (else 401, or 403 without the role).
 */
public class AdminAccessFilter extends HttpFilter {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = Logger.getLogger(AdminAccessFilter.class.getName());
    private static final String CHALLENGE = "Bearer realm=\"gateway-admin\"";

    @Inject
    transient AdminSettings settings;

    @Inject
    transient TrustedProxies clients;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String client = clients.clientText(request);
        if (!Cidr.any(settings.allowed(), clients.client(request))) {
            ErrorResponses.write(request, response, 403, "The admin API is not available from this address");
            return;
        }
        response.setHeader("Cache-Control", "no-store");
        String path = request.getRequestURI().substring(request.getContextPath().length());
        if (path.startsWith("/_gateway/console") || path.startsWith("/_gateway/admin/login")) {
            chain.doFilter(request, response);
            return;
        }
        if (settings.adminToken() == null && settings.sso() == null) {
            ErrorResponses.write(request, response, 401,
                    "The admin API is closed: set GATEWAY_ADMIN_TOKEN or gateway.admin.oidc.issuer", "WWW-Authenticate", CHALLENGE);
            return;
        }
        String header = request.getHeader("Authorization");
        String token = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : null;
        if (token == null || token.isEmpty()) {
            ErrorResponses.write(request, response, 401, "Unauthorized", "WWW-Authenticate", CHALLENGE);
            return;
        }
        AdminIdentity identity = identify(token, client);
        if (identity == null) {
            ErrorResponses.write(request, response, 401, "Invalid admin credentials",
                    "WWW-Authenticate", CHALLENGE + ", error=\"invalid_token\"");
            return;
        }
        if (identity.method().equals("forbidden")) {
            ErrorResponses.write(request, response, 403, "The token lacks the role " + settings.role(),
                    "WWW-Authenticate", CHALLENGE + ", error=\"insufficient_scope\"");
            return;
        }
        request.setAttribute(AdminIdentity.ATTRIBUTE, identity);
        chain.doFilter(request, response);
    }

    /** The caller, a "forbidden" identity for a valid token without the role, or null. */
    private AdminIdentity identify(String token, String client) {
        String expected = settings.adminToken();
        if (expected != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                token.getBytes(StandardCharsets.UTF_8))) {
            return new AdminIdentity("admin-token", "token", client);
        }
        SsoTokens sso = settings.sso();
        if (sso == null || token.chars().filter(c -> c == '.').count() != 2) {
            return null;
        }
        try {
            SsoTokens.Identity id = sso.verify(token);
            return new AdminIdentity(id.name(), id.roles().contains(settings.role()) ? "sso" : "forbidden", client);
        } catch (Exception e) {
            LOG.log(Level.FINE, "admin SSO token refused: {0}", e.getMessage());
            return null;
        }
    }
}
