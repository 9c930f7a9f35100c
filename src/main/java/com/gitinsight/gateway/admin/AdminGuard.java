package com.gitinsight.gateway.admin;

import com.gitinsight.gateway.http.Cidr;
import com.gitinsight.gateway.http.ErrorResponses;
import com.gitinsight.gateway.http.LimitedInputStream;
import com.gitinsight.gateway.http.TrustedProxies;
import com.gitinsight.gateway.runtime.RequestContext;
import com.gitinsight.gateway.security.SsoTokens;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Guards the admin API, its login and the console where JAX-RS dispatches them (bound by
 * {@link AdminOnly}), not by URL pattern, so no spelling of a path reaches a resource around it:
 * the client must be on an allowed network (else 403), and every resource but the login and the
 * console's files needs a bearer token: the static admin token, or an SSO token with the admin
 * role (else 401, or 403 without the role). Bodies are bounded before they are read (413).
 */
@AdminOnly
@Provider
@Priority(Priorities.AUTHENTICATION)
@ApplicationScoped
public class AdminGuard implements ContainerRequestFilter, ContainerResponseFilter {

    private static final Logger LOG = Logger.getLogger(AdminGuard.class.getName());
    private static final String CHALLENGE = "Bearer realm=\"gateway-admin\"";
    /** A whole declarative file fits; anything larger is not a configuration. */
    static final long MAX_ADMIN_BODY = 4L << 20;
    /** A login carries a code, a verifier and a redirect URI. */
    static final long MAX_LOGIN_BODY = 16L << 10;

    @Inject
    AdminSettings settings;

    @Inject
    TrustedProxies clients;

    @Context
    HttpServletRequest request;

    private final RefusedCredentials refused = new RefusedCredentials();

    @Context
    ResourceInfo resource;

    @Override
    public void filter(ContainerRequestContext call) throws IOException {
        if (!Cidr.any(settings.allowed(), clients.listedClient(request))) {
            call.abortWith(refusal(
                    403,
                    clients.forwarded(request) && !clients.trustsPeer(request)
                            ? "The admin API is not available from this address (the request came through a proxy"
                                    + " the gateway does not trust: list it in gateway.trusted-ips)"
                            : "The admin API is not available from this address"));
            return;
        }
        Class<?> target = resource.getResourceClass();
        long maxBody = target == LoginResource.class ? MAX_LOGIN_BODY : MAX_ADMIN_BODY;
        if (call.getLength() > maxBody) {
            call.abortWith(refusal(413, "The request body is larger than " + maxBody + " bytes"));
            return;
        }
        // A chunked body has no length to check: it is cut at the bound (413, ErrorMapper).
        call.setEntityStream(new LimitedInputStream(call.getEntityStream(), maxBody));
        if (target == LoginResource.class || target == ConsoleResource.class) {
            return;
        }
        if (settings.adminToken() == null && settings.sso() == null) {
            call.abortWith(refusal(
                    401,
                    "The admin API is closed: set GATEWAY_ADMIN_TOKEN or gateway.admin.oidc.issuer",
                    "WWW-Authenticate",
                    CHALLENGE));
            return;
        }
        String header = call.getHeaderString("Authorization");
        String token = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
                ? header.substring(7).trim()
                : null;
        if (token == null || token.isEmpty()) {
            call.abortWith(refusal(401, "Unauthorized", "WWW-Authenticate", CHALLENGE));
            return;
        }
        String client = clients.clientText(request);
        // The static token still opens during a block (an admin sharing the address with a guesser,
        // a script with an expired SSO token, must not be locked out; helper review 200), for a
        // bounded number of tries (review 250): compared in constant time, nothing else looked at.
        if (refused.blocked(client) && !refused.admitsWhileBlocked(client, () -> staticToken(token))) {
            call.abortWith(refusal(
                    429,
                    "Too many wrong admin credentials from this address; try again later",
                    "Retry-After",
                    Long.toString(RefusedCredentials.WINDOW.toSeconds())));
            return;
        }
        AdminIdentity identity = identify(token, client);
        if (identity == null) {
            refused.refused(client);
            call.abortWith(refusal(
                    401, "Invalid admin credentials", "WWW-Authenticate", CHALLENGE + ", error=\"invalid_token\""));
            return;
        }
        if (identity.method().equals("forbidden")) {
            call.abortWith(refusal(
                    403,
                    "The token lacks the role " + settings.role(),
                    "WWW-Authenticate",
                    CHALLENGE + ", error=\"insufficient_scope\""));
            return;
        }
        request.setAttribute(AdminIdentity.ATTRIBUTE, identity);
    }

    @Override
    public void filter(ContainerRequestContext call, ContainerResponseContext response) {
        response.getHeaders().putSingle("Cache-Control", "no-store");
    }

    private Response refusal(int status, String message, String... headers) {
        Response.ResponseBuilder out =
                Response.fromResponse(ErrorResponses.json(RequestContext.of(request), status, message));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            out.header(headers[i], headers[i + 1]);
        }
        return out.build();
    }

    private boolean staticToken(String token) {
        String expected = settings.adminToken();
        return expected != null
                && MessageDigest.isEqual(
                        expected.getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8));
    }

    /** The caller, a "forbidden" identity for a valid token without the role, or null. */
    private AdminIdentity identify(String token, String client) {
        if (staticToken(token)) {
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
