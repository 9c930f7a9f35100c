package com.gitinsight.gateway.config;

import java.util.List;

/** A Kong upstream: a named pool of targets and how to balance across them. */
public record UpstreamSpec(String name, Algorithm algorithm, List<TargetSpec> targets) {

    public UpstreamSpec {
        targets = List.copyOf(targets);
    }

    public enum Algorithm {
        ROUND_ROBIN("round-robin"),
        LEAST_CONNECTIONS("least-connections");

        private final String kongName;

        Algorithm(String kongName) {
            this.kongName = kongName;
        }

        public String kongName() {
            return kongName;
        }
    }

    /** {@code host:port} with Kong's weight (0 disables the target). */
    public record TargetSpec(String host, int port, int weight) {
        public String address() {
            return host + ":" + port;
        }
    }
}
