package com.gitinsight.gateway.config;

/**
 * A Kong service: where requests go. {@code host} names either an upstream (then its targets are
 * used) or a DNS host/IP. Timeouts are in milliseconds, as in Kong. {@code id} is the file's (null:
 * none given); {@code tls} how its backends' TLS is checked. {@code name} is the key routes,
 * plugins, guards and pools know the service by: the file's name, or for a service written
 * without one (Kong loads those) its id, the file's or one derived from its position
 * ({@code named} false then: logs, metrics and the echo show no name, as Kong's). {@code entity}
 * holds what only the log record and the echo read.
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
        ServiceTls tls,
        boolean named,
        EntityMeta entity) {

    public ServiceSpec {
        tls = tls == null ? ServiceTls.DEFAULT : tls;
        entity = entity == null ? EntityMeta.DEFAULT : entity; // null: the file gives none of them
    }

    /** The file's name, or null for a service written without one. */
    public String fileName() {
        return named ? name : null;
    }

    /**
     * The id Kong gives the service: the file's, else derived from its name as Kong derives it
     * (a nameless service's key is its id already).
     */
    public String kongId() {
        if (id != null) {
            return id;
        }
        return named ? KongIds.of("services", name) : name;
    }
}
