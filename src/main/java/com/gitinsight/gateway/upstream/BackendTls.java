package com.gitinsight.gateway.upstream;

import com.gitinsight.gateway.config.ServiceTls;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.CertPathTrustManagerParameters;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.client5.http.ssl.DefaultHostnameVerifier;
import org.apache.hc.client5.http.ssl.HostnameVerificationPolicy;
import org.apache.hc.client5.http.ssl.NoopHostnameVerifier;
import org.apache.hc.client5.http.ssl.TlsSocketStrategy;

/**
 * The TLS the gateway speaks to a backend, from the service's settings ({@link ServiceTls}): without
 * verification (Kong's default) any certificate and name is accepted; with it, the chain must
 * reach the service's {@code ca_certificates} within {@code tls_verify_depth}, and the name must
 * match; a client certificate is presented when one is set. A service's own {@code tls_verify:
 * true} without {@code ca_certificates} trusts nothing, as Kong's nginx (no CA given: "the
 * handshake will always fail"); the gateway's default ({@code gateway.upstream.tls-verify}) trusts
 * the JVM's trust store. Built with the JDK's PKIX validator and HttpClient's TLS strategy.
 */
public final class BackendTls {

    private static final char[] NO_PASSWORD = new char[0];

    private BackendTls() {}

    /**
     * What decides a connection's TLS: services with equal profiles share connections, others
     * never do (a connection verified for one is not for another).
     */
    public record Profile(
            boolean verify,
            Integer depth,
            List<X509Certificate> anchors,
            boolean jvmAnchors,
            ServiceTls.ClientCertificate client) {

        public Profile {
            anchors = List.copyOf(anchors);
        }

        /** {@code anchors}, or the JVM's trust store when there are none. */
        public Profile(
                boolean verify, Integer depth, List<X509Certificate> anchors, ServiceTls.ClientCertificate client) {
            this(verify, depth, anchors, anchors.isEmpty(), client);
        }

        /**
         * The profile of {@code tls}; an unset {@code tls_verify} takes {@code verifyByDefault},
         * with the JVM's trust store when the service names no {@code ca_certificates}.
         */
        public static Profile of(ServiceTls tls, boolean verifyByDefault) {
            if (tls.verify() == null ? !verifyByDefault : !tls.verify()) {
                return new Profile(false, null, List.of(), false, tls.clientCertificate());
            }
            boolean jvm = tls.verify() == null && tls.caCertificates().isEmpty();
            return new Profile(true, tls.verifyDepth(), tls.caCertificates(), jvm, tls.clientCertificate());
        }
    }

    /** HttpClient's TLS for {@code profile}. */
    public static TlsSocketStrategy strategy(Profile profile) {
        return profile.verify()
                ? new DefaultClientTlsStrategy(context(profile), new DefaultHostnameVerifier())
                : new DefaultClientTlsStrategy(
                        context(profile), HostnameVerificationPolicy.CLIENT, NoopHostnameVerifier.INSTANCE);
    }

    /** The JDK's TLS context for {@code profile} (a checked setting that cannot be built is an IllegalStateException). */
    public static SSLContext context(Profile profile) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(
                    profile.client() == null
                            ? null
                            : keyManagers(profile.client()).getKeyManagers(),
                    new TrustManager[] {profile.verify() ? verifying(profile) : new AcceptingAll()},
                    null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot build the backend TLS context: " + e.getMessage(), e);
        }
    }

    private static KeyManagerFactory keyManagers(ServiceTls.ClientCertificate client) throws GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try {
            store.load(null, null);
        } catch (java.io.IOException e) {
            throw new GeneralSecurityException(e);
        }
        store.setKeyEntry("client", client.key(), NO_PASSWORD, client.chain().toArray(new X509Certificate[0]));
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(store, NO_PASSWORD);
        return factory;
    }

    private static X509ExtendedTrustManager verifying(Profile profile) throws GeneralSecurityException {
        List<X509Certificate> anchors = profile.jvmAnchors() ? jvmAnchors() : profile.anchors();
        X509ExtendedTrustManager pkix;
        if (anchors.isEmpty()) {
            return new TrustingNone();
        }
        if (profile.jvmAnchors() && profile.depth() == null) {
            pkix = first(defaultFactory(null));
        } else {
            KeyStore store = KeyStore.getInstance("PKCS12");
            try {
                store.load(null, null);
            } catch (java.io.IOException e) {
                throw new GeneralSecurityException(e);
            }
            for (int i = 0; i < anchors.size(); i++) {
                store.setCertificateEntry("ca" + i, anchors.get(i));
            }
            PKIXBuilderParameters parameters = new PKIXBuilderParameters(store, new X509CertSelector());
            // Kong (OpenSSL) checks no revocation for a backend either.
            parameters.setRevocationEnabled(false);
            TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
            factory.init(new CertPathTrustManagerParameters(parameters));
            pkix = first(factory);
        }
        return profile.depth() != null ? new DepthLimited(pkix, anchors, profile.depth()) : pkix;
    }

    private static TrustManagerFactory defaultFactory(KeyStore store) throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        return factory;
    }

    private static List<X509Certificate> jvmAnchors() throws GeneralSecurityException {
        X509TrustManager jvm = first(defaultFactory(null));
        return List.of(jvm.getAcceptedIssuers());
    }

    private static X509ExtendedTrustManager first(TrustManagerFactory factory) {
        for (TrustManager m : factory.getTrustManagers()) {
            if (m instanceof X509ExtendedTrustManager x) {
                return x;
            }
        }
        throw new IllegalStateException("no X.509 trust manager in " + factory.getAlgorithm());
    }

    /**
     * A trust manager for the gateway's side of a backend's handshake: one check of the backend's
     * chain (the socket or the engine as the handshake gives them, the other null); no client is
     * ever checked here.
     */
    private abstract static class BackendCheck extends X509ExtendedTrustManager {

        abstract void checkBackend(X509Certificate[] chain, String authType, Socket socket, SSLEngine engine)
                throws CertificateException;

        @Override
        public final void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            checkBackend(chain, authType, null, null);
        }

        @Override
        public final void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            checkBackend(chain, authType, socket, null);
        }

        @Override
        public final void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            checkBackend(chain, authType, null, engine);
        }

        @Override
        public final void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("the gateway checks no client here");
        }

        @Override
        public final void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            checkClientTrusted(chain, authType);
        }

        @Override
        public final void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            checkClientTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }

    /** Verification without a trust anchor (Kong: tls_verify without ca_certificates): nothing is accepted. */
    private static final class TrustingNone extends BackendCheck {
        @Override
        void checkBackend(X509Certificate[] chain, String authType, Socket socket, SSLEngine engine)
                throws CertificateException {
            throw new CertificateException("tls_verify without ca_certificates: no certificate is trusted");
        }
    }

    /** Kong's default (nginx's proxy_ssl_verify off): every certificate is accepted. */
    private static final class AcceptingAll extends BackendCheck {
        @Override
        void checkBackend(X509Certificate[] chain, String authType, Socket socket, SSLEngine engine) {
            // accepted, name and all
        }
    }

    /**
     * {@code tls_verify_depth}: OpenSSL's (1.1 and later, Kong 3's) limit on the intermediate CA
     * certificates between the backend's certificate and the trust anchor, neither counted (0: issued
     * by an anchor itself). The JDK's validator has no such limit (PKIX's path length binds only its
     * path builder), so the chain, once validated, is counted here.
     */
    private static final class DepthLimited extends BackendCheck {
        private final X509ExtendedTrustManager pkix;
        private final List<X509Certificate> anchors;
        private final int depth;

        DepthLimited(X509ExtendedTrustManager pkix, List<X509Certificate> anchors, int depth) {
            this.pkix = pkix;
            this.anchors = new ArrayList<>(anchors);
            this.depth = depth;
        }

        @Override
        void checkBackend(X509Certificate[] chain, String authType, Socket socket, SSLEngine engine)
                throws CertificateException {
            if (engine != null) {
                pkix.checkServerTrusted(chain, authType, engine);
            } else if (socket != null) {
                pkix.checkServerTrusted(chain, authType, socket);
            } else {
                pkix.checkServerTrusted(chain, authType);
            }
            if (chain == null || chain.length == 0 || intermediates(chain) > depth) {
                throw new CertificateException("certificate chain too long (tls_verify_depth " + depth + ")");
            }
        }

        /** The certificates between chain[0] and the first trusted certificate or issuer; the whole chain when none. */
        private int intermediates(X509Certificate[] chain) {
            for (int i = 0; i < chain.length; i++) {
                if (anchors.contains(chain[i])) {
                    return Math.max(0, i - 1);
                }
                for (X509Certificate anchor : anchors) {
                    if (anchor.getSubjectX500Principal().equals(chain[i].getIssuerX500Principal())) {
                        return i;
                    }
                }
            }
            return Integer.MAX_VALUE;
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return pkix.getAcceptedIssuers();
        }
    }
}
