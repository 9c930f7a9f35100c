package com.gitinsight.gateway.http;

import java.util.Set;

/**
 * The request headers no log record or span shows, whichever plugin reads them: Kong's two
 * ({@code Authorization}, {@code Proxy-Authorization}) and the cookies (users' sessions).
 */
public final class SecretHeaders {

    private static final Set<String> SECRET = Set.of("authorization", "proxy-authorization", "cookie");

    private SecretHeaders() {}

    /** Whether a name, folded as a backend folds it (lower case, {@code _} as {@code -}), is secret. */
    public static boolean isSecret(String folded) {
        return SECRET.contains(folded);
    }

    /** Whether a name as written is secret, under any case or {@code _} spelling. */
    public static boolean isSecretName(String name) {
        return isSecret(IdentityHeaders.fold(name));
    }
}
