package com.gitinsight.gateway.logging;

import com.gitinsight.gateway.config.PluginSpec;
import com.gitinsight.gateway.config.QueueSpec;
import com.gitinsight.gateway.runtime.ContainerThreads;
import com.gitinsight.gateway.runtime.GatewaySnapshot;
import com.gitinsight.gateway.runtime.Unproxied;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * http-log's queues: one per endpoint setting and queue setting (Kong shares a queue between
 * plugin instances that send to the same endpoint the same way), each with its own sender thread
 * and connection ({@link HttpLogSender}). A request only offers its record (never blocks); the
 * sender uses the newest config that offered to the queue (a changed header reaches the next batch,
 * as in Kong).
 */
@ApplicationScoped
public class HttpLogQueues implements Unproxied<HttpLogQueues> {

    private final Map<String, Holder> queues = new ConcurrentHashMap<>();
    private final Retirement retirement = new Retirement();
    /** Queues a reload retired that still send what waits (closed at shutdown too). */
    private final Map<Holder, String> retiring = new ConcurrentHashMap<>();
    /** Set at shutdown: no queue is made or kept retrying after it. */
    private volatile boolean stopped;

    /** Retired queues that may go on retrying at once; one retired beyond it gets one try per batch. */
    static final int MAX_RETIRING = 4;

    /** The longest a retired queue goes on retrying. */
    static final long MAX_RETIREMENT_MS = 10 * 60_000;

    /**
     * Queues one record; never blocks (a full queue drops its oldest entry, counted). {@code snapshot}
     * is the request's configuration: a request that outlived its configuration
     * (a long stream across a reload) still ships its record where that configuration said, but a
     * queue it brings back is retired again at once rather than kept.
     */
    void offer(HttpLogSchema.Config config, LogEntry record, GatewaySnapshot snapshot) {
        // A queue that closed as the record was offered (retired by a reload that moment) did not
        // take it: offered again where it now goes (attacker review 309), a few times at most.
        for (int attempt = 0; attempt < 3 && !stopped; attempt++) {
            if (offerOnce(config, record, snapshot)) {
                return;
            }
        }
    }

    /** False only when the queue it was offered to had closed (the record not taken, not counted). */
    private boolean offerOnce(HttpLogSchema.Config config, LogEntry record, GatewaySnapshot snapshot) {
        String key = config.queueKey();
        Holder h = queues.get(key);
        if (h == null && retirement.retired(key, snapshot)) {
            // A request that outlived its configuration: the retired queue still sending takes it
            // (one that refuses it for its size has counted it: no queue is made for it).
            for (Map.Entry<Holder, String> e : retiring.entrySet()) {
                if (e.getValue().equals(key) && !e.getKey().queue.closed()) {
                    return taken(e.getKey().queue, record);
                }
            }
        }
        boolean made = false;
        if (h == null) {
            boolean[] created = new boolean[1]; // (only when none was found: not per record)
            h = queues.computeIfAbsent(key, k -> {
                created[0] = true;
                return new Holder(config);
            });
            made = created[0];
        }
        if (h.sender.config() != config && !retirement.outlived(snapshot)) {
            h.sender.config(config);
        }
        boolean taken = taken(h.queue, record);
        // Only a queue this request brought back: one the reload is retiring is the reload's to retire
        // (with its retries), whoever finds it first (attacker review 308).
        // (nor one a request of a newer configuration took meanwhile: its config is the queue's now).
        if (made && h.sender.config() == config && retirement.retired(key, snapshot) && queues.remove(key, h)) {
            retireLater(key, h, false); // one try per batch, never a long retirement per request
        }
        return taken;
    }

    /** Offers the record; false only when the queue had closed (a refusal for size is counted there). */
    private static boolean taken(BatchQueue<LogEntry> queue, LogEntry record) {
        return queue.offer(record, record.estimatedBytes()) || !queue.closed();
    }

    /**
     * Retires the queues no instance of the new configuration uses: each sends what waits, with its
     * retries (on its own thread, as Kong's queue goes on retrying whatever the configuration does),
     * and stops; its counts leave health and metrics.
     */
    void retire(@Observes GatewaySnapshot snapshot) {
        retireUnused(newest(snapshot));
    }

    /** Records {@code snapshot} as the newest configuration; the queue keys it uses. */
    java.util.Set<String> newest(GatewaySnapshot snapshot) {
        java.util.Set<String> live = new java.util.HashSet<>();
        for (PluginSpec p : snapshot.config().plugins()) {
            if (p.config() instanceof HttpLogSchema.Config c) {
                live.add(c.queueKey());
            }
        }
        retirement.newest(snapshot, live);
        return live;
    }

    /** Retires the queues not in {@code live} (a request ending meanwhile may still find them). */
    void retireUnused(java.util.Set<String> live) {
        for (Map.Entry<String, Holder> e : queues.entrySet()) {
            if (!live.contains(e.getKey()) && queues.remove(e.getKey(), e.getValue())) {
                retireLater(e.getKey(), e.getValue(), true);
            }
        }
    }

    /**
     * Stops a queue on its own thread: {@code retrying}, it sends what waits with its retries (at
     * most {@link #MAX_RETIRING} at once, each {@link #MAX_RETIREMENT_MS} at most), else each batch
     * once, for a few seconds.
     */
    private void retireLater(String key, Holder h, boolean retrying) {
        boolean retries = retrying && retiring.size() < MAX_RETIRING && !stopped;
        if (retries) {
            retiring.put(h, key);
        }
        try {
            ContainerThreads.factory("gateway-http-log-retire")
                    .newThread(() -> {
                        try {
                            if (retries) {
                                h.queue.retire(Math.min(h.retirementMillis(), MAX_RETIREMENT_MS));
                            } else {
                                h.queue.close(5_000);
                            }
                        } finally {
                            retiring.remove(h);
                            closeSender(h);
                        }
                    })
                    .start();
        } catch (Throwable e) {
            // No thread to be had (the container stopping, no native threads left): closed here,
            // its place freed.
            retiring.remove(h);
            h.queue.close(0); // (no wait: this may be a request's thread)
            closeSender(h);
        }
    }

    private static void closeSender(Holder h) {
        try {
            h.sender.close();
        } catch (IOException ignored) {
            // Retired: the connection goes either way.
        }
    }

    /** Entries the retired queues still hold (for tests: a late record joins one). */
    int retiringWaiting() {
        int n = 0;
        for (Holder h : retiring.keySet()) {
            n += h.queue.size();
        }
        return n;
    }

    /** Each queue's counts, for health and metrics. */
    public List<Status> status() {
        List<Status> out = new ArrayList<>();
        for (Holder h : queues.values()) {
            BatchQueue.Counts c = h.queue.counts();
            out.add(new Status(
                    h.sender.config().destination(),
                    h.queue.size(),
                    c.sent(),
                    c.dropped(),
                    c.lost(),
                    c.failedSends(),
                    h.sender.lastError()));
        }
        return out;
    }

    /**
     * One queue: entries waiting, sent, dropped because the queue was full, lost after their
     * retries ran out, failed sends, the last failure (null after a success).
     */
    public record Status(
            String endpoint, int waiting, long sent, long dropped, long lost, long failedSends, String lastError) {}

    @PreDestroy
    void stop() {
        stopped = true;
        for (Holder h : queues.values()) {
            h.queue.close(5_000);
            closeSender(h);
        }
        for (Holder h : retiring.keySet()) {
            h.queue.close(1_000);
            closeSender(h); // a send blocked on a dead endpoint fails now rather than at its timeout
        }
    }

    @Override
    public void passInstance(Consumer<? super HttpLogQueues> receiver) {
        receiver.accept(this);
    }

    private static final class Holder {
        final HttpLogSender sender;
        final BatchQueue<LogEntry> queue;

        /**
         * How long a retired queue may go on: a batch's retries (max_retry_time, the last delay, a
         * send: connect, write and read, each the timeout nginx takes for it) and one more send.
         */
        long retirementMillis() {
            HttpLogSchema.Config c = sender.config();
            QueueSpec q = c.queue();
            long send = 3 * com.gitinsight.gateway.upstream.CosocketTimeouts.effective(c.timeoutMs());
            return Math.max(0, q.maxRetryTimeMs()) + q.maxRetryDelayMs() + 2 * send + 1_000;
        }

        Holder(HttpLogSchema.Config config) {
            sender = new HttpLogSender(config);
            queue = new BatchQueue<>(
                    "http-log " + config.destination(),
                    config.queue(),
                    BatchQueue.Coalescing.KONG,
                    sender::send,
                    ContainerThreads.factory("gateway-http-log"),
                    new BatchQueue.Counts());
        }
    }
}
