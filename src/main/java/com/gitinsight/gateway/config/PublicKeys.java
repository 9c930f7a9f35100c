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
        java.security.KeyFactory rsa = java.security.KeyFactory.getInstance("RSA");
        if (pem.contains("-----BEGIN RSA PUBLIC KEY-----")) {
            // PKCS#1 (openssl rsa -RSAPublicKey_out), which OpenSSL's pkey.new loads for Kong: the
            // same key in the X.509 structure the JDK reads (helper review 291: refused at load).
            return (java.security.interfaces.RSAPublicKey) rsa.generatePublic(new java.security.spec.X509EncodedKeySpec(
                    der(0x30, RSA_ALGORITHM, der(0x03, new byte[] {0}, base64Body(pem)))));
        }
        if (!pem.contains("-----BEGIN PRIVATE KEY-----") && !pem.contains("-----BEGIN RSA PRIVATE KEY-----")) {
            try {
                return (java.security.interfaces.RSAPublicKey) new RsaKeyUtil().fromPemEncoded(pem);
            } catch (org.jose4j.lang.JoseException e) {
                throw new java.security.spec.InvalidKeySpecException(e.getMessage(), e);
            }
        }
        byte[] body = base64Body(pem);
        if (pem.contains("-----BEGIN RSA PRIVATE KEY-----")) {
            // PKCS#1 (openssl genrsa's traditional form) in the PKCS#8 structure the JDK reads.
            body = der(0x30, new byte[] {0x02, 0x01, 0x00}, RSA_ALGORITHM, der(0x04, body));
        }
        java.security.PrivateKey key = rsa.generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(body));
        if (!(key instanceof java.security.interfaces.RSAPrivateCrtKey crt)) {
            throw new java.security.spec.InvalidKeySpecException("not an RSA private key with its public exponent");
        }
        return (java.security.interfaces.RSAPublicKey)
                rsa.generatePublic(new java.security.spec.RSAPublicKeySpec(crt.getModulus(), crt.getPublicExponent()));
    }

    /** rsaEncryption's AlgorithmIdentifier: SEQUENCE { OID 1.2.840.113549.1.1.1, NULL }. */
    private static final byte[] RSA_ALGORITHM = {
        0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00
    };

    private static byte[] base64Body(String pem) {
        // Strict base64 between the markers, as the PKCS#8 path read it (attacker review 292: the
        // MIME decoder skipped any character, so text OpenSSL refuses loaded).
        return java.util.Base64.getDecoder()
                .decode(pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", ""));
    }

    /** A DER element: {@code tag}, its definite length, {@code parts} one after another. */
    private static byte[] der(int tag, byte[]... parts) {
        java.io.ByteArrayOutputStream content = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            content.writeBytes(p);
        }
        int n = content.size();
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(n + 6);
        out.write(tag);
        if (n < 0x80) {
            out.write(n);
        } else {
            int bytes = (32 - Integer.numberOfLeadingZeros(n) + 7) / 8;
            out.write(0x80 | bytes);
            for (int i = bytes - 1; i >= 0; i--) {
                out.write(n >>> (8 * i));
            }
        }
        out.writeBytes(content.toByteArray());
        return out.toByteArray();
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
