package com.gitinsight.gateway.security;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwx.JsonWebStructure;

/**
 * Kong's jwt plugin checks, in Kong's order and with its messages: parse ({@code Bad token;
 * invalid JSON}, {@code invalid typ}, {@code invalid alg}), find the credential by the key claim
 * (payload, then JOSE header), require the credential's algorithm (so {@code none} and HS/RS
 * confusion fail), verify the signature (jose4j), then every claim of {@code claims_to_verify}
 * ({@code {"exp": "token expired", "nbf": "must be a number"}}: all that fail), then
 * {@code maximum_expiration}. Never throws: anything unexpected is a rejected token.
 */
final class KongJwtVerifier {

    /** Longer tokens are refused before parsing (a header line is rarely allowed more anyway). */
    static final int MAX_TOKEN_LENGTH = 16 * 1024;
    /**
     * Three dot-separated segments of base64url: Kong 3.5+'s parser decodes each with nginx's
     * {@code decode_base64url} (Kong/kong#11569), which refuses the standard alphabet's {@code +}
     * and {@code /} and reads up to a {@code =} (the signature still covers the segments exactly
     * as sent).
     */
    private static final java.util.regex.Pattern COMPACT =
            java.util.regex.Pattern.compile("[A-Za-z0-9_-]+=*\\.[A-Za-z0-9_-]+=*\\.[A-Za-z0-9_-]*=*");
    /** A signature segment Kong's base64_decode reads (anything else decodes to nil). */
    private static final java.util.regex.Pattern SIGNATURE = java.util.regex.Pattern.compile("[A-Za-z0-9_-]*=*");
    /** The algorithms Kong's jwt parser knows; any other {@code alg} is {@code Bad token; invalid alg}. */
    static final Set<String> ALGORITHMS = Set.of(
            "HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "PS256", "PS384", "PS512",
            "EdDSA");

    static final String INVALID_JSON = "Bad token; invalid JSON";

    sealed interface Result permits Verified, Rejected {}

    /**
     * {@code exp}/{@code nbf}: the token's, or null; kept so a cached verdict can be re-timed.
     * {@code keyClaimName}: the claim the credential was found by (routes may differ).
     * {@code subject}: the token's {@code sub} (a string), or null.
     */
    record Verified(Credentials.Credential credential, Double exp, Double nbf, String keyClaimName, String subject)
            implements Result {}

    /**
     * {@code claims} not empty: Kong's per-claim errors, the body without a {@code message}
     * ({@code {"exp": "token expired"}}); {@code message} is then the first of them.
     */
    record Rejected(String message, Map<String, String> claims) implements Result {
        Rejected {
            claims = Map.copyOf(claims);
        }

        Rejected(String message) {
            this(message, Map.of());
        }

        /** The per-claim errors in Kong's order (exp, then nbf). */
        Map<String, String> orderedClaims() {
            Map<String, String> out = new LinkedHashMap<>();
            // Kong's spec compares the body as {"nbf":...,"exp":...}.
            for (String claim : new String[] {"nbf", "exp"}) {
                if (claims.containsKey(claim)) {
                    out.put(claim, claims.get(claim));
                }
            }
            return out;
        }
    }

    private KongJwtVerifier() {}

    static Result verify(String token, JwtSchema.Config config, Credentials credentials, long nowSeconds) {
        try {
            return check(token, config, credentials, nowSeconds);
        } catch (RuntimeException e) {
            // Never an exception's class name to the client: a token jose4j could not read is malformed.
            return new Rejected(INVALID_JSON);
        }
    }

    /**
     * nginx's decode_base64url reads {@code text[from, to)} up to its first {@code =}, and refuses
     * a length of 4n+1 (jose4j would read one).
     */
    private static boolean decodable(String text, int from, int to) {
        int end = text.indexOf('=', from);
        int length = (end < 0 || end > to ? to : end) - from;
        return length % 4 != 1;
    }

    private static Result check(String token, JwtSchema.Config config, Credentials credentials, long now) {
        if (token.length() > MAX_TOKEN_LENGTH) {
            return new Rejected("Bad token; too large");
        }
        // Kong's tokenize(token, ".", 3): the third part is everything after the second dot; one
        // its base64 cannot read is "invalid signature", after the header's checks.
        int second = token.indexOf('.', token.indexOf('.') + 1);
        boolean readableSignature = second > 0
                && SIGNATURE.matcher(token.substring(second + 1)).matches()
                && decodable(token, second + 1, token.length());
        String parsed = second > 0 && !readableSignature ? token.substring(0, second + 1) : token;
        if (!COMPACT.matcher(parsed).matches()
                || !decodable(parsed, 0, parsed.indexOf('.'))
                || !decodable(parsed, parsed.indexOf('.') + 1, second)) {
            return new Rejected(INVALID_JSON);
        }
        JsonWebSignature jws;
        JwtClaims claims;
        try {
            JsonWebStructure structure = JsonWebStructure.fromCompactSerialization(parsed);
            if (!(structure instanceof JsonWebSignature signature)) {
                return new Rejected(INVALID_JSON);
            }
            jws = signature;
            claims = JwtClaims.parse(jws.getUnverifiedPayload());
        } catch (Exception e) {
            return new Rejected(INVALID_JSON);
        }
        // Kong's parser: an alg it does not know is a bad token; typ is not read (Kong/kong#4256).
        if (!(jws.getHeaders().getObjectHeaderValue("alg") instanceof String a) || !ALGORITHMS.contains(a)) {
            return new Rejected("Bad token; invalid alg");
        }
        if (!readableSignature) {
            return new Rejected("Bad token; invalid signature");
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
        if (credential.verificationKey() == null) {
            return new Rejected("Invalid key/secret"); // Kong: a secret_is_base64 secret that does not decode
        }
        try {
            jws.setAlgorithmConstraints(new AlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT, alg));
            jws.setKey(credential.verificationKey());
            // Kong accepts HMAC secrets shorter than the JWA minimum; the algorithm is pinned above.
            jws.setDoKeyValidation(false);
            // Kong reads no "crit" header: the names a token marks critical are not a refusal
            // (jose4j's would be "Invalid signature"; helper review 135).
            if (jws.getHeaders().getObjectHeaderValue("crit") instanceof java.util.List<?> crit) {
                jws.setKnownCriticalHeaders(crit.stream().map(String::valueOf).toArray(String[]::new));
            }
            if (!jws.verifySignature()) {
                return new Rejected("Invalid signature");
            }
        } catch (Exception e) {
            return new Rejected("Invalid signature");
        }
        return claims(claims, config, credential, now);
    }

    private static Result claims(
            JwtClaims claims, JwtSchema.Config config, Credentials.Credential credential, long now) {
        // A claim that is not a number counts as missing: "must be a number" where it is verified.
        // Any JSON number, as Kong's type(claim) == "number": a fraction is kept (jose4j's
        // NumericDate cuts it) and a value beyond a long is still a number (jose4j refuses it).
        Double exp = number(claims.getClaimValue("exp"));
        Double nbf = number(claims.getClaimValue("nbf"));
        Verified verified = new Verified(
                credential,
                exp,
                nbf,
                config.keyClaimName(),
                claims.getClaimValue("sub") instanceof String sub ? sub : null);
        Rejected late = times(verified, config, now);
        return late != null ? late : verified;
    }

    private static Double number(Object claim) {
        return claim instanceof Number n ? n.doubleValue() : null;
    }

    /**
     * Kong's time checks on a verified token (also for a verdict taken from the cache); null when
     * fine. As Kong: every verified claim first, each failing one named; only then
     * {@code maximum_expiration}.
     */
    static Rejected times(Verified v, JwtSchema.Config config, long now) {
        Map<String, String> errors = new LinkedHashMap<>();
        if (config.verifyExp()) {
            if (v.exp() == null) {
                errors.put("exp", "must be a number");
            } else if (now >= v.exp()) {
                errors.put("exp", "token expired");
            }
        }
        if (config.verifyNbf()) {
            if (v.nbf() == null) {
                errors.put("nbf", "must be a number");
            } else if (now < v.nbf()) {
                errors.put("nbf", "token not valid yet");
            }
        }
        if (!errors.isEmpty()) {
            return new Rejected(errors.values().iterator().next(), errors);
        }
        if (config.maximumExpiration() > 0 && (v.exp() == null || v.exp() - now > config.maximumExpiration())) {
            return new Rejected(
                    "exceeds maximum allowed expiration", Map.of("exp", "exceeds maximum allowed expiration"));
        }
        return null;
    }
}
