package com.gitinsight.gateway.config;

/**
 * A Kong service: where requests go. {@code host} names either an upstream (then its targets are
 * used) or a DNS host/IP. Timeouts are in milliseconds, as in Kong. {@code id} is the file's (null:
 * none given); {@code tls} how its backends' TLS is checked.
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
        int readTimeoutMs,
        String id,
        ServiceTls tls) {

    public ServiceSpec {
        tls = tls == null ? ServiceTls.DEFAULT : tls;
    }

    /** The id Kong gives the service: the file's, else derived from its name as Kong derives it. */
    public String kongId() {
        return id != null ? id : KongIds.of("services", name);
    }
}
