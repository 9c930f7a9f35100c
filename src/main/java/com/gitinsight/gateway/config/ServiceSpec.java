package com.gitinsight.gateway.config;

/**
 * A Kong service: where requests go. {@code host} names either an upstream (then its targets are
 * used) or a DNS host/IP. Timeouts are in milliseconds, as in Kong.
 */
public record ServiceSpec(
        String name,
        String protocol,
        String host,
        int port,
        String path,
        int retries,
        int connectTimeoutMs,
        int writeTimeoutMs,
        int readTimeoutMs) {}
