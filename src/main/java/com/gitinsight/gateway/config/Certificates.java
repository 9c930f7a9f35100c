package com.gitinsight.gateway.config;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The file's {@code certificates} (used here as the client certificates services and upstreams
 * present to their backends) and {@code ca_certificates} (the trust anchors a service's
 * {@code ca_certificates} names), by id, each parsed and checked as Kong's schemas check them when
 * the file is loaded. The JDK's parsers read them; keys are PKCS #8 ({@code BEGIN PRIVATE KEY}) or
 * PKCS #1 RSA ({@code BEGIN RSA PRIVATE KEY}); other forms (SEC 1 EC keys, encrypted keys) are refused
 * with the command that converts them.
 * One instance per load.
 */
final class Certificates {

    private static final Set<String> CERTIFICATE = Set.of("id", "cert", "key", "cert_alt", "key_alt", "snis");
    private static final Set<String> CA_CERTIFICATE = Set.of("id", "cert", "cert_digest");
    private static final Set<String> ACCEPTED = Set.of("tags", "created_at", "updated_at");
    private static final String PKCS8 = "-----BEGIN PRIVATE KEY-----";
    private static final String PKCS1 = "-----BEGIN RSA PRIVATE KEY-----";

    private final Map<String, ServiceTls.ClientCertificate> certificates = new HashMap<>();
    private final Map<String, X509Certificate> caCertificates = new HashMap<>();

    /** One {@code certificates[]} entry. */
    void certificate(Section s) {
        s.allowEntity(CERTIFICATE, ACCEPTED);
        AcceptedFields.common(s);
        String id = EntityRefs.id(s); // without one it cannot be referenced, as in Kong
        List<X509Certificate> chain = chain(s, "cert");
        PrivateKey key = key(s, "key");
        if (!chain.isEmpty() && key != null && !matches(chain.get(0), key)) {
            s.error("key", "certificate does not match key");
        }
        if (s.has("cert_alt") != s.has("key_alt")) {
            s.error(
                    s.has("cert_alt") ? "key_alt" : "cert_alt",
                    "all or none of these fields must be set: 'cert_alt', 'key_alt'");
        } else if (s.has("cert_alt")) {
            List<X509Certificate> alt = chain(s, "cert_alt");
            PrivateKey altKey = key(s, "key_alt");
            if (!alt.isEmpty() && altKey != null && !matches(alt.get(0), altKey)) {
                s.error("key_alt", "alternative certificate does not match key");
            }
        }
        if (!s.strings("snis").isEmpty()) {
            // Kong would serve this certificate for those names; this gateway does not end TLS itself.
            s.error(
                    "snis",
                    "serving TLS by SNI is not done by this gateway (TLS ends at its listener or in front of it)");
        }
        if (id == null || chain.isEmpty() || key == null) {
            return;
        }
        if (certificates.putIfAbsent(id, new ServiceTls.ClientCertificate(id, chain, key)) != null) {
            s.error("id", "duplicate certificate id '" + id + "'");
        }
    }

    /** One {@code ca_certificates[]} entry: Kong's checks (one certificate, a CA, not expired). */
    void caCertificate(Section s) {
        s.allowEntity(CA_CERTIFICATE, ACCEPTED);
        AcceptedFields.common(s);
        String id = EntityRefs.id(s); // without one it cannot be referenced, as in Kong
        s.string("cert_digest", null);
        List<X509Certificate> certs = chain(s, "cert");
        if (certs.isEmpty()) {
            return;
        }
        if (certs.size() > 1) {
            s.error("cert", "please submit only one certificate at a time");
            return;
        }
        X509Certificate ca = certs.get(0);
        if (ca.getBasicConstraints() < 0) {
            s.error("cert", "certificate does not appear to be a CA because it is missing the \"CA\" basic constraint");
            return;
        }
        if (ca.getNotAfter().before(new Date())) {
            s.error("cert", "certificate expired, \"Not After\" time is in the past");
            return;
        }
        if (id != null && caCertificates.putIfAbsent(id, ca) != null) {
            s.error("id", "duplicate ca_certificate id '" + id + "'");
        }
    }

    /** The client certificate {@code key} references (its id or {@code {id: ...}}), or null; an unknown id is an error. */
    ServiceTls.ClientCertificate clientCertificate(Section s, String key) {
        String id = EntityRefs.reference(s, key);
        if (id == null) {
            return null;
        }
        ServiceTls.ClientCertificate found = certificates.get(id);
        if (found == null) {
            s.error(key, "no certificate with id '" + id + "' in the file's certificates");
        }
        return found;
    }

    /** The CA certificates {@code key} lists by id; an unknown id is an error. */
    List<X509Certificate> caCertificates(Section s, String key, List<String> ids) {
        List<X509Certificate> out = new ArrayList<>();
        for (Section.Item<String> item : s.strings(key)) {
            X509Certificate ca = caCertificates.get(item.value());
            if (ca == null) {
                s.error(key, "no ca_certificate with id '" + item.value() + "' in the file's ca_certificates");
            } else {
                out.add(ca);
                ids.add(item.value());
            }
        }
        return out;
    }

    private static List<X509Certificate> chain(Section s, String key) {
        String pem = s.requiredString(key);
        if (pem == null) {
            return List.of();
        }
        try {
            List<X509Certificate> out = new ArrayList<>();
            for (java.security.cert.Certificate c : CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem.trim().getBytes(StandardCharsets.US_ASCII)))) {
                out.add((X509Certificate) c);
            }
            if (out.isEmpty()) {
                s.error(key, "invalid certificate: no PEM certificate found");
            }
            return out;
        } catch (CertificateException | RuntimeException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            s.error(key, "invalid certificate: " + cause.getMessage());
            return List.of();
        }
    }

    private static PrivateKey key(Section s, String key) {
        String pem = s.requiredString(key);
        if (pem == null) {
            return null;
        }
        String text = pem.trim();
        boolean pkcs1 = text.startsWith(PKCS1);
        if (!text.startsWith(PKCS8) && !pkcs1) {
            s.error(
                    key,
                    "invalid key: only unencrypted PKCS #8 ('" + PKCS8 + "') and PKCS #1 RSA ('" + PKCS1
                            + "') keys are read; convert with: openssl pkcs8 -topk8 -nocrypt");
            return null;
        }
        String end = pkcs1 ? "-----END RSA PRIVATE KEY-----" : "-----END PRIVATE KEY-----";
        int at = text.indexOf(end);
        if (at < 0) {
            s.error(key, "invalid key: no '" + end + "'");
            return null;
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(text.substring((pkcs1 ? PKCS1 : PKCS8).length(), at));
        } catch (IllegalArgumentException e) {
            s.error(key, "invalid key: " + e.getMessage());
            return null;
        }
        if (pkcs1) {
            der = pkcs8OfRsa(der);
        }
        for (String algorithm : pkcs1 ? new String[] {"RSA"} : new String[] {"RSA", "EC", "Ed25519", "Ed448"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException | RuntimeException e) {
                // not this algorithm's key: try the next
            }
        }
        s.error(key, "invalid key: not an RSA, EC or EdDSA private key");
        return null;
    }

    /**
     * A PKCS #1 RSA key (what {@code openssl genrsa} wrote before 3.0, and many Kong files hold) in
     * the PKCS #8 envelope the JDK reads: the key as it is, labelled rsaEncryption. The JDK's key
     * factory then parses and checks it.
     */
    private static byte[] pkcs8OfRsa(byte[] pkcs1) {
        byte[] version = {0x02, 0x01, 0x00};
        // SEQUENCE { OID 1.2.840.113549.1.1.1 (rsaEncryption), NULL }
        byte[] algorithm = {
            0x30,
            0x0d,
            0x06,
            0x09,
            0x2a,
            (byte) 0x86,
            0x48,
            (byte) 0x86,
            (byte) 0xf7,
            0x0d,
            0x01,
            0x01,
            0x01,
            0x05,
            0x00
        };
        byte[] octets = tagged(0x04, pkcs1);
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        body.writeBytes(version);
        body.writeBytes(algorithm);
        body.writeBytes(octets);
        return tagged(0x30, body.toByteArray());
    }

    /** A DER element: tag, definite length, contents. */
    private static byte[] tagged(int tag, byte[] contents) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(tag);
        int n = contents.length;
        if (n < 0x80) {
            out.write(n);
        } else {
            int bytes = n > 0xffffff ? 4 : n > 0xffff ? 3 : n > 0xff ? 2 : 1;
            out.write(0x80 | bytes);
            for (int i = bytes - 1; i >= 0; i--) {
                out.write(n >>> (8 * i));
            }
        }
        out.writeBytes(contents);
        return out.toByteArray();
    }

    /** Whether {@code key} is the private half of {@code cert}'s public key: it signs, the certificate verifies. */
    private static boolean matches(X509Certificate cert, PrivateKey key) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> key.getAlgorithm(); // Ed25519, Ed448
        };
        byte[] probe = "gitinsight-gateway certificate check".getBytes(StandardCharsets.US_ASCII);
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(cert.getPublicKey());
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }
}
