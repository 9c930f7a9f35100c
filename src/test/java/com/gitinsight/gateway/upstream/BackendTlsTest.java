package com.gitinsight.gateway.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.gitinsight.gateway.config.ServiceTls;
import com.gitinsight.gateway.testing.TestCertificates;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Kong's upstream TLS spec (05-proxy/18-upstream_tls_spec.lua) against a backend whose certificate
 * a test CA issued: not verified by default, refused once {@code tls_verify} is on and the CA is
 * not trusted, accepted with it as {@code ca_certificates}, limited by {@code tls_verify_depth} as
 * OpenSSL counts it, and a client certificate presented to a backend that asks for one.
 */
class BackendTlsTest {

    private static TestCertificates pki;
    private static HttpsServer server;
    private static HttpsServer deep;
    private static HttpsServer mutual;

    @BeforeAll
    static void start() throws Exception {
        pki = TestCertificates.shared();
        server = https(pki.serverContext("server", null), false);
        deep = https(pki.serverContext("deep", null), false);
        mutual = https(pki.serverContext("server", "ca"), true);
    }

    @AfterAll
    static void stop() {
        for (HttpsServer s : new HttpsServer[] {server, deep, mutual}) {
            if (s != null) {
                s.stop(0);
            }
        }
    }

    private static HttpsServer https(SSLContext tls, boolean needClientCertificate) throws IOException {
        HttpsServer s = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        s.setHttpsConfigurator(new HttpsConfigurator(tls) {
            @Override
            public void configure(HttpsParameters params) {
                javax.net.ssl.SSLParameters p = getSSLContext().getDefaultSSLParameters();
                p.setNeedClientAuth(needClientCertificate);
                params.setSSLParameters(p);
            }
        });
        s.createContext("/", ex -> {
            byte[] body = "it works".getBytes();
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        s.start();
        return s;
    }

    private static String get(HttpsServer target, String name, ServiceTls tls, boolean verifyByDefault)
            throws IOException {
        BackendTls.Profile profile = BackendTls.Profile.of(tls, verifyByDefault);
        try (CloseableHttpClient client = HttpClients.createMinimal(PoolingHttpClientConnectionManagerBuilder.create()
                .setTlsSocketStrategy(BackendTls.strategy(profile))
                .build())) {
            HttpHost host = new HttpHost(
                    "https",
                    InetAddress.getLoopbackAddress(),
                    name,
                    target.getAddress().getPort());
            try (ClassicHttpResponse response = client.executeOpen(host, new HttpGet("/"), null)) {
                return response.getCode() + " " + EntityUtils.toString(response.getEntity());
            } catch (org.apache.hc.core5.http.ParseException e) {
                throw new IOException(e);
            }
        }
    }

    private static ServiceTls verify(Integer depth, String... anchors) {
        return new ServiceTls(
                true, depth, List.of(anchors).stream().map(pki::certificate).toList(), null);
    }

    @Test
    void verificationIsOffByDefaultAsInKong() throws IOException {
        assertEquals("200 it works", get(server, "localhost", ServiceTls.DEFAULT, false));
        // Neither the issuer nor the name is looked at.
        assertEquals("200 it works", get(server, "other.example", ServiceTls.DEFAULT, false));
        assertEquals("200 it works", get(server, "localhost", new ServiceTls(false, 0, List.of(), null), true));
    }

    @Test
    void onceOnACertificateTheJvmDoesNotTrustIsRefused() {
        assertThrows(IOException.class, () -> get(server, "localhost", verify(null), false));
        // The gateway's default turned on (gateway.upstream.tls-verify) applies to a service that says nothing.
        assertThrows(IOException.class, () -> get(server, "localhost", ServiceTls.DEFAULT, true));
    }

    @Test
    void theServicesCaCertificatesAreItsTrustAnchorsAndTheNameMustMatch() throws IOException {
        assertEquals("200 it works", get(server, "localhost", verify(null, "ca"), false));
        assertThrows(
                IOException.class,
                () -> get(server, "other.example", verify(null, "ca"), false),
                "a name the certificate does not have");
        // Trusting another CA does not help.
        assertThrows(IOException.class, () -> get(server, "localhost", verify(null, "intermediate"), false));
    }

    @Test
    void theDepthCountsTheIntermediatesAsOpenSsl() throws IOException {
        // OpenSSL 1.1+ (Kong 3): neither the backend's certificate nor the anchor counts. Kong's
        // spec, a chain through one intermediate: depth 0 refuses, depth 1 accepts.
        assertThrows(IOException.class, () -> get(deep, "localhost", verify(0, "ca"), false));
        assertEquals("200 it works", get(deep, "localhost", verify(1, "ca"), false));
        assertEquals("200 it works", get(deep, "localhost", verify(null, "ca"), false));
        // Issued by the anchor itself: nothing between, so depth 0 is enough.
        assertEquals("200 it works", get(server, "localhost", verify(0, "ca"), false));
        // Trusting the intermediate makes it the anchor: nothing between either.
        assertEquals("200 it works", get(deep, "localhost", verify(0, "intermediate"), false));
    }

    @Test
    void aServicesOwnVerificationWithoutCaCertificatesTrustsNothingAsKong() {
        // Kong's nginx has no CA for backends unless ca_certificates names some: "the handshake
        // will always fail". The gateway's default (gateway.upstream.tls-verify) uses the JVM's store.
        BackendTls.Profile own = BackendTls.Profile.of(new ServiceTls(true, null, List.of(), null), false);
        BackendTls.Profile byDefault = BackendTls.Profile.of(ServiceTls.DEFAULT, true);
        assertEquals(false, own.jvmAnchors());
        assertEquals(true, byDefault.jvmAnchors());
        assertThrows(IOException.class, () -> get(server, "localhost", verify(null), false));
    }

    @Test
    void aClientCertificatePrintsNoKey() throws Exception {
        ServiceTls.ClientCertificate client =
                new ServiceTls.ClientCertificate("c1", List.of(pki.certificate("client")), clientKey());
        String text = client.toString() + new ServiceTls(null, null, List.of(), client);
        assertEquals(false, text.toLowerCase(java.util.Locale.ROOT).contains("private"), text);
        assertEquals(true, text.contains("c1"), text);
    }

    private static PrivateKey clientKey() throws Exception {
        byte[] der = Base64.getMimeDecoder()
                .decode(pki.keyPem("client")
                        .replace("-----BEGIN PRIVATE KEY-----", "")
                        .replace("-----END PRIVATE KEY-----", ""));
        return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
    }

    @Test
    void aClientCertificateIsPresentedWhenSet() throws Exception {
        assertThrows(IOException.class, () -> get(mutual, "localhost", ServiceTls.DEFAULT, false));
        ServiceTls.ClientCertificate client = new ServiceTls.ClientCertificate(
                "c1", List.of(pki.certificate("client"), pki.certificate("ca")), clientKey());
        assertEquals(
                "200 it works", get(mutual, "localhost", ServiceTls.DEFAULT.withUpstreamCertificate(client), false));
        assertEquals(
                "200 it works",
                get(mutual, "localhost", new ServiceTls(true, null, List.of(pki.certificate("ca")), client), false));
    }
}
