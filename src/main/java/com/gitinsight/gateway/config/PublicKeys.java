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

    /**
     * An RSA public key from its PEM, or the public half of a PKCS#8 private key's ({@code BEGIN
     * PRIVATE KEY}): Kong checks {@code rsa_public_key} with OpenSSL's {@code pkey.new}, which loads
     * a private key too, and verifies with it (helper review 191: such files were refused here).
     */
    public static java.security.interfaces.RSAPublicKey rsa(String pem) throws java.security.GeneralSecurityException {
        if (!pem.contains("-----BEGIN PRIVATE KEY-----")) {
            try {
                return (java.security.interfaces.RSAPublicKey) new RsaKeyUtil().fromPemEncoded(pem);
            } catch (org.jose4j.lang.JoseException e) {
                throw new java.security.spec.InvalidKeySpecException(e.getMessage(), e);
            }
        }
        String body = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        java.security.KeyFactory rsa = java.security.KeyFactory.getInstance("RSA");
        java.security.PrivateKey key = rsa.generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(
                java.util.Base64.getDecoder().decode(body)));
        if (!(key instanceof java.security.interfaces.RSAPrivateCrtKey crt)) {
            throw new java.security.spec.InvalidKeySpecException("not an RSA private key with its public exponent");
        }
        return (java.security.interfaces.RSAPublicKey)
                rsa.generatePublic(new java.security.spec.RSAPublicKeySpec(crt.getModulus(), crt.getPublicExponent()));
    }

    /** Why {@code pem} cannot verify {@code algorithm} tokens, or null when it can. */
    static String problem(String algorithm, String pem) {
        try {
            if (algorithm.startsWith("ES")) {
                new EcKeyUtil().fromPemEncoded(pem);
            } else if (algorithm.equals("EdDSA")) {
                eddsa(pem);
            } else {
                rsa(pem);
            }
            return null;
        } catch (Exception e) {
            String why = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
            // The key may come from a {vault://} reference: an error never shows the value itself.
            return why.contains(pem.strip()) ? e.getClass().getSimpleName() : why;
        }
    }
}
