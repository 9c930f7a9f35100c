package com.gitinsight.gateway.it;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.keys.HmacKey;
import org.jose4j.lang.JoseException;

/** The integration tests' HS256 tokens, signed with jose4j (as Kong's consumers' secrets sign them). */
final class Tokens {

    private Tokens() {}

    /** A compact HS256 JWT of {@code claims} (JSON) signed with {@code secret}; short secrets allowed, as in Kong. */
    static String hs256(String secret, String claims) {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims);
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.HMAC_SHA256);
        jws.setHeader("typ", "JWT");
        jws.setKey(new HmacKey(secret.getBytes(StandardCharsets.UTF_8)));
        jws.setDoKeyValidation(false);
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A token whose {@code claim} names the credential {@code key}, valid for {@code seconds}. */
    static String hs256(String claim, String key, String secret, long seconds) {
        return hs256(
                secret,
                "{\"" + claim + "\":\"" + key + "\",\"exp\":" + (System.currentTimeMillis() / 1000 + seconds) + "}");
    }

    /** A token with a header the test writes itself (a forged or malformed one), signed with {@code secret}. */
    static String withHeader(String header, String claims, String secret) throws Exception {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String input = b64.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return input + "." + b64.encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
    }
}
