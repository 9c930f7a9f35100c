package com.gitinsight.gateway.testing;

import java.io.FileInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A test CA, an intermediate CA, and certificates they issued (made with the JDK's keytool):
 * {@code server} (CN=localhost, names localhost and 127.0.0.1, issued by the CA), {@code deep}
 * (the same names, issued by the intermediate) and {@code client} (issued by the CA). PEM texts as
 * a Kong file holds them.
 */
public final class TestCertificates {

    private static final String PASSWORD = "changeit";
    private final KeyStore store;

    private TestCertificates(KeyStore store) {
        this.store = store;
    }

    private static TestCertificates shared;

    /** One set for the test JVM (keytool takes seconds): made on first use in a temporary directory. */
    public static synchronized TestCertificates shared() throws IOException, InterruptedException {
        if (shared == null) {
            Path dir = Files.createTempDirectory("gateway-test-pki");
            dir.toFile().deleteOnExit();
            shared = create(dir);
            // Registered after the directory, so deleted before it (a non-empty one stays: every
            // test JVM left one behind).
            try (java.util.stream.Stream<Path> files = Files.list(dir)) {
                files.forEach(f -> f.toFile().deleteOnExit());
            }
        }
        return shared;
    }

    public static TestCertificates create(Path dir) throws IOException, InterruptedException {
        Path ks = dir.resolve("test-pki.p12");
        Files.deleteIfExists(ks);
        keytool(ks, "-genkeypair", "-alias", "ca", "-dname", "CN=Gateway Test CA", "-ext", "bc:c");
        keytool(ks, "-genkeypair", "-alias", "intermediate", "-dname", "CN=Gateway Test Intermediate");
        issue(dir, ks, "ca", "intermediate", "bc:c");
        for (String[] leaf : new String[][] {{"server", "ca"}, {"deep", "intermediate"}, {"client", "ca"}}) {
            keytool(ks, "-genkeypair", "-alias", leaf[0], "-dname", "CN=localhost");
            issue(dir, ks, leaf[1], leaf[0], "san=dns:localhost,ip:127.0.0.1");
        }
        try (FileInputStream in = new FileInputStream(ks.toFile())) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, PASSWORD.toCharArray());
            return new TestCertificates(store);
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException(e);
        }
    }

    private static void issue(Path dir, Path ks, String issuer, String subject, String ext)
            throws IOException, InterruptedException {
        Path csr = dir.resolve(subject + ".csr");
        Path crt = dir.resolve(subject + ".crt");
        keytool(ks, "-certreq", "-alias", subject, "-file", csr.toString());
        keytool(ks, "-gencert", "-alias", issuer, "-infile", csr.toString(), "-outfile", crt.toString(), "-ext", ext);
        keytool(ks, "-importcert", "-alias", subject, "-file", crt.toString(), "-noprompt");
    }

    private static void keytool(Path ks, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(List.of(args));
        if (args[0].equals("-genkeypair")) {
            command.addAll(List.of("-keyalg", "EC", "-groupname", "secp256r1", "-validity", "3"));
        }
        if (args[0].equals("-gencert")) {
            command.addAll(List.of("-validity", "3", "-rfc"));
        }
        command.addAll(List.of("-keystore", ks.toString(), "-storepass", PASSWORD, "-storetype", "PKCS12"));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException("keytool " + String.join(" ", args) + ": " + out);
        }
    }

    public X509Certificate certificate(String alias) {
        try {
            return (X509Certificate) store.getCertificate(alias);
        } catch (java.security.KeyStoreException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The PEM of {@code alias}'s certificate chain (the certificate first), as a Kong {@code cert}. */
    public String chainPem(String alias) {
        try {
            StringBuilder out = new StringBuilder();
            for (Certificate c : store.getCertificateChain(alias)) {
                out.append(pem("CERTIFICATE", c.getEncoded()));
            }
            return out.toString();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The PEM of {@code alias}'s certificate alone. */
    public String certificatePem(String alias) {
        try {
            return pem("CERTIFICATE", certificate(alias).getEncoded());
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code alias}'s private key as unencrypted PKCS #8 PEM. */
    public String keyPem(String alias) {
        try {
            PrivateKey key = (PrivateKey) store.getKey(alias, PASSWORD.toCharArray());
            return pem("PRIVATE KEY", key.getEncoded());
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A server's TLS presenting {@code alias}'s chain; when {@code clientsFrom} is not null, it
     * trusts client certificates issued by that alias (and asks for one).
     */
    public SSLContext serverContext(String alias, String clientsFrom) {
        try {
            KeyStore only = KeyStore.getInstance("PKCS12");
            only.load(null, null);
            only.setKeyEntry(
                    alias,
                    store.getKey(alias, PASSWORD.toCharArray()),
                    PASSWORD.toCharArray(),
                    store.getCertificateChain(alias));
            KeyManagerFactory km = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            km.init(only, PASSWORD.toCharArray());
            TrustManagerFactory tm = null;
            if (clientsFrom != null) {
                KeyStore trusted = KeyStore.getInstance("PKCS12");
                trusted.load(null, null);
                trusted.setCertificateEntry("ca", store.getCertificate(clientsFrom));
                tm = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tm.init(trusted);
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(km.getKeyManagers(), tm == null ? null : tm.getTrustManagers(), null);
            return context;
        } catch (java.security.GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A PKCS #12 trust store at {@code file} holding the CA's certificate alone (password
     * {@code changeit}): what an operator puts in the JVM's {@code javax.net.ssl.trustStore}.
     */
    public Path writeTrustStore(Path file) throws IOException {
        try {
            KeyStore trusted = KeyStore.getInstance("PKCS12");
            trusted.load(null, null);
            trusted.setCertificateEntry("ca", store.getCertificate("ca"));
            try (java.io.OutputStream out = Files.newOutputStream(file)) {
                trusted.store(out, PASSWORD.toCharArray());
            }
            return file;
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException(e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
