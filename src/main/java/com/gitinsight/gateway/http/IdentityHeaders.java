package com.gitinsight.gateway.http;

import java.util.Locale;
import java.util.Set;

/**
 * The identity headers only the gateway may set (a client's copy never reaches a backend nor a log
 * record), and the folded form a backend may read a header name in.
 */
public final class IdentityHeaders {

    /**
     * Identity headers: Kong's, and those other authenticating proxies set that backends commonly
     * trust (Kong's OIDC plugin, oauth2-proxy, Apache and Grafana's auth proxy, Authelia's
     * {@code Remote-*}, Kubernetes' request-header authentication {@code X-Remote-*}, Google IAP,
     * AWS ALB's OIDC, Azure App Service, Cloudflare Access, Pomerium, authentik, Vouch, Louketo).
     * Never from a client.
     */
    private static final String[] IDENTITY_PREFIXES = {
        "x-consumer-",
        "x-credential-",
        "x-authenticated-",
        "x-auth-request-",
        "x-forwarded-user",
        "x-forwarded-email",
        "x-forwarded-groups",
        "x-forwarded-preferred-username",
        "x-forwarded-access-token",
        "remote-",
        "x-remote-",
        "x-goog-authenticated-user-",
        "x-goog-iap-jwt-assertion",
        "x-amzn-oidc-",
        "x-ms-client-principal",
        "x-ms-token-",
        "cf-access-",
        "x-pomerium-",
        "x-authentik-",
        "x-vouch-",
        "x-webauth-"
    };

    private static final Set<String> IDENTITY = Set.of(
            "x-anonymous-consumer",
            "x-userinfo",
            "x-access-token",
            "x-id-token",
            // Louketo/Gatekeeper's (not X-Auth-Token, which clients send as their own credential).
            "x-auth-username",
            "x-auth-userid",
            "x-auth-subject",
            "x-auth-email",
            "x-auth-roles",
            "x-auth-groups");

    private IdentityHeaders() {}

    /** Lower case with {@code _} as {@code -}: the name a folding backend reads. */
    public static String fold(String name) {
        return name.toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Whether {@code name}, folded as {@link #fold} does, is {@code folded}; without a copy. */
    public static boolean foldsTo(String name, String folded) {
        if (name.length() != folded.length()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            char f = c == '_' ? '-' : c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
            if (f != folded.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Whether a folded name is one of the identity headers. */
    public static boolean isIdentity(String folded) {
        if (IDENTITY.contains(folded)) {
            return true;
        }
        for (String prefix : IDENTITY_PREFIXES) {
            if (folded.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }
}
