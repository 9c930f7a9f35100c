package com.gitinsight.gateway.logging;

import com.gitinsight.gateway.config.QueueSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Kong 3's plugin queue ({@code kong/tools/queue.lua}) for entries that leave the gateway in batches:
 * requests {@linkplain #offer offer} an entry and never wait (lock-free; when {@code max_entries}
 * or {@code max_bytes} is reached the oldest entries are dropped and counted, as Kong drops them);
 * one sender thread takes the first entry, waits up to {@code max_coalescing_delay} for up to
 * {@code max_batch_size} (as {@link Coalescing} says), and hands the batch to the {@link Sender};
 * a failed send is retried with Kong's doubling delays until {@code max_retry_time} has passed, then the batch is dropped and
 * counted. Entries collected into a batch stay counted in the bounds until it is cut; a batch
 * leaves the queue before it is sent, so retries do not hold room (Kong 3.6+).
 * The thread ends after a minute without entries and starts again with the next one.
 */
public final class BatchQueue<E> {

    private static final Logger LOG = Logger.getLogger(BatchQueue.class.getName());
    private static final long IDLE_NANOS = TimeUnit.SECONDS.toNanos(60);
    private static final int NEVER = Integer.MAX_VALUE;
    /**
     * A worker that just sent looks for entries this often, unwoken, for {@link #POLLS} times before it
     * sleeps until an offer wakes it: under load it finds what came meanwhile without one wake per
     * entry. 40 ms: file-log's writer then writes ~150 lines per system call and its per-batch work
     * (wake, generator, system call) is spread over more of them. Measured with file-log on the
     * bench (async-profiler, 60 s windows, share of the gateway's CPU): the writer thread took 4.4-5.1%
     * at 10 ms, 3.5-3.9% at 40 ms, 3.2-3.6% at 100 ms, while the collector's share rose with the
     * entries held (by about a quarter at 100 ms: 40 ms and 100 ms cost the same in all); at 2 ms
     * (an earlier machine) a quarter more than at 10 ms. A line reaches its file or endpoint at most
     * 40 ms later than it would have (http-log's batches wait up to {@code max_coalescing_delay}
     * anyway); an idle queue is woken by the next entry at once.
     */
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(40);

    private static final int POLLS = 50;
    /**
     * The bytes a queue holds when {@code max_bytes} is not set (Kong bounds it by entries only; a
     * client chooses each record's size, so here the memory is bounded too).
     */
    static final long DEFAULT_MAX_BYTES = 32L << 20;

    /** Sends one batch; false or an exception means failed (the queue retries). */
    @FunctionalInterface
    public interface Sender<E> {
        boolean send(List<E> batch) throws Exception;
    }

    /** Counts what the queue could not deliver. */
    public static final class Counts {
        final AtomicLong dropped = new AtomicLong();
        final AtomicLong lost = new AtomicLong();
        final AtomicLong sent = new AtomicLong();
        final AtomicLong failedSends = new AtomicLong();

        /** Entries dropped because the queue was full. */
        public long dropped() {
            return dropped.get();
        }

        /** Entries dropped after their batch's retries ran out. */
        public long lost() {
            return lost.get();
        }

        /** Entries delivered. */
        public long sent() {
            return sent.get();
        }

        /** Sends that failed (each retry counts). */
        public long failedSends() {
            return failedSends.get();
        }
    }

    private final String name;
    private final QueueSpec spec;
    private final Sender<E> sender;
    private final ThreadFactory threads;
    private final LongSupplier nanoClock;
    private final Counts counts;

    private final ConcurrentLinkedQueue<Entry<E>> entries = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile Thread worker;
    /**
     * The number of waiting entries at which an offer wakes the parked worker: 1 when it sleeps
     * idle, what its batch still lacks when it coalesces, never while it polls or sends. A wake is
     * a system call and a context switch: one per request cost more than the rest of the queue.
     */
    private volatile int wakeAt = NEVER;
    /** As {@link #wakeAt}, in queued bytes (a polling worker's: half of max_bytes). */
    private volatile long wakeAtBytes = Long.MAX_VALUE;

    private final AtomicLong wakes = new AtomicLong();

    private volatile boolean closing;

    /** Retired by a reload: what waits is sent without waiting for company, with its retries; then it stops. */
    private volatile boolean draining;
    /** Kong's CAPACITY_WARNING_THRESHOLD. */
    static final double CAPACITY_WARNING = 0.8;

    private volatile boolean warnedNearlyFull;
    private volatile boolean warnedFull;
    private final RareError tooLong = new RareError();
    private final RareError byteCapacity = new RareError();
    private static final long RARELY_NANOS = TimeUnit.MINUTES.toNanos(1);
    /** Whether the last batch was lost (warned once per run of failures, not per batch). */
    private boolean losing;
    /** Whether the last send failed (its failure was warned; the next ones of the run are FINE). */
    private boolean failing;

    private record Entry<E>(E value, long bytes) {}

    /** How the worker collects a batch after its first entry. */
    public enum Coalescing {
        /**
         * Kong's ({@code Queue:process_once}): another entry is taken, or waited for, only while at
         * least 50 ms of {@code max_coalescing_delay} is left ({@code COALESCE_MIN_TIME}), so a
         * delay under 50 ms sends each entry alone, however many wait; entries that came during a
         * wait are taken with it, as Kong's wait returns with each.
         */
        KONG,
        /**
         * Whatever waits, up to the batch size, then up to the delay for more: file-log's writer,
         * whose batches are lines per system call (Kong's file-log has no queue).
         */
        WAITING
    }

    private final Coalescing coalescing;

    public BatchQueue(
            String name,
            QueueSpec spec,
            Coalescing coalescing,
            Sender<E> sender,
            ThreadFactory threads,
            Counts counts) {
        this(name, spec, coalescing, sender, threads, counts, System::nanoTime);
    }

    BatchQueue(
            String name,
            QueueSpec spec,
            Coalescing coalescing,
            Sender<E> sender,
            ThreadFactory threads,
            Counts counts,
            LongSupplier nanoClock) {
        this.name = name;
        this.spec = spec;
        this.coalescing = coalescing;
        this.sender = sender;
        this.threads = threads;
        this.counts = counts;
        this.nanoClock = nanoClock;
    }

    public QueueSpec spec() {
        return spec;
    }

    public Counts counts() {
        return counts;
    }

    /** How many times an offer woke the worker (for tests: not once per entry under load). */
    long wakes() {
        return wakes.get();
    }

    /** Entries waiting, a batch being collected included (not one being sent). */
    public int size() {
        return size.get();
    }

    /**
     * Queues {@code value} ({@code length} bytes, for {@code max_bytes}); never blocks. False when the
     * entry alone is larger than {@code max_bytes} (refused, counted as dropped) or the queue is closed.
     */
    public boolean offer(E value, long length) {
        if (closing) {
            counts.dropped.incrementAndGet();
            return false;
        }
        long maxBytes = maxBytes();
        if (length > maxBytes) {
            counts.dropped.incrementAndGet();
            tooLong.log(() -> "queue " + name + ": string to be queued is longer (" + length
                    + " bytes) than the queue's max_bytes (" + maxBytes + " bytes)");
            return false;
        }
        int waiting = size.incrementAndGet();
        if (waiting > spec.maxEntries() && dropOldest()) {
            warnFull(); // (nothing to drop: the entries are in the batch being cut, which is woken)
        }
        warnNearlyFull(waiting);
        int droppedForBytes = 0;
        while (bytes.addAndGet(length) > maxBytes) {
            bytes.addAndGet(-length);
            if (!dropOldest()) {
                // Other producers hold the room but have not queued yet: go over the bound by this entry.
                bytes.addAndGet(length);
                break;
            }
            droppedForBytes++;
        }
        if (droppedForBytes > 0) {
            warnedFull = true; // as Kong's queue_full: "queue resumed processing" follows
            int dropped = droppedForBytes;
            byteCapacity.log(
                    () -> "queue " + name + ": byte capacity exceeded, " + dropped + " queue entries were dropped");
        }
        entries.offer(new Entry<>(value, length));
        wake();
        return true;
    }

    private boolean dropOldest() {
        Entry<E> old = entries.poll();
        if (old == null) {
            return false;
        }
        size.decrementAndGet();
        bytes.addAndGet(-old.bytes());
        counts.dropped.incrementAndGet();
        return true;
    }

    /** Kong's warning at 80% of {@code max_entries}: once, again only after the queue fell below. */
    private void warnNearlyFull(int waiting) {
        if (waiting >= spec.maxEntries() * CAPACITY_WARNING) {
            if (!warnedNearlyFull) {
                warnedNearlyFull = true;
                LOG.warning(() -> "queue " + name + ": queue at " + Math.round(CAPACITY_WARNING * 100) + "% capacity");
            }
        } else if (warnedNearlyFull) {
            warnedNearlyFull = false; // written only on the way down: offers below it only read
        }
    }

    /** Kong's error (its {@code log_err}), once until the queue resumes. */
    private void warnFull() {
        if (!warnedFull) {
            warnedFull = true;
            LOG.severe(
                    () -> "queue " + name + ": queue full, dropping old entries until processing is successful again");
        }
    }

    /**
     * One of Kong's errors for entries dropped by size, which Kong logs at each drop: here at most
     * once a minute each (a client chooses each entry's size; every drop is counted), the rest
     * FINE. Producers race on it harmlessly: a second SEVERE line at most.
     */
    private final class RareError {
        private volatile long last;
        private volatile boolean logged;

        void log(java.util.function.Supplier<String> message) {
            long now = nanoClock.getAsLong();
            boolean due = !logged || now - last >= RARELY_NANOS;
            if (due) {
                logged = true;
                last = now;
            }
            LOG.log(due ? Level.SEVERE : Level.FINE, message);
        }
    }

    private void wake() {
        if (running.get()) {
            if (size.get() >= wakeAt || bytes.get() >= wakeAtBytes) {
                wakeAt = NEVER; // one wake is enough: the offers that follow until it runs do not repeat it
                wakeAtBytes = Long.MAX_VALUE;
                wakes.incrementAndGet();
                LockSupport.unpark(worker);
            }
            return;
        }
        if (running.compareAndSet(false, true)) {
            try {
                Thread t = threads.newThread(this::work);
                worker = t;
                t.start();
            } catch (Throwable e) {
                // No thread to be had (the container stopping, no native threads left): the entry
                // waits, and the next offer tries again; never an error to the request.
                running.set(false);
                LOG.log(Level.WARNING, "queue " + name + ": no thread to send with; the next entry tries again", e);
            }
        }
    }

    private void work() {
        try {
            drain();
        } catch (Throwable t) {
            // An Error (out of memory writing a huge batch) must not leave the queue with no worker
            // while it says one runs: the next offer starts another.
            running.set(false);
            LOG.log(Level.SEVERE, "queue " + name + ": its worker stopped; the next entry starts another", t);
            throw t;
        }
    }

    private void drain() {
        List<E> batch = new ArrayList<>(Math.min(spec.sendSize(), 1024));
        long idleSince = nanoClock.getAsLong();
        int polls = 0;
        while (true) {
            // Entries being collected into a batch stay counted in the queue's bounds until the
            // batch is cut, as Kong's stay in its queue: a large max_batch_size and a long
            // max_coalescing_delay must not hold memory beyond max_entries and max_bytes.
            Entry<E> first = entries.poll();
            if (first == null) {
                if (stopping() || nanoClock.getAsLong() - idleSince > IDLE_NANOS) {
                    running.set(false);
                    // An entry offered while stopping saw running still true and did not start a thread.
                    if (entries.isEmpty() || !running.compareAndSet(false, true)) {
                        return;
                    }
                }
                if (polls < POLLS && !closing) {
                    polls++;
                    // A burst wakes it early: a full batch, or half the queue's room (entries
                    // beyond max_entries are dropped, and the poll must not be what drops them).
                    park(POLL_NANOS, pollWakeAt());
                } else {
                    park(TimeUnit.MILLISECONDS.toNanos(200), 1);
                }
                continue;
            }
            polls = 0;
            // Counted as taken when polled: an Error while collecting leaves no phantom count.
            int taken = 1;
            long held = first.bytes();
            try {
                batch.add(first.value());
                long started = nanoClock.getAsLong();
                long deadline = started + TimeUnit.MILLISECONDS.toNanos(stopping() ? 0 : spec.coalescingDelayMs());
                boolean kong = coalescing == Coalescing.KONG;
                // Kong's wait returns with each entry as it comes: what came while parked was taken
                // in time, so it joins the batch whatever is left (helper review 297).
                boolean waited = false;
                while (batch.size() < spec.sendSize()) {
                    if (kong && !waited && !stopping() && !coalescingLeft(started)) {
                        break;
                    }
                    Entry<E> next = entries.poll();
                    if (next != null) {
                        taken++;
                        held += next.bytes();
                        batch.add(next.value());
                        continue;
                    }
                    waited = false;
                    long left = deadline - nanoClock.getAsLong();
                    // Read at each pass: a close or retirement while the batch waits for company cuts it.
                    if (left <= 0 || stopping() || full() || (kong && !coalescingLeft(started))) {
                        break;
                    }
                    park(left, Math.min(spec.sendSize(), spec.maxEntries()));
                    waited = true;
                }
            } finally {
                size.addAndGet(-taken);
                bytes.addAndGet(-held);
            }
            if (warnedFull && size.get() < spec.maxEntries() * 0.8) {
                warnedFull = false;
                LOG.info(() -> "queue " + name + ": queue resumed processing");
            }
            deliver(batch);
            batch.clear();
            idleSince = nanoClock.getAsLong();
        }
    }

    /** Whether it was closed: it takes no more entries. */
    public boolean closed() {
        return closing;
    }

    /** Closed or retired: no batch waits for company, and the worker stops once nothing waits. */
    private boolean stopping() {
        return closing || draining;
    }

    /**
     * Whether Kong would still collect: at least {@code COALESCE_MIN_TIME} of the delay left, in
     * whole milliseconds since the first entry (Kong's clock is cached per event-loop turn, so a
     * delay of exactly 50 ms still takes what is there at once). Closing, every waiting entry is
     * taken at once instead (Kong shortens the delay to 50 ms when its worker exits).
     */
    private boolean coalescingLeft(long started) {
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(nanoClock.getAsLong() - started);
        return spec.coalescingDelayMs() - elapsedMs >= QueueSpec.COALESCE_MIN_MS;
    }

    /** The queued entries at which an offer wakes a polling worker. */
    private int pollWakeAt() {
        return Math.min(halfEntries(), Math.max(spec.sendSize(), 256));
    }

    private int halfEntries() {
        return Math.max(1, spec.maxEntries() / 2);
    }

    private long maxBytes() {
        return spec.maxBytes() > 0 ? spec.maxBytes() : DEFAULT_MAX_BYTES;
    }

    /**
     * Whether the queue (a batch being collected included) is full, or holds half its bytes: the
     * batch is cut rather than have the next offers drop entries.
     */
    private boolean full() {
        return size.get() >= spec.maxEntries() || bytes.get() >= maxBytes() / 2;
    }

    /** Parks for {@code nanos} at most, woken early once {@code wakeAt} entries wait (or by close). */
    private void park(long nanos, int wakeAt) {
        this.wakeAt = wakeAt;
        if (wakeAt != NEVER) {
            // Half the byte bound wakes it too: entries beyond max_bytes are dropped as well.
            wakeAtBytes = maxBytes() / 2;
        }
        try {
            // After publishing wakeAt: an offer either sees it or is seen here (both are volatile).
            if (size.get() < wakeAt && bytes.get() < wakeAtBytes && !stopping()) {
                LockSupport.parkNanos(this, nanos);
            }
        } finally {
            this.wakeAt = NEVER;
            this.wakeAtBytes = Long.MAX_VALUE;
        }
    }

    /** Sends with Kong's retries; the batch is dropped (counted) once {@code max_retry_time} has passed. */
    private void deliver(List<E> batch) {
        long start = nanoClock.getAsLong();
        for (int retry = 0; ; retry++) {
            String failure;
            try {
                if (sender.send(batch)) {
                    failing = false;
                    counts.sent.addAndGet(batch.size());
                    if (losing) {
                        losing = false;
                        LOG.info(() -> "queue " + name + ": entries are delivered again");
                    }
                    return;
                }
                failure = "nil";
                LOG.severe(() -> "queue " + name + ": handler returned falsy value but no error information");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure = "interrupted";
            } catch (Exception e) {
                failure = e.getMessage() != null ? e.getMessage() : e.toString();
            }
            counts.failedSends.incrementAndGet();
            String why = failure;
            // Kong's words, warned at each try as Kong's queue warns: a queue that retries (http-log's)
            // tries at the pace of its backoff, one batch at a time. One that never retries
            // (file-log's) fails once per batch, at the pace of the clients: warned at the first
            // failure of a run, then FINE.
            boolean retries = spec.maxRetryTimeMs() >= 0;
            LOG.log(
                    failing && !retries ? Level.FINE : Level.WARNING,
                    "queue {0}: handler could not process entries: {1}",
                    new Object[] {name, why});
            failing = true;
            long elapsedMs = TimeUnit.NANOSECONDS.toMillis(nanoClock.getAsLong() - start);
            if (spec.maxRetryTimeMs() < 0 || elapsedMs > spec.maxRetryTimeMs() || closing) {
                counts.lost.addAndGet(batch.size());
                // A queue that never retries (file-log's) names no max_retry_time it does not have
                // (helper review 246: an operator would tune a setting file-log lacks).
                LOG.log(
                        losing && !retries ? Level.FINE : Level.SEVERE,
                        retries
                                ? "queue {0}: could not send entries due to max_retry_time exceeded. {1} queue entries"
                                        + " were lost (last failure: {2})"
                                : "queue {0}: {1} queue entries were lost (last failure: {2})",
                        new Object[] {name, batch.size(), why});
                losing = true;
                return;
            }
            // Kong's whole delay, max_retry_time looked at only after the next failure (helper review
            // 218: cut short here, the last try came at max_retry_time where Kong's comes a delay later).
            long until = nanoClock.getAsLong() + TimeUnit.MILLISECONDS.toNanos(spec.retryDelayMs(retry));
            for (long left = until - nanoClock.getAsLong();
                    left > 0 && !closing && !Thread.currentThread().isInterrupted();
                    left = until - nanoClock.getAsLong()) {
                LockSupport.parkNanos(this, left); // (it may return early: parked again for the rest)
            }
            if (Thread.currentThread().isInterrupted()) {
                counts.lost.addAndGet(batch.size());
                return;
            }
        }
    }

    /**
     * A reload's retirement: sends what waits without waiting for company, each batch with its
     * retries as before (Kong's queue keeps retrying a batch for {@code max_retry_time} whatever
     * the configuration does: an endpoint down across a reload lost its entries here), then stops;
     * after {@code waitMillis} it is {@linkplain #close closed}. Entries offered meanwhile (a
     * request of the older configuration) are sent too.
     */
    public void retire(long waitMillis) {
        draining = true;
        awaitWorker(waitMillis);
        close(1_000);
    }

    /**
     * Stops taking entries and sends what waits (one try each, no coalescing), for at most
     * {@code waitMillis}; what is left then is dropped.
     */
    public void close(long waitMillis) {
        closing = true;
        Thread t = awaitWorker(waitMillis);
        if (t != null && t.isAlive()) {
            t.interrupt();
        }
    }

    /** Wakes the worker and waits for it to stop, {@code waitMillis} at most; the worker, or null when none runs. */
    private Thread awaitWorker(long waitMillis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
        Thread t = null;
        // Until no worker runs: one that stopped as an offer started the next (attacker review 309)
        // is followed to the next.
        while (running.get() && !Thread.currentThread().isInterrupted()) {
            Thread w = worker;
            long left = deadline - System.nanoTime();
            if (w == null || left <= 0) {
                break;
            }
            t = w;
            LockSupport.unpark(w);
            try {
                w.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (!w.isAlive() && running.get() && worker == w) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1)); // the next is being started
            }
        }
        return t;
    }
}
