package com.gitinsight.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.gitinsight.gateway.testing.TestCertificates;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Kong's upstream TLS fields in a declarative file: {@code certificates} and
 * {@code ca_certificates} checked as Kong's schemas check them, services' {@code tls_verify},
 * {@code tls_verify_depth}, {@code ca_certificates} and {@code client_certificate}, upstreams'
 * {@code host_header} and {@code client_certificate}, probes' {@code https_sni}; every reference
 * must name an entity of the file.
 */
class UpstreamTlsConfigTest {

    private static TestCertificates pki;
    private final KongConfigParser parser = new KongConfigParser(PluginRegistry.builtIn());

    @BeforeAll
    static void certificates() throws Exception {
        pki = TestCertificates.shared();
    }

    /** A YAML block scalar holding {@code pem}, indented by {@code indent} spaces. */
    private static String block(String pem, int indent) {
        String pad = " ".repeat(indent);
        return "|\n" + pad + pem.strip().replace("\n", "\n" + pad) + "\n";
    }

    private String file() {
        return "_format_version: \"3.0\"\n"
                + "ca_certificates:\n"
                + "  - id: 11111111-1111-4111-8111-111111111111\n"
                + "    cert: " + block(pki.certificatePem("ca"), 6)
                + "certificates:\n"
                + "  - id: 22222222-2222-4222-8222-222222222222\n"
                + "    cert: " + block(pki.chainPem("client"), 6)
                + "    key: " + block(pki.keyPem("client"), 6);
    }

    private GatewayConfig parse(String yaml) throws ConfigException {
        return parser.parse("kong.yml", yaml);
    }

    private String refused(String yaml) {
        return assertThrows(ConfigException.class, () -> parse(yaml)).getMessage();
    }

    @Test
    void aServicesTlsFieldsAreReadWithTheCertificatesTheyName() throws Exception {
        GatewayConfig config = parse(file() + """
                services:
                  - name: plain
                    url: https://example.com:16799/
                  - name: checked
                    url: https://example.com:16799/
                    tls_verify: true
                    tls_verify_depth: 1
                    ca_certificates: [11111111-1111-4111-8111-111111111111]
                    client_certificate: {id: 22222222-2222-4222-8222-222222222222}
                  - name: unverified
                    url: https://example.com:16799/
                    tls_verify: false
                upstreams:
                  - name: backend
                    host_header: api.internal
                    client_certificate: 22222222-2222-4222-8222-222222222222
                    healthchecks: {active: {type: https, https_sni: probe.internal, https_verify_certificate: false}}
                """);
        ServiceSpec plain = config.services().get(0);
        assertEquals(ServiceTls.DEFAULT, plain.tls(), "nothing said: the gateway's default (Kong's: not verified)");
        ServiceTls checked = config.services().get(1).tls();
        assertEquals(Boolean.TRUE, checked.verify());
        assertEquals(1, checked.verifyDepth());
        assertEquals(List.of(pki.certificate("ca")), checked.caCertificates());
        assertEquals(
                pki.certificate("client"), checked.clientCertificate().chain().get(0));
        assertEquals(2, checked.clientCertificate().chain().size(), "the chain as written");
        assertEquals(Boolean.FALSE, config.services().get(2).tls().verify());
        // Helper review 272: Kong's service entity, as its log record copies it, names them by id.
        com.fasterxml.jackson.databind.JsonNode logged = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(KongEntityJson.service(config.services().get(1), 1_700_000_000L));
        assertEquals(
                "[\"11111111-1111-4111-8111-111111111111\"]",
                logged.get("ca_certificates").toString());
        assertEquals(
                "{\"id\":\"22222222-2222-4222-8222-222222222222\"}",
                logged.get("client_certificate").toString());
        assertEquals(true, logged.get("tls_verify").asBoolean());
        assertEquals(1, logged.get("tls_verify_depth").asInt());
        com.fasterxml.jackson.databind.JsonNode unset = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(KongEntityJson.service(plain, 1_700_000_000L));
        for (String field : List.of("ca_certificates", "client_certificate", "tls_verify", "tls_verify_depth")) {
            assertTrue(unset.path(field).isMissingNode(), "unset, left out as Kong's DAO leaves nulls out: " + unset);
        }
        assertEquals(
                false,
                new com.fasterxml.jackson.databind.ObjectMapper()
                        .readTree(KongEntityJson.service(config.services().get(2), 1_700_000_000L))
                        .get("tls_verify")
                        .asBoolean(true));
        UpstreamSpec upstream = config.upstreams().get(0);
        assertEquals("api.internal", upstream.hostHeader());
        assertEquals(
                "22222222-2222-4222-8222-222222222222",
                upstream.clientCertificate().id());
        assertEquals("probe.internal", upstream.healthchecks().active().httpsSni());
        assertEquals(false, upstream.healthchecks().active().verifyCertificate());
    }

    @Test
    void aTopLevelTargetKeepsItsUpstreamsHostHeaderAndCertificate() throws Exception {
        // The flat shape `kong config db_export` writes: targets beside, not inside, their upstream.
        GatewayConfig config = parse(file() + """
                upstreams:
                  - name: backend
                    host_header: api.internal
                    client_certificate: 22222222-2222-4222-8222-222222222222
                targets:
                  - {target: "10.0.0.5:8443", upstream: backend}
                  - {target: "10.0.0.6:8443", upstream: backend}
                """);
        UpstreamSpec upstream = config.upstreams().get(0);
        assertEquals(2, upstream.targets().size());
        assertEquals("api.internal", upstream.hostHeader());
        assertEquals(
                "22222222-2222-4222-8222-222222222222",
                upstream.clientCertificate().id());
    }

    @Test
    void unknownReferencesAndBadValuesAreRefusedAtTheirField() {
        String message = refused(file() + """
                services:
                  - name: s
                    url: https://example.com/
                    tls_verify: "yes"
                    tls_verify_depth: 65
                    ca_certificates: [no-such-ca]
                    client_certificate: {id: no-such-certificate}
                  - {name: plain, url: "http://example.com/", tls_verify: false, client_certificate: nope2}
                upstreams:
                  - {name: u, host_header: "api.internal:8443", client_certificate: nope}
                  - {name: v, healthchecks: {active: {https_sni: "a b"}}}
                  - {name: w, host_header: "a b", healthchecks: {active: {https_sni: "10.0.0.1"}}}
                """);
        for (String expected : List.of(
                "services[0].tls_verify",
                "services[0].tls_verify_depth",
                "no ca_certificate with id 'no-such-ca'",
                "no certificate with id 'no-such-certificate'",
                "upstreams[0].host_header: must not have a port",
                "no certificate with id 'nope'",
                "upstreams[1].healthchecks.active.https_sni",
                "services[1].tls_verify: value must be null",
                "services[1].client_certificate: value must be null",
                "upstreams[2].host_header: invalid value: a b",
                "upstreams[2].healthchecks.active.https_sni: must not be an IP")) {
            assertTrue(message.contains(expected), expected + " in " + message);
        }
    }

    /** A fresh RSA key as PKCS #1 PEM (the inner key of its PKCS #8 encoding, 2048 bits: 26 bytes of envelope). */
    private static String pkcs1RsaKey() throws Exception {
        java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        byte[] pkcs8 = generator.generateKeyPair().getPrivate().getEncoded();
        byte[] pkcs1 = java.util.Arrays.copyOfRange(pkcs8, 26, pkcs8.length);
        assertEquals(0x30, pkcs1[0] & 0xff, "a DER sequence");
        return "-----BEGIN RSA PRIVATE KEY-----\n"
                + java.util.Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(pkcs1)
                + "\n-----END RSA PRIVATE KEY-----\n";
    }

    @Test
    void certificatesAreCheckedAsKongsSchemasCheckThem() throws Exception {
        String message = refused("_format_version: \"3.0\"\n"
                + "ca_certificates:\n"
                + "  - id: not-a-ca\n"
                + "    cert: " + block(pki.certificatePem("server"), 6)
                + "  - id: two\n"
                + "    cert: " + block(pki.certificatePem("ca") + pki.certificatePem("intermediate"), 6)
                + "  - {id: garbage, cert: \"-----BEGIN CERTIFICATE-----\\nAAAA\\n-----END CERTIFICATE-----\"}\n"
                + "certificates:\n"
                + "  - id: mismatch\n"
                + "    cert: " + block(pki.certificatePem("client"), 6)
                + "    key: " + block(pki.keyPem("server"), 6)
                + "  - id: pkcs1\n"
                + "    cert: " + block(pki.certificatePem("client"), 6)
                + "    key: \"-----BEGIN RSA PRIVATE KEY-----\\nAAAA\\n-----END RSA PRIVATE KEY-----\"\n"
                + "  - id: served\n"
                + "    cert: " + block(pki.certificatePem("client"), 6)
                + "    key: " + block(pki.keyPem("client"), 6)
                + "    snis: [example.com]\n"
                + "  - id: half\n"
                + "    cert: " + block(pki.certificatePem("client"), 6)
                + "    key: " + block(pki.keyPem("client"), 6)
                + "    cert_alt: " + block(pki.certificatePem("server"), 6)
                + "  - id: rsa1\n"
                + "    cert: " + block(pki.certificatePem("client"), 6)
                + "    key: " + block(pkcs1RsaKey(), 6)
                + "  - id: sec1\n"
                + "    cert: " + block(pki.certificatePem("client"), 6)
                + "    key: \"-----BEGIN EC PRIVATE KEY-----\\nAAAA\\n-----END EC PRIVATE KEY-----\"\n");
        for (String expected : List.of(
                "ca_certificates[0].cert: certificate does not appear to be a CA because it is missing the \"CA\" basic constraint",
                "ca_certificates[1].cert: please submit only one certificate at a time",
                "ca_certificates[2].cert: invalid certificate",
                "certificates[0].key: certificate does not match key",
                "certificates[1].key: invalid key: not an RSA",
                "certificates[4].key: certificate does not match key",
                "certificates[5].key: invalid key: only unencrypted PKCS #8",
                "certificates[2].snis",
                "certificates[3].key_alt: all or none of these fields must be set: 'cert_alt', 'key_alt'")) {
            assertTrue(message.contains(expected), expected + " in " + message);
        }
    }

    @Test
    void aCertificatesKeyIsASecretField() throws Exception {
        assertTrue(parser.secretFields("kong.yml", file()).contains("certificates[0].key"));
    }
}
