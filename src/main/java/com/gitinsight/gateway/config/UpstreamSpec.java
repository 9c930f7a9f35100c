package com.gitinsight.gateway.config;

import java.util.List;

/**
 * A Kong upstream: a named pool of targets, how to balance across them, and how their health is
 * judged; {@code hostHeader} is Kong's {@code host_header} (the Host its targets get, null: each
 * target's name), {@code clientCertificate} the certificate presented to its targets when the
 * service names none (null: none).
 */
public record UpstreamSpec(
        String name,
        Algorithm algorithm,
        HashPolicy hash,
        HealthCheckSpec healthchecks,
        List<TargetSpec> targets,
        String hostHeader,
        ServiceTls.ClientCertificate clientCertificate) {

    public UpstreamSpec {
        targets = List.copyOf(targets);
    }

    public UpstreamSpec(
            String name, Algorithm algorithm, HashPolicy hash, HealthCheckSpec healthchecks, List<TargetSpec> targets) {
        this(name, algorithm, hash, healthchecks, targets, null, null);
    }

    /** This upstream with other targets, everything else kept (a top-level target joins its upstream). */
    public UpstreamSpec withTargets(List<TargetSpec> others) {
        return new UpstreamSpec(name, algorithm, hash, healthchecks, others, hostHeader, clientCertificate);
    }

    /** A round-robin upstream without hashing or health checks: what a plain service URL gets. */
    public static UpstreamSpec simple(String name, List<TargetSpec> targets) {
        return new UpstreamSpec(name, Algorithm.ROUND_ROBIN, HashPolicy.NONE, HealthCheckSpec.NONE, targets);
    }

    public enum Algorithm {
        ROUND_ROBIN("round-robin"),
        LEAST_CONNECTIONS("least-connections"),
        CONSISTENT_HASHING("consistent-hashing"),
        LATENCY("latency");

        private final String kongName;

        Algorithm(String kongName) {
            this.kongName = kongName;
        }

        public String kongName() {
            return kongName;
        }
    }

    /** What a request is hashed on (Kong's {@code hash_on}), each with its Kong spelling. */
    public enum HashOn {
        NONE("none"),
        CONSUMER("consumer"),
        IP("ip"),
        HEADER("header"),
        COOKIE("cookie"),
        PATH("path"),
        QUERY_ARG("query_arg");

        private final String kongName;

        HashOn(String kongName) {
            this.kongName = kongName;
        }

        public String kongName() {
            return kongName;
        }
    }

    /**
     * Kong's {@code hash_on} and {@code hash_fallback}; {@code onName}/{@code fallbackName} name the
     * header, cookie or query argument when the source needs one; {@code cookiePath} is the path of
     * the cookie the gateway sets when a client has none ({@code hash_on_cookie_path}).
     */
    /**
     * What a consistent-hashing upstream hashes, and {@code slots}: Kong's ring size (its
     * continuum, at least 1000 points, as Kong's balancer takes it).
     */
    public record HashPolicy(
            HashOn on, String onName, HashOn fallback, String fallbackName, String cookiePath, int slots) {
        /** Kong's default {@code slots}. */
        public static final int DEFAULT_SLOTS = 10_000;

        public static final HashPolicy NONE = new HashPolicy(HashOn.NONE, null, HashOn.NONE, null, "/");

        public HashPolicy(HashOn on, String onName, HashOn fallback, String fallbackName) {
            this(on, onName, fallback, fallbackName, "/");
        }

        public HashPolicy(HashOn on, String onName, HashOn fallback, String fallbackName, String cookiePath) {
            this(on, onName, fallback, fallbackName, cookiePath, DEFAULT_SLOTS);
        }

        /** This policy on a ring of {@code count} slots. */
        public HashPolicy withSlots(int count) {
            return new HashPolicy(on, onName, fallback, fallbackName, cookiePath, count);
        }
    }

    /**
     * {@code host:port} with Kong's weight (0 disables the target). A host that is a name is resolved
     * through DNS; a name starting with {@code _} is an SRV record. {@code maxFails} and
     * {@code failTimeoutMs} are nginx's per-server passive check (0 max_fails: the upstream's
     * passive checks apply).
     */
    public record TargetSpec(String host, int port, int weight, int maxFails, long failTimeoutMs) {

        public TargetSpec(String host, int port, int weight) {
            this(host, port, weight, 0, 0);
        }

        public String address() {
            if (isSrv()) {
                return host;
            }
            return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
        }

        /** An SRV name ({@code _service._proto.name}): its records give hosts, ports and weights. */
        public boolean isSrv() {
            return host.startsWith("_");
        }
    }
}
