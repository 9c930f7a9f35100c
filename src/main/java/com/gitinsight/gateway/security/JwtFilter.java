package com.gitinsight.gateway.security;

import com.gitinsight.gateway.config.GatewayConfig;
import com.gitinsight.gateway.proxy.ErrorResponses;
import com.gitinsight.gateway.runtime.PluginFilter;
import com.gitinsight.gateway.runtime.RequestContext;
import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.InvalidJwtException;

/**
 * Plugin {@code jwt}: finds the token (query, cookie, header, in Kong's order), verifies it
 * ({@link KongJwtVerifier}) and hands the consumer to the upstream as Kong's X-Consumer-* headers,
 * replacing any the client sent. Failures are 401 with {@code WWW-Authenticate}, or the
 * {@code anonymous} consumer when one is configured.
 */
public class JwtFilter extends PluginFilter<JwtPlugin.Config> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = Logger.getLogger(JwtFilter.class.getName());
    private static final String[] CONSUMER_HEADERS = {"X-Consumer-ID", "X-Consumer-Custom-ID", "X-Consumer-Username",
        "X-Credential-Identifier", "X-Anonymous-Consumer"};

    /** SSO verifiers by key source; they cache keys, so they outlive configurations. */
    private final transient Map<String, SsoVerifier> sso = new ConcurrentHashMap<>();

    /** Gateway-wide SSO defaults from the standard MicroProfile JWT properties, or null. */
    private transient JwtPlugin.Sso mpJwtDefaults;

    @Inject
    @ConfigProperty(name = "mp.jwt.verify.issuer")
    transient Optional<String> mpIssuer;

    @Inject
    @ConfigProperty(name = "mp.jwt.verify.publickey.location")
    transient Optional<String> mpKeyLocation;

    @Inject
    @ConfigProperty(name = "mp.jwt.verify.audiences")
    transient Optional<String> mpAudiences;

    @PostConstruct
    void readMicroProfileJwtDefaults() {
        String issuer = mpIssuer.orElse(null);
        String location = mpKeyLocation.filter(l -> l.startsWith("http://") || l.startsWith("https://")).orElse(null);
        if (issuer != null || location != null) {
            List<String> audiences = mpAudiences.map(a -> List.of(a.split("\\s*,\\s*"))).orElse(List.of());
            mpJwtDefaults = new JwtPlugin.Sso(issuer, location, audiences, JwtPlugin.ASYMMETRIC, 60, List.of(), List.of(),
                    null, "sub", 300, 10);
        }
    }

    /** Credentials of the running configuration, rebuilt when it changes. */
    private final transient AtomicReference<CredentialCache> cache = new AtomicReference<>();

    public JwtFilter() {
        super(JwtPlugin.NAME, JwtPlugin.Config.class);
    }

    /**
     * Credentials of one configuration, and the signatures already verified against them (by exact
     * token and base64 flag; bounded, one minute): a client resends the same token, and checking
     * an HMAC and parsing two JSON documents again each time was a third of the filter chain's CPU.
     * Time claims are re-checked on every hit; a reload starts a new cache.
     */
    private record CredentialCache(GatewayConfig config, Credentials plain, Credentials base64,
            Cache<String, KongJwtVerifier.Verified> verified) {
    }

    @Override
    protected void apply(JwtPlugin.Config config, RequestContext context, HttpServletRequest request,
            HttpServletResponse response, FilterChain chain) throws IOException, ServletException {
        if (!config.runOnPreflight() && "OPTIONS".equals(request.getMethod())) {
            chain.doFilter(request, response);
            return;
        }
        Credentials credentials = credentials(context.snapshot().config(), config.secretIsBase64());
        for (String h : CONSUMER_HEADERS) {
            context.upstreamHeader(h, null);
        }
        List<String> tokens = tokens(request, config);
        KongJwtVerifier.Result result;
        if (tokens.isEmpty()) {
            result = new KongJwtVerifier.Rejected("Unauthorized");
        } else if (tokens.stream().distinct().count() > 1) {
            result = new KongJwtVerifier.Rejected("Multiple tokens provided");
        } else {
            result = verify(tokens.get(0), config, System.currentTimeMillis() / 1000);
        }
        if (result instanceof KongJwtVerifier.Verified v) {
            identify(context, v.credential().consumer(), v.credential().key(), false);
            context.subject(v.subject(), tokens.get(0));
            chain.doFilter(request, response);
            return;
        }
        JwtPlugin.Sso settings = config.sso() != null ? config.sso() : mpJwtDefaults;
        if (settings != null && tokens.size() == 1 && notAKongCredential(result)) {
            if (sso(request, response, chain, context, credentials, settings, tokens.get(0), config.realm())) {
                return;
            }
            result = new KongJwtVerifier.Rejected("Unauthorized");
        }
        Credentials.Consumer anonymous = config.anonymous() == null ? null : credentials.consumer(config.anonymous());
        if (anonymous != null) {
            identify(context, anonymous, null, true);
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
            sb.append(" realm=\"").append(realm.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        }
        if (error != null) {
            sb.append(realm != null ? ", " : " ").append("error=\"").append(error).append('"');
        }
        return sb.toString();
    }

    /**
     * Kong found no credential for the token: it may be an SSO token (whose {@code typ} may be an
     * access token's, {@code at+jwt}, which Kong's parser refuses).
     */
    private static boolean notAKongCredential(KongJwtVerifier.Result result) {
        return result instanceof KongJwtVerifier.Rejected r && (r.message().startsWith("No credentials found")
                || r.message().startsWith("No mandatory") || r.message().equals(KongJwtVerifier.INVALID_TYP));
    }

    /**
     * Verifies an SSO token and, when valid, runs the rest of the chain as its principal (true).
     * False when the token is not valid for this provider; a 403 for missing scopes or roles is
     * written here (and true returned).
     */
    private boolean sso(HttpServletRequest request, HttpServletResponse response, FilterChain chain,
            RequestContext context, Credentials credentials, JwtPlugin.Sso settings, String token, String realm)
            throws IOException, ServletException {
        JwtClaims claims;
        try {
            claims = sso.computeIfAbsent(settings.keySource(), k -> new SsoVerifier(settings)).verify(token, settings);
        } catch (InvalidJwtException | IOException | RuntimeException e) {
            LOG.log(Level.FINE, "SSO token refused: {0}", e.getMessage());
            return false;
        }
        Set<String> scopes = SsoTokens.scopes(claims);
        Set<String> roles = SsoTokens.roles(claims, settings.rolesClaim());
        if (!scopes.containsAll(settings.requiredScopes()) || !roles.containsAll(settings.requiredRoles())) {
            ErrorResponses.write(request, response, 403, "Forbidden",
                    "WWW-Authenticate", challenge(realm, "insufficient_scope"));
            return true;
        }
        Object mapped = claims.getClaimValue(settings.consumerClaim());
        String name = mapped == null ? null : mapped.toString();
        Credentials.Consumer known = name == null ? null : credentials.consumer(name);
        Credentials.Consumer consumer = known != null ? known : new Credentials.Consumer(
                java.util.UUID.nameUUIDFromBytes(("sso:" + settings.keySource() + ":" + name).getBytes(StandardCharsets.UTF_8))
                        .toString(), name, null);
        String subject = claims.getClaimValue("sub") instanceof String s ? s : name;
        identify(context, consumer, subject, false);
        context.subject(claims.getClaimValue("sub") instanceof String sub ? sub : null, token);
        if (known == null) {
            context.consumerLabel("sso");
        }
        SsoPrincipal principal = new SsoPrincipal(claims, token, name == null ? subject : name, roles);
        chain.doFilter(new PrincipalRequest(request, principal), response);
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

    private static void identify(RequestContext context, Credentials.Consumer c, String credential, boolean anonymous) {
        context.consumer(c.id());
        context.consumerReference(c.username() != null ? c.username() : c.customId());
        context.consumerLabel(c.username() != null ? c.username() : c.id());
        context.upstreamHeader("X-Consumer-ID", c.id());
        context.upstreamHeader("X-Consumer-Custom-ID", c.customId());
        context.upstreamHeader("X-Consumer-Username", c.username());
        context.upstreamHeader("X-Credential-Identifier", credential);
        context.upstreamHeader("X-Anonymous-Consumer", anonymous ? "true" : null);
    }

    private CredentialCache cache(GatewayConfig config) {
        CredentialCache c = cache.get();
        if (c == null || c.config() != config) {
            c = new CredentialCache(config, Credentials.of(config, false), Credentials.of(config, true),
                    CacheBuilder.newBuilder().maximumSize(10_000).expireAfterWrite(Duration.ofMinutes(1)).build());
            cache.set(c);
        }
        return c;
    }

    private Credentials credentials(GatewayConfig config, boolean base64) {
        CredentialCache c = cache(config);
        return base64 ? c.base64() : c.plain();
    }

    private KongJwtVerifier.Result verify(String token, JwtPlugin.Config config, long now) {
        CredentialCache c = cache.get();
        // A token may be 16 KiB: long ones are kept by their hash, so 10,000 entries stay small.
        // Prefixed, so a short token can never equal the key of a long one's hash.
        String id = token.length() <= 256 ? "t:" + token
                : "h:" + com.google.common.hash.Hashing.sha256().hashString(token, java.nio.charset.StandardCharsets.UTF_8);
        String key = config.secretIsBase64() ? "b64:" + id : id;
        KongJwtVerifier.Verified known = c.verified().getIfPresent(key);
        if (known != null && config.keyClaimName().equals(known.keyClaimName())) {
            KongJwtVerifier.Rejected late = KongJwtVerifier.times(known, config, now);
            return late != null ? late : known;
        }
        KongJwtVerifier.Result result = KongJwtVerifier.verify(token, config,
                config.secretIsBase64() ? c.base64() : c.plain(), now);
        if (result instanceof KongJwtVerifier.Verified v) {
            c.verified().put(key, v);
        }
        return result;
    }

    /** Every token the request carries, in Kong's order: query, cookies, headers. */
    static List<String> tokens(HttpServletRequest request, JwtPlugin.Config config) {
        List<String> out = new ArrayList<>(1);
        String query = request.getQueryString();
        if (query != null && !config.uriParamNames().isEmpty()) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0 && config.uriParamNames().contains(decode(pair.substring(0, eq)))) {
                    out.add(decode(pair.substring(eq + 1)));
                }
            }
        }
        if (!config.cookieNames().isEmpty() && request.getCookies() != null) {
            for (Cookie c : request.getCookies()) {
                if (config.cookieNames().contains(c.getName())) {
                    out.add(c.getValue());
                }
            }
        }
        for (String name : config.headerNames()) {
            // Kong reads the first occurrence of each header (its spec: "finds the JWT in the first
            // header occurrence of a duplicated custom authorization header").
            String header = request.getHeader(name);
            String value = header == null ? "" : header.trim();
            if (value.length() > 7 && value.regionMatches(true, 0, "bearer ", 0, 7)) {
                out.add(value.substring(7).trim());
            } else if (!"authorization".equals(name) && !value.isEmpty()) {
                out.add(value);
            }
        }
        return out;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }

    private static void unauthorized(HttpServletRequest request, HttpServletResponse response, KongJwtVerifier.Rejected r,
            String challenge) throws IOException {
        // Kong's bodies: a claim check names each failing claim and has no message.
        if (r.claims().isEmpty()) {
            ErrorResponses.write(request, response, 401, r.message(), "WWW-Authenticate", challenge);
        } else {
            ErrorResponses.write(request, response, 401, r.orderedClaims(), "WWW-Authenticate", challenge);
        }
    }

}
