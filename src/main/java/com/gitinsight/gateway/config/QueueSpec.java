package com.gitinsight.gateway.config;

import java.util.Set;

/**
 * Kong 3's {@code queue} record ({@code kong/tools/queue_schema.lua}), shared by the plugins that
 * send in batches (http-log, opentelemetry): entries per send, how long the first entry waits for
 * company, how many may wait in all (beyond that the oldest is dropped and counted), and how a
 * failing send is retried (delays doubling from {@code initial_retry_delay} up to
 * {@code max_retry_delay}, for at most {@code max_retry_time}; then the batch is dropped and counted).
 * Times in milliseconds; {@code maxBytes} 0 when unbounded.
 */
public record QueueSpec(
        int maxBatchSize,
        long maxCoalescingDelayMs,
        int maxEntries,
        long maxBytes,
        long maxRetryTimeMs,
        long initialRetryDelayMs,
        long maxRetryDelayMs,
        int concurrencyLimit) {

    private static final Set<String> FIELDS = Set.of(
            "max_batch_size",
            "max_coalescing_delay",
            "max_entries",
            "max_bytes",
            "max_retry_time",
            "initial_retry_delay",
            "max_retry_delay",
            "concurrency_limit");

    /**
     * Kong's {@code Queue.get_plugin_params}: a plugin's legacy batch field ({@code queue_size},
     * {@code batch_span_count}; -1 when left at its old default) overrides {@code max_batch_size}, its
     * legacy delay ({@code flush_timeout}, {@code batch_flush_delay}; ms, -1 likewise) overrides
     * {@code max_coalescing_delay}, each with Kong's deprecation warning.
     */
    public QueueSpec withLegacy(String plugin, String batchField, long batch, String delayField, long delayMs) {
        if (batch >= 0) {
            deprecated(plugin, batchField, "queue.max_batch_size");
        }
        if (delayMs >= 0) {
            deprecated(plugin, delayField, "queue.max_coalescing_delay");
        }
        if (batch < 0 && delayMs < 0) {
            return this;
        }
        return new QueueSpec(
                batch >= 0 ? (int) batch : maxBatchSize,
                delayMs >= 0 ? delayMs : maxCoalescingDelayMs,
                maxEntries,
                maxBytes,
                maxRetryTimeMs,
                initialRetryDelayMs,
                maxRetryDelayMs,
                concurrencyLimit);
    }

    /**
     * A deprecated batch size field's value (Kong copies it unchecked) as a batch size the queue
     * takes: at least 1 (Kong's queue still sends one entry at a time below that), at most
     * {@code max_batch_size}'s bound.
     */
    public static long legacyBatchSize(long value) {
        return Math.max(1, Math.min(1_000_000, value));
    }

    /** A deprecated delay field's seconds as {@code max_coalescing_delay}'s milliseconds, within its 0 to 3600 s. */
    public static long legacyDelayMs(double seconds) {
        return Math.round(Math.max(0, Math.min(3600, seconds)) * 1000);
    }

    private static void deprecated(String plugin, String field, String instead) {
        java.util.logging.Logger.getLogger(QueueSpec.class.getName())
                .warning(() -> plugin + ": the " + field + " parameter is deprecated, please update your configuration"
                        + " to use " + instead + " instead");
    }

    /** Kong's defaults, with the plugin's own default batch size (http-log 1, opentelemetry 200). */
    public static QueueSpec defaults(int maxBatchSize) {
        return new QueueSpec(maxBatchSize, 1000, 10_000, 0, 60_000, 10, 60_000, 1);
    }

    /** Reads {@code queue} (absent: the defaults); errors name the field, as every other field's do. */
    public static QueueSpec parse(PluginFields queue, int defaultBatchSize) {
        // Kong's "name" names a shared queue (an Enterprise field in later releases): accepted, the
        // queue is always the plugin instance's own here.
        queue.allowOnly(FIELDS, Set.of("name"));
        QueueSpec d = defaults(defaultBatchSize);
        int batch = (int) queue.integer("max_batch_size", d.maxBatchSize(), 1, 1_000_000);
        double delay = queue.number("max_coalescing_delay", 1, 0, 3600);
        int entries = (int) queue.integer("max_entries", d.maxEntries(), 1, 1_000_000);
        long bytes = queue.integer("max_bytes", 0, 0, Long.MAX_VALUE);
        // Any number, as Kong's: a negative one gives up after the first try.
        double retryTime = queue.number("max_retry_time", 60, -Double.MAX_VALUE, 1e9);
        double initial = queue.number("initial_retry_delay", 0.01, 0.001, 1_000_000);
        double maxDelay = queue.number("max_retry_delay", 60, 0.001, 1_000_000);
        long concurrency = queue.integer("concurrency_limit", 1, Long.MIN_VALUE, Long.MAX_VALUE);
        if (concurrency != -1 && concurrency != 1) {
            queue.error("concurrency_limit", "expected one of: -1, 1"); // Kong's one_of, whatever the value
        }
        return new QueueSpec(
                batch,
                Math.round(delay * 1000),
                entries,
                bytes,
                retryTime < 0 ? -1 : Math.round(retryTime * 1000),
                Math.max(1, Math.round(initial * 1000)),
                Math.max(1, Math.round(maxDelay * 1000)),
                (int) concurrency);
    }

    /**
     * Entries per send: Kong sends each entry alone, at once, when {@code concurrency_limit} is -1
     * (here still from the queue's one thread, so memory stays bounded by {@code max_entries}).
     */
    public int sendSize() {
        return concurrencyLimit == -1 ? 1 : maxBatchSize;
    }

    /**
     * Kong's {@code COALESCE_MIN_TIME}: its queue takes another entry into a batch only while at
     * least this much of {@code max_coalescing_delay} is left.
     */
    public static final long COALESCE_MIN_MS = 50;

    /**
     * Entries per send as Kong's queue forms them: one when the delay leaves no 50 ms to collect
     * in (each entry is then sent alone, however many wait), else {@link #sendSize}.
     */
    public int kongSendSize() {
        return coalescingDelayMs() < COALESCE_MIN_MS ? 1 : sendSize();
    }

    /** How long a first entry waits for company: none when {@code concurrency_limit} is -1. */
    public long coalescingDelayMs() {
        return concurrencyLimit == -1 ? 0 : maxCoalescingDelayMs;
    }

    /** The wait before retry {@code n} (0 for the first retry): doubling, capped, no jitter (Kong's). */
    public long retryDelayMs(int n) {
        double delay = initialRetryDelayMs * Math.pow(2, Math.min(n, 40));
        return (long) Math.min(maxRetryDelayMs, delay);
    }
}
