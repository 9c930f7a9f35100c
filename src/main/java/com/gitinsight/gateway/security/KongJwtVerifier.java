package com.gitinsight.gateway.security;

import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.NumericDate;
import org.jose4j.jwx.JsonWebStructure;

/**
 * Kong's jwt plugin checks, in Kong's order and with its messages: parse, find the credential by
 * the key claim (payload, then JOSE header), require the credential's algorithm (so {@code none}
 * and HS/RS confusion fail), verify the signature (jose4j), then {@code exp}/{@code nbf} and
 * {@code maximum_expiration}. Never throws: anything unexpected is a rejected token.
 */
final class KongJwtVerifier {

    /** Longer tokens are refused before parsing (a header line is rarely allowed more anyway). */
    static final int MAX_TOKEN_LENGTH = 16 * 1024;
    /** Compact JWS in base64url only (RFC 7515): other alphabets and padding are refused outright. */
    private static final java.util.regex.Pattern COMPACT = java.util.regex.Pattern.compile(
            "[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*");

    sealed interface Result permits Verified, Rejected {
    }

    /**
     * {@code exp}/{@code nbf}: the token's, or null; kept so a cached verdict can be re-timed.
     * {@code keyClaimName}: the claim the credential was found by (routes may differ).
     * {@code subject}: the token's {@code sub} (a string), or null.
     */
    record Verified(Credentials.Credential credential, Long exp, Long nbf, String keyClaimName, String subject)
            implements Result {
    }

    /** {@code claim} non-null: Kong's per-claim error ({"exp": "token expired"}). */
    record Rejected(String message, String claim) implements Result {
        Rejected(String message) {
            this(message, null);
        }
    }

    private KongJwtVerifier() {
    }

    static Result verify(String token, JwtPlugin.Config config, Credentials credentials, long nowSeconds) {
        try {
            return check(token, config, credentials, nowSeconds);
        } catch (RuntimeException e) {
            // Never an exception's class name to the client: a token jose4j could not read is malformed.
            return new Rejected("Bad token; invalid serialization or JSON");
        }
    }

    private static Result check(String token, JwtPlugin.Config config, Credentials credentials, long now) {
        if (token.length() > MAX_TOKEN_LENGTH) {
            return new Rejected("Bad token; too large");
        }
        if (!COMPACT.matcher(token).matches()) {
            return new Rejected("Bad token; invalid serialization or JSON");
        }
        JsonWebSignature jws;
        JwtClaims claims;
        try {
            JsonWebStructure structure = JsonWebStructure.fromCompactSerialization(token);
            if (!(structure instanceof JsonWebSignature signature)) {
                return new Rejected("Bad token; not a signed JWT");
            }
            jws = signature;
            claims = JwtClaims.parse(jws.getUnverifiedPayload());
        } catch (Exception e) {
            return new Rejected("Bad token; invalid serialization or JSON");
        }
        String keyName = config.keyClaimName();
        Object key = claims.getClaimValue(keyName);
        if (key == null) {
            key = jws.getHeaders().getObjectHeaderValue(keyName);
        }
        if (key == null) {
            return new Rejected("No mandatory '" + keyName + "' in claims");
        }
        if (!(key instanceof String keyValue) || keyValue.isEmpty()) {
            return new Rejected("Invalid '" + keyName + "' in claims");
        }
        Credentials.Credential credential = credentials.byKey(keyValue);
        if (credential == null) {
            return new Rejected("No credentials found for given '" + keyName + "'");
        }
        // The header is client JSON: alg may be a number or an object, which is no algorithm.
        Object algValue = jws.getHeaders().getObjectHeaderValue("alg");
        if (!(algValue instanceof String alg) || !alg.equals(credential.algorithm())) {
            return new Rejected("Invalid algorithm");
        }
        try {
            jws.setAlgorithmConstraints(new AlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT, alg));
            jws.setKey(credential.verificationKey());
            // Kong accepts HMAC secrets shorter than the JWA minimum; the algorithm is pinned above.
            jws.setDoKeyValidation(false);
            if (!jws.verifySignature()) {
                return new Rejected("Invalid signature");
            }
        } catch (Exception e) {
            return new Rejected("Invalid signature");
        }
        return claims(claims, config, credential, now);
    }

    private static Result claims(JwtClaims claims, JwtPlugin.Config config, Credentials.Credential credential, long now) {
        Long exp;
        Long nbf;
        try {
            NumericDate e = claims.getExpirationTime();
            exp = e == null ? null : e.getValue();
        } catch (MalformedClaimException e) {
            // Kong judges only the claims it was asked to verify; the error names the claim at fault.
            if (config.verifyExp()) {
                return new Rejected("must be a number", "exp");
            }
            exp = null;
        }
        try {
            NumericDate n = claims.getNotBefore();
            nbf = n == null ? null : n.getValue();
        } catch (MalformedClaimException e) {
            if (config.verifyNbf()) {
                return new Rejected("must be a number", "nbf");
            }
            nbf = null;
        }
        Verified verified = new Verified(credential, exp, nbf, config.keyClaimName(),
                claims.getClaimValue("sub") instanceof String sub ? sub : null);
        Rejected late = times(verified, config, now);
        return late != null ? late : verified;
    }

    /** Kong's time checks on a verified token (also for a verdict taken from the cache); null when fine. */
    static Rejected times(Verified v, JwtPlugin.Config config, long now) {
        if (config.verifyExp()) {
            if (v.exp() == null) {
                return new Rejected("must be a number", "exp");
            }
            if (now >= v.exp()) {
                return new Rejected("token expired", "exp");
            }
            if (config.maximumExpiration() > 0 && v.exp() - now > config.maximumExpiration()) {
                return new Rejected("exceeds maximum allowed expiration", "exp");
            }
        }
        if (config.verifyNbf()) {
            if (v.nbf() == null) {
                return new Rejected("must be a number", "nbf");
            }
            if (now < v.nbf()) {
                return new Rejected("token not valid yet", "nbf");
            }
        }
        return null;
    }
}
