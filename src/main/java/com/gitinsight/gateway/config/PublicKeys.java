package com.gitinsight.gateway.config;

import org.jose4j.keys.EcKeyUtil;
import org.jose4j.keys.RsaKeyUtil;

/** Checks a consumer's PEM public key at load, so a bad one is a config error, not a silent 401 later. */
public final class PublicKeys {

    private PublicKeys() {}

    /** An EdDSA public key (Ed25519 or Ed448, Kong 3.7+) from its PEM: the JDK's own (Java 15+). */
    public static java.security.PublicKey eddsa(String pem) throws java.security.GeneralSecurityException {
        String body = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return java.security.KeyFactory.getInstance("EdDSA")
                .generatePublic(new java.security.spec.X509EncodedKeySpec(
                        java.util.Base64.getDecoder().decode(body)));
    }

    /** Why {@code pem} cannot verify {@code algorithm} tokens, or null when it can. */
    static String problem(String algorithm, String pem) {
        try {
            if (algorithm.startsWith("ES")) {
                new EcKeyUtil().fromPemEncoded(pem);
            } else if (algorithm.equals("EdDSA")) {
                eddsa(pem);
            } else {
                new RsaKeyUtil().fromPemEncoded(pem);
            }
            return null;
        } catch (Exception e) {
            String why = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
            // The key may come from a {vault://} reference: an error never shows the value itself.
            return why.contains(pem.strip()) ? e.getClass().getSimpleName() : why;
        }
    }
}
