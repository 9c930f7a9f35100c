package com.gitinsight.gateway.security;

import com.gitinsight.gateway.http.ErrorResponses;
import com.gitinsight.gateway.runtime.PluginFilter;
import com.gitinsight.gateway.runtime.RequestContext;
import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;

/**
 * Plugin {@code jwt}: finds the token (query, cookie, header, in Kong's order: {@link TokenSources}),
 * verifies it ({@link KongJwtVerifier}, results cached by {@link CredentialCache}) or, when no Kong
 * credential knows it, as an SSO token ({@link SsoLogin}, with {@link MpJwtDefaults} where the plugin
 * configures no SSO), and hands the consumer to the upstream as Kong's X-Consumer-* headers,
 * replacing any the client sent. Failures are 401 with {@code WWW-Authenticate}, or the
 * {@code anonymous} consumer when one is configured.
 */
public class JwtFilter extends PluginFilter<JwtSchema.Config> {

    private static final long serialVersionUID = 1L;

    /** Credentials of the running configuration and the tokens verified against them. */
    private final transient CredentialCache credentialCache = new CredentialCache();

    private final transient SsoLogin sso;

    @Inject
    transient MpJwtDefaults mpJwt;

    /** Gateway-wide SSO defaults from the standard MicroProfile JWT properties, or null. */
    private transient JwtSchema.Sso mpJwtDefaults;

    @PostConstruct
    void readMicroProfileJwtDefaults() {
        mpJwtDefaults = mpJwt.sso();
    }

    public JwtFilter() {
        this(new SsoLogin());
    }

    /** {@code sso}: how SSO tokens are verified (tests give a provider of their own). */
    JwtFilter(SsoLogin sso) {
        super(JwtSchema.NAME, JwtSchema.Config.class);
        this.sso = sso;
    }

    @Override
    protected void apply(
            JwtSchema.Config config,
            RequestContext context,
            HttpServletRequest request,
            HttpServletResponse response,
            FilterChain chain)
            throws IOException, ServletException {
        if (!config.runOnPreflight() && "OPTIONS".equals(request.getMethod())) {
            chain.doFilter(request, response);
            return;
        }
        if (config.anonymous() != null && context.credentialAuthenticated()) {
            // Kong's logical OR: an earlier auth plugin has authenticated the request.
            chain.doFilter(request, response);
            return;
        }
        Credentials credentials = credentialCache.credentials(context.snapshot().config(), config.secretIsBase64());
        ConsumerIdentity.clear(context);
        List<String> tokens = TokenSources.tokens(request, config);
        if (!tokens.isEmpty()) {
            // Wherever the token was, no log record shows it.
            context.credentialNames(config.uriParamNames(), config.headerNames());
        }
        KongJwtVerifier.Result result;
        if (tokens.isEmpty()) {
            result = new KongJwtVerifier.Rejected("Unauthorized");
        } else if (tokens.stream().distinct().count() > 1) {
            result = new KongJwtVerifier.Rejected("Multiple tokens provided");
        } else if (TokenSources.isBareFlag(tokens.get(0))) {
            // Kong's get_query makes ?jwt (no '=') the value true: not a string, "Unrecognizable token".
            result = new KongJwtVerifier.Rejected("Unrecognizable token");
        } else {
            result = credentialCache.verify(
                    tokens.get(0), config, context.snapshot().config(), System.currentTimeMillis() / 1000);
        }
        if (result instanceof KongJwtVerifier.Verified v) {
            ConsumerIdentity.identify(
                    context,
                    v.credential().consumer(),
                    v.credential().key(),
                    v.credential().id(),
                    false);
            // A sub is one user within its issuer only: two credentials of one consumer (two
            // issuers) may each have a user 123 (helper review 190).
            context.subject(
                    v.subject() == null || v.subject().isEmpty()
                            ? null
                            : v.credential().key() + "\n" + v.subject(),
                    tokens.get(0));
            if (TokenSources.isAuthorizationBearer(request, tokens.get(0))) {
                context.markAuthorizationVerified();
            }
            // Every place it looks held this one token (two different ones are refused).
            context.credentialVerifiedFrom(config.uriParamNames(), config.headerNames());
            chain.doFilter(request, response);
            return;
        }
        JwtSchema.Sso settings = config.sso() != null ? config.sso() : mpJwtDefaults;
        if (settings != null && tokens.stream().distinct().count() == 1 && notAKongCredential(result)) {
            if (sso(request, response, chain, context, credentials, settings, tokens.get(0), config.realm())) {
                return;
            }
            result = new KongJwtVerifier.Rejected("Unauthorized");
        }
        Credentials.Consumer anonymous = config.anonymous() == null ? null : credentials.anonymous(config.anonymous());
        if (config.anonymous() != null && anonymous == null) {
            // Kong: an anonymous consumer that is configured but does not exist is an error.
            ErrorResponses.write(request, response, 500, KeyAuthFilter.UNEXPECTED);
            return;
        }
        if (anonymous != null) {
            ConsumerIdentity.identify(context, anonymous, null, true);
            chain.doFilter(request, response);
            return;
        }
        KongJwtVerifier.Rejected r = (KongJwtVerifier.Rejected) result;
        unauthorized(request, response, r, challenge(config.realm(), tokens.isEmpty() ? null : "invalid_token"));
    }

    /** RFC 6750's challenge: {@code Bearer}, the plugin's {@code realm} when set, and the error when there is one. */
    static String challenge(String realm, String error) {
        StringBuilder sb = new StringBuilder("Bearer");
        if (realm != null) {
            sb.append(" realm=\"")
                    .append(realm.replace("\\", "\\\\").replace("\"", "\\\""))
                    .append('"');
        }
        if (error != null) {
            // Kong's www_authenticate_base .. ' error="invalid_token"': a blank, no comma, realm or not.
            sb.append(" ").append("error=\"").append(error).append('"');
        }
        return sb.toString();
    }

    /** Kong found no credential for the token: it may be an SSO token. */
    private static boolean notAKongCredential(KongJwtVerifier.Result result) {
        return result instanceof KongJwtVerifier.Rejected r
                && (r.message().startsWith("No credentials found")
                        || r.message().startsWith("No mandatory"));
    }

    /**
     * Verifies an SSO token and, when valid, runs the rest of the chain as its principal (true).
     * False when the token is not valid for this provider; a 403 for missing scopes or roles is
     * written here (and true returned).
     */
    private boolean sso(
            HttpServletRequest request,
            HttpServletResponse response,
            FilterChain chain,
            RequestContext context,
            Credentials credentials,
            JwtSchema.Sso settings,
            String token,
            String realm)
            throws IOException, ServletException {
        SsoLogin.Login login = sso.login(token, settings, credentials); // JWKS fetches included
        if (login == null) {
            return false;
        }
        if (!login.allowed()) {
            ErrorResponses.write(
                    request, response, 403, "Forbidden", "WWW-Authenticate", challenge(realm, "insufficient_scope"));
            return true;
        }
        ConsumerIdentity.identify(context, login.consumer(), login.subject(), false);
        context.authenticatedGroups(login.principal().sortedRoles());
        context.subject(login.sub(), token);
        if (TokenSources.isAuthorizationBearer(request, token)) {
            context.markAuthorizationVerified();
        }
        if (!login.known()) {
            context.consumerLabel("sso");
            // A made-up consumer has no plugins of its own: its name must not pick up those of a
            // configured consumer known by that custom_id (or any reference of the same spelling).
            context.consumerReference(null);
        }
        chain.doFilter(new PrincipalRequest(request, login.principal()), response);
        return true;
    }

    /** The request as JAX-RS sees it behind this filter: with the SSO principal and its roles. */
    static final class PrincipalRequest extends HttpServletRequestWrapper {
        private final SsoPrincipal principal;

        PrincipalRequest(HttpServletRequest request, SsoPrincipal principal) {
            super(request);
            this.principal = principal;
        }

        @Override
        public java.security.Principal getUserPrincipal() {
            return principal;
        }

        @Override
        public boolean isUserInRole(String role) {
            return principal.roles().contains(role);
        }

        @Override
        public String getAuthType() {
            return "MP-JWT";
        }
    }

    private static void unauthorized(
            HttpServletRequest request, HttpServletResponse response, KongJwtVerifier.Rejected r, String challenge)
            throws IOException {
        // Kong's bodies: a claim check names each failing claim and has no message.
        if (r.claims().isEmpty()) {
            // Kong's jwt answers with kong.response.exit and a table: JSON whatever Accept says.
            ErrorResponses.write(
                    request, response, 401, java.util.Map.of("message", r.message()), "WWW-Authenticate", challenge);
        } else {
            ErrorResponses.write(request, response, 401, r.orderedClaims(), "WWW-Authenticate", challenge);
        }
    }
}
