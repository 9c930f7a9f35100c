package com.gitinsight.gateway.http;

import java.util.Set;

/**
 * The headers by which a proxy tells a backend how the client came (its address, scheme, host,
 * port, path, certificate), lower-case: kept only from a trusted proxy, dropped from anyone else
 * (the gateway then sets its own), and keyed by proxy-cache only where they reach the backend.
 */
public final class ForwardingHeaders {

    public static final Set<String> NAMES = Set.of(
            "forwarded",
            "x-forwarded-host",
            "x-forwarded-prefix",
            "x-forwarded-proto",
            "x-forwarded-port",
            "x-forwarded-path",
            "x-forwarded-server",
            "x-forwarded-scheme",
            "x-forwarded-ssl",
            "x-url-scheme",
            "x-client-ip",
            "true-client-ip",
            "client-ip",
            "x-cluster-client-ip",
            "cf-connecting-ip",
            "cf-connecting-ipv6",
            "fastly-client-ip",
            "x-original-forwarded-for",
            "x-envoy-external-address",
            "x-forwarded",
            "forwarded-for",
            "x-forwarded-uri",
            "x-forwarded-method",
            "x-original-host",
            "x-host",
            "x-azure-clientip",
            "x-forwarded-client-cert",
            "x-client-cert",
            "x-ssl-client-cert",
            "x-ssl-client-verify",
            "x-ssl-client-s-dn",
            "x-ssl-client-i-dn",
            // Helper review 201: what WebLogic, IIS/ARR, Jetty and common "real client IP" helpers
            // read (and a literal CGI-style name some Java code asks getHeader for).
            "wl-proxy-client-ip",
            "proxy-client-ip",
            "x-proxyuser-ip",
            "wl-proxy-ssl",
            "x-proxied-https",
            "front-end-https",
            "x-forwarded-https",
            "x-forwarded-protocol",
            "x-arr-clientcert",
            "x-arr-ssl",
            "http-x-forwarded-for",
            "http-client-ip",
            "http-x-real-ip");

    private ForwardingHeaders() {}
}
