package com.gitinsight.gateway.config;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * How the gateway's TLS to a service's backends is checked, as Kong's service fields say:
 * {@code tls_verify} (null: the gateway's default, off as in Kong, where nginx's
 * {@code proxy_ssl_verify} is off), {@code tls_verify_depth} (null: no limit; OpenSSL's count of
 * certificates above the backend's), {@code ca_certificates} (the trust anchors; empty: the JVM's),
 * and the {@code client_certificate} the gateway presents (the service's, else its upstream's;
 * null: none). Every certificate and key was parsed when the file was loaded;
 * {@code caCertificateIds} are the file's ids of the anchors, as the service entity names them.
 */
public record ServiceTls(
        Boolean verify,
        Integer verifyDepth,
        List<X509Certificate> caCertificates,
        ClientCertificate clientCertificate,
        List<String> caCertificateIds) {

    public static final ServiceTls DEFAULT = new ServiceTls(null, null, List.of(), null);

    public ServiceTls {
        caCertificates = List.copyOf(caCertificates);
        caCertificateIds = List.copyOf(caCertificateIds);
    }

    /** Anchors not named by a file's ids (made in code). */
    public ServiceTls(
            Boolean verify,
            Integer verifyDepth,
            List<X509Certificate> caCertificates,
            ClientCertificate clientCertificate) {
        this(verify, verifyDepth, caCertificates, clientCertificate, List.of());
    }

    /** This, presenting {@code upstream}'s certificate when the service names none (Kong's precedence). */
    public ServiceTls withUpstreamCertificate(ClientCertificate upstream) {
        return clientCertificate != null || upstream == null
                ? this
                : new ServiceTls(verify, verifyDepth, caCertificates, upstream, caCertificateIds);
    }

    /** A Kong {@code certificates} entity used as a client certificate: its chain and key. */
    public record ClientCertificate(String id, List<X509Certificate> chain, PrivateKey key) {
        public ClientCertificate {
            chain = List.copyOf(chain);
        }

        /** Never the key: a record's own toString would print it into whatever logs this. */
        @Override
        public String toString() {
            return "ClientCertificate[id=" + id + ", subject="
                    + (chain.isEmpty()
                            ? "?"
                            : chain.get(0).getSubjectX500Principal().getName()) + "]";
        }
    }
}
