package com.gitinsight.gateway.cache;

/**
 * The response cache over JMX ({@code io.gitinsight.gateway:type=Cache}): its figures and its
 * purges. Open types only, so JConsole shows it without the gateway's classes.
 */
public interface CacheControlMXBean {

    long getEntries();

    long getHits();

    long getMisses();

    long getEvictions();

    /** Removes every entry; returns how many there were. */
    long purgeAll();

    /** Removes the entry with this {@code X-Cache-Key}; true if there was one. */
    boolean purgeKey(String key);

    /** Removes the entries whose path matches ({@code *} one segment, {@code **} any); returns how many. */
    int purgePattern(String pathPattern);
}
