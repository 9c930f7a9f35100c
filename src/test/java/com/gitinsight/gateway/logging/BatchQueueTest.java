package com.gitinsight.gateway.logging;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.gitinsight.gateway.config.QueueSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Kong 3's queue (spec/01-unit/27-queue_spec.lua): batching, coalescing, dropping the oldest, retries, giving up. */
class BatchQueueTest {

    private final List<BatchQueue<String>> made = new ArrayList<>();

    private BatchQueue<String> queue(QueueSpec spec, BatchQueue.Sender<String> sender) {
        return queue(spec, BatchQueue.Coalescing.KONG, sender);
    }

    private BatchQueue<String> queue(
            QueueSpec spec, BatchQueue.Coalescing coalescing, BatchQueue.Sender<String> sender) {
        BatchQueue<String> q = new BatchQueue<>("test", spec, coalescing, sender, Thread::new, new BatchQueue.Counts());
        made.add(q);
        return q;
    }

    @AfterEach
    void close() {
        made.forEach(q -> q.close(1_000));
    }

    /** A Kong-coalescing queue whose worker threads {@code threads} makes. */
    private BatchQueue<String> queue(
            QueueSpec spec, BatchQueue.Sender<String> sender, java.util.concurrent.ThreadFactory threads) {
        BatchQueue<String> q =
                new BatchQueue<>("test", spec, BatchQueue.Coalescing.KONG, sender, threads, new BatchQueue.Counts());
        made.add(q);
        return q;
    }

    private static QueueSpec spec(int batch, long delayMs, int entries, long retryTimeMs) {
        return new QueueSpec(batch, delayMs, entries, 0, retryTimeMs, 5, 40, 1);
    }

    @Test
    void oneAtATimeWhenTheBatchSizeIsOne() {
        List<List<String>> sent = Collections.synchronizedList(new ArrayList<>());
        BatchQueue<String> q = queue(spec(1, 0, 100, 1000), b -> sent.add(List.copyOf(b)));
        q.offer("One", 3);
        q.offer("Two", 3);
        await().atMost(Duration.ofSeconds(5)).until(() -> sent.size() == 2);
        assertEquals(List.of(List.of("One"), List.of("Two")), sent);
    }

    @Test
    void aWorkerKilledByAnErrorIsReplacedByTheNextOffer() {
        // An Error (out of memory on a huge batch) ends the worker; the queue must not think it still runs.
        // (A plain Error here: surefire's fork exits on an OutOfMemoryError in any thread.)
        List<String> sent = Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.atomic.AtomicBoolean first = new java.util.concurrent.atomic.AtomicBoolean(true);
        BatchQueue<String> q = queue(spec(1, 0, 100, 1000), b -> {
            if (first.getAndSet(false)) {
                throw new Error("test: the worker dies");
            }
            return sent.addAll(b);
        });
        q.offer("One", 3);
        await().atMost(Duration.ofSeconds(5)).dontCatchUncaughtExceptions().until(() -> !first.get());
        await().atMost(Duration.ofSeconds(5)).dontCatchUncaughtExceptions().until(() -> {
            q.offer("Two", 3);
            return sent.contains("Two");
        });
    }

    @Test
    void unlimitedConcurrencySendsEachEntryAloneAtOnce() {
        // Kong's concurrency_limit -1: no coalescing, one entry per send, whatever max_batch_size says.
        List<List<String>> sent = Collections.synchronizedList(new ArrayList<>());
        BatchQueue<String> q = queue(new QueueSpec(10, 60_000, 100, 0, 1000, 5, 40, -1), b -> sent.add(List.copyOf(b)));
        q.offer("One", 3);
        q.offer("Two", 3);
        q.offer("Three", 3);
        await().atMost(Duration.ofSeconds(5)).until(() -> sent.size() == 3); // not held for the 60 s delay
        assertEquals(List.of(List.of("One"), List.of("Two"), List.of("Three")), sent);
    }

    @Test
    void aBurstWakesAPollingWorkerBeforeTheQueueFills() {
        // Between polls an offer does not wake the worker, but half of max_entries does: a burst
        // larger than the queue within one poll would otherwise be dropped while the worker waits.
        List<String> sent = Collections.synchronizedList(new ArrayList<>());
        BatchQueue<String> q = queue(spec(1, 0, 8, 1000), sent::addAll);
        q.offer("first", 5);
        await().atMost(Duration.ofSeconds(5)).until(() -> sent.size() == 1); // now it polls
        // Four at once wake it (half of 8); tried again should the poll's own timer take some first.
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            long before = q.wakes();
            for (int i = 0; i < 4; i++) {
                q.offer("burst" + i, 6);
            }
            return q.wakes() > before;
        });
    }

    @Test
    void aBurstOfBytesWakesAPollingWorkerToo() {
        List<String> sent = Collections.synchronizedList(new ArrayList<>());
        BatchQueue<String> q = queue(new QueueSpec(1, 0, 1000, 100, 1000, 5, 40, 1), sent::addAll);
        q.offer("first", 5);
        await().atMost(Duration.ofSeconds(5)).until(() -> sent.size() == 1);
        // Two entries of 30 bytes pass half of max_bytes (100), far below half of max_entries.
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            long before = q.wakes();
            q.offer("a", 30);
            q.offer("b", 30);
            return q.wakes() > before;
        });
    }

    @Test
    void batchesWhatArrivesWithinTheCoalescingDelay() {
        List<List<String>> sent = Collections.synchronizedList(new ArrayList<>());
        BatchQueue<String> q = queue(spec(2, 300, 100, 1000), b -> sent.add(List.copyOf(b)));
        for (String s : List.of("One", "Two", "Three", "Four", "Five")) {
            q.offer(s, 3);
        }
        await().atMost(Duration.ofSeconds(5))
                .until(() -> sent.stream().mapToInt(List::size).sum() == 5);
        assertEquals(3, sent.size(), sent.toString());
        assertEquals("One", sent.get(0).get(0));
        assertEquals("Five", sent.get(2).get(0));
    }

    /** Sends of a queue whose first batch is held by its sender until {@code waiting} more are queued. */
    private List<List<String>> sendsAfterABlockedOne(BatchQueue.Coalescing coalescing, QueueSpec spec, int waiting)
            throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch sending = new CountDownLatch(1);
        List<List<String>> sent = Collections.synchronizedList(new ArrayList<>());
        BatchQueue<String> q = queue(spec, coalescing, b -> {
            sending.countDown();
            release.await(5, TimeUnit.SECONDS);
            sent.add(List.copyOf(b));
            return true;
        });
        q.offer("Blocker", 7);
        assertTrue(sending.await(5, TimeUnit.SECONDS));
        for (int i = 1; i <= waiting; i++) {
            q.offer("e" + i, 2);
        }
        release.countDown();
        await().atMost(Duration.ofSeconds(5))
                .until(() -> sent.stream().mapToInt(List::size).sum() == waiting + 1);
        return sent;
    }

    @Test
    void aCoalescingDelayUnderFiftyMillisecondsSendsEachEntryAloneAsKongsQueueDoes() throws Exception {
        // Kong's process_once takes another entry only while max_coalescing_delay has at least
        // COALESCE_MIN_TIME (0.05 s) left: with 0 or 0.049 every batch is one entry, however many wait.
        for (long delay : new long[] {0, 49}) {
            List<List<String>> sent = sendsAfterABlockedOne(BatchQueue.Coalescing.KONG, spec(10, delay, 100, 1000), 5);
            assertEquals(
                    List.of(
                            List.of("Blocker"),
                            List.of("e1"),
                            List.of("e2"),
                            List.of("e3"),
                            List.of("e4"),
                            List.of("e5")),
                    sent,
                    "delay " + delay);
        }
        // At 50 ms Kong still takes what waits (its clock does not move within one turn).
        List<List<String>> sent = sendsAfterABlockedOne(BatchQueue.Coalescing.KONG, spec(10, 50, 100, 1000), 5);
        assertEquals(List.of("e1", "e2", "e3", "e4", "e5"), sent.get(1));
        // file-log's writer takes whatever waits: lines per system call.
        sent = sendsAfterABlockedOne(BatchQueue.Coalescing.WAITING, spec(10, 0, 100, 1000), 5);
        assertEquals(List.of(List.of("Blocker"), List.of("e1", "e2", "e3", "e4", "e5")), sent);
    }

    @Test
    void entriesThatComeWhileKongsQueueWaitsJoinItsBatch() throws Exception {
        // Kong's semaphore wait returns with each entry as it is posted: entries offered during the
        // delay go in the first batch, not the next one a whole delay later (helper review 297).
        List<List<String>> sent = Collections.synchronizedList(new ArrayList<>());
        BatchQueue<String> q = queue(spec(10, 1_000, 100, 1000), b -> sent.add(List.copyOf(b)));
        q.offer("e0", 2);
        for (int i = 1; i <= 4; i++) {
            Thread.sleep(50); // arriving during the coalescing wait is what is under test
            q.offer("e" + i, 2);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> !sent.isEmpty());
        assertEquals(List.of("e0", "e1", "e2", "e3", "e4"), sent.get(0));
    }

    @Test
    void kongsQueueStopsCollectingWhenLessThanFiftyMillisecondsOfTheDelayAreLeft() throws Exception {
        // Each reading of the worker's clock moves it on 30 ms once the first batch was sent: a
        // delay of 300 ms has less than 50 ms left at the ninth reading, with entries still waiting.
        for (BatchQueue.Coalescing coalescing : BatchQueue.Coalescing.values()) {
            AtomicInteger reads = new AtomicInteger();
            java.util.concurrent.atomic.AtomicLong step = new java.util.concurrent.atomic.AtomicLong();
            java.util.function.LongSupplier clock = () -> System.nanoTime() + reads.incrementAndGet() * step.get();
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch sending = new CountDownLatch(1);
            List<List<String>> sent = Collections.synchronizedList(new ArrayList<>());
            BatchQueue<String> q = new BatchQueue<>(
                    "test",
                    spec(10, 300, 100, 1000),
                    coalescing,
                    b -> {
                        sending.countDown();
                        release.await(5, TimeUnit.SECONDS);
                        sent.add(List.copyOf(b));
                        return true;
                    },
                    Thread::new,
                    new BatchQueue.Counts(),
                    clock);
            made.add(q);
            q.offer("Blocker", 7);
            assertTrue(sending.await(5, TimeUnit.SECONDS));
            for (int i = 1; i <= 20; i++) {
                q.offer("e" + i, 2);
            }
            reads.set(0);
            step.set(TimeUnit.MILLISECONDS.toNanos(30));
            release.countDown();
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> sent.stream().mapToInt(List::size).sum() == 21);
            int second = sent.get(1).size();
            if (coalescing == BatchQueue.Coalescing.KONG) {
                assertTrue(second > 1 && second < 10, "stopped early, having coalesced: " + sent);
            } else {
                assertEquals(10, second, sent.toString());
            }
            assertEquals("e1", sent.get(1).get(0));
        }
    }

    @Test
    void theFirstEntryWaitsForCompanyUpToTheDelay() throws Exception {
        List<List<String>> sent = Collections.synchronizedList(new ArrayList<>());
        BatchQueue<String> q = queue(spec(2, 2_000, 100, 1000), b -> sent.add(List.copyOf(b)));
        q.offer("One", 3);
        Thread.sleep(300); // the coalescing window itself is what is under test
        assertTrue(sent.isEmpty());
        q.offer("Two", 3);
        await().atMost(Duration.ofSeconds(5)).until(() -> sent.size() == 1);
        assertEquals(List.of("One", "Two"), sent.get(0));
    }

    @Test
    void entriesArrivingSteadilyDoNotWakeTheWorkerOneByOne() {
        // file-log's queue (send whatever waits) and http-log's (batches of 100 within a second), fed
        // as requests feed them: an entry every 50 us. A wake per entry is a system call and a
        // context switch per request; found by the worker's own polls instead, they are rare.
        for (QueueSpec spec : List.of(spec(1024, 0, 100_000, 1000), spec(100, 1000, 100_000, 1000))) {
            java.util.concurrent.atomic.AtomicInteger got = new java.util.concurrent.atomic.AtomicInteger();
            BatchQueue.Coalescing coalescing =
                    spec.coalescingDelayMs() == 0 ? BatchQueue.Coalescing.WAITING : BatchQueue.Coalescing.KONG;
            BatchQueue<String> q = queue(spec, coalescing, b -> got.addAndGet(b.size()) >= 0);
            for (int i = 0; i < 2000; i++) {
                q.offer("e" + i, 2);
                long until = System.nanoTime() + 50_000;
                while (System.nanoTime() < until) {
                    Thread.onSpinWait();
                }
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> got.get() == 2000);
            assertTrue(q.wakes() < 100, "woken " + q.wakes() + " times for 2000 entries (" + spec + ")");
        }
    }

    @Test
    void aBatchThatFillsIsSentWithoutWaitingForTheDelay() {
        List<List<String>> sent = Collections.synchronizedList(new ArrayList<>());
        BatchQueue<String> q = queue(spec(3, 60_000, 100, 1000), b -> sent.add(List.copyOf(b)));
        q.offer("One", 3);
        q.offer("Two", 3);
        q.offer("Three", 3);
        await().atMost(Duration.ofSeconds(5)).until(() -> sent.size() == 1);
        assertEquals(List.of("One", "Two", "Three"), sent.get(0));
    }

    @Test
    void aFullQueueDropsTheOldestAndCountsThem() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch sending = new CountDownLatch(1);
        List<List<String>> sent = Collections.synchronizedList(new ArrayList<>());
        // Kong's spec "drops entries when queue reaches its capacity" (max_coalescing_delay 0.1).
        BatchQueue<String> q = queue(spec(2, 100, 2, 1000), b -> {
            sending.countDown();
            release.await(5, TimeUnit.SECONDS);
            sent.add(List.copyOf(b));
            return true;
        });
        q.offer("Blocker", 7);
        assertTrue(sending.await(5, TimeUnit.SECONDS)); // the sender holds it
        long before = System.nanoTime();
        for (String s : List.of("One", "Two", "Three", "Four", "Five")) {
            assertTrue(q.offer(s, 3));
        }
        assertTrue(System.nanoTime() - before < TimeUnit.SECONDS.toNanos(1), "offer never waits");
        assertEquals(3, q.counts().dropped());
        release.countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> sent.size() == 2);
        assertEquals(List.of("Four", "Five"), sent.get(1));
    }

    @Test
    void aBatchBeingCollectedCountsInTheQueuesBoundsAndIsCutWhenTheyAreReached() {
        // Kong keeps coalescing entries in its queue: a large max_batch_size and a long
        // max_coalescing_delay hold at most max_entries (here they were held apart, unbounded).
        List<List<String>> sent = Collections.synchronizedList(new ArrayList<>());
        BatchQueue<String> q = queue(spec(100, 60_000, 5, 1000), b -> sent.add(List.copyOf(b)));
        for (String s : List.of("1", "2", "3", "4", "5")) {
            q.offer(s, 1);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> sent.size() == 1); // not held for the 60 s delay
        assertEquals(List.of("1", "2", "3", "4", "5"), sent.get(0));
        assertEquals(0, q.counts().dropped());
        assertEquals(0, q.size());
        // Half of max_bytes cuts it too.
        List<List<String>> byBytes = Collections.synchronizedList(new ArrayList<>());
        BatchQueue<String> b =
                queue(new QueueSpec(100, 60_000, 1000, 30, 1000, 5, 40, 1), x -> byBytes.add(List.copyOf(x)));
        b.offer("a", 10);
        b.offer("b", 10);
        await().atMost(Duration.ofSeconds(5)).until(() -> !byBytes.isEmpty());
        assertEquals(0, b.counts().dropped());
    }

    /** Something that may throw, run while the queue's log is kept. */
    private interface Step {
        void run() throws Exception;
    }

    /** The messages the queue logged at SEVERE while {@code step} ran. */
    private static List<String> errorsWhile(Step step) throws Exception {
        List<java.util.logging.LogRecord> logged = Collections.synchronizedList(new ArrayList<>());
        java.util.logging.Logger logger = java.util.logging.Logger.getLogger(BatchQueue.class.getName());
        java.util.logging.Handler handler = collecting(logged);
        logger.addHandler(handler);
        try {
            step.run();
        } finally {
            logger.removeHandler(handler);
        }
        return logged.stream()
                .filter(r -> r.getLevel() == java.util.logging.Level.SEVERE)
                .map(java.util.logging.LogRecord::getMessage)
                .toList();
    }

    // Kong's queue spec "drops entries when it reaches its max_bytes" and "warns about improper
    // max_bytes setting": its errors, in its words (here at most once a minute each: a client
    // chooses the sizes).
    @Test
    void entriesDroppedForBytesAreKongsErrors() throws Exception {
        assertEquals(
                List.of(
                        "queue test: byte capacity exceeded, 3 queue entries were dropped",
                        "queue test: string to be queued is longer (7 bytes) than the queue's max_bytes (6 bytes)"),
                errorsWhile(this::maxBytesDropsOldEntriesToMakeRoomAndRefusesOneTooLong),
                "the second entry too long is not an error again");
    }

    @Test
    void aFullQueueIsKongsErrorOnceUntilItResumes() throws Exception {
        List<String> errors = errorsWhile(() -> {
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch sending = new CountDownLatch(1);
            BatchQueue<String> q = queue(spec(1, 0, 2, -1), b -> {
                sending.countDown();
                return release.await(5, TimeUnit.SECONDS);
            });
            q.offer("e0", 1);
            assertTrue(sending.await(5, TimeUnit.SECONDS));
            for (int i = 1; i < 6; i++) {
                q.offer("e" + i, 1);
            }
            release.countDown();
            assertEquals(3, q.counts().dropped());
        });
        assertEquals(
                List.of("queue test: queue full, dropping old entries until processing is successful again"), errors);
    }

    @Test
    void maxBytesDropsOldEntriesToMakeRoomAndRefusesOneTooLong() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch sending = new CountDownLatch(1);
        List<String> sent = Collections.synchronizedList(new ArrayList<>());
        BatchQueue<String> q = queue(new QueueSpec(1, 0, 100, 6, 1000, 5, 40, 1), b -> {
            sending.countDown();
            release.await(5, TimeUnit.SECONDS);
            sent.addAll(b);
            return true;
        });
        q.offer("0", 1);
        assertTrue(sending.await(5, TimeUnit.SECONDS));
        q.offer("1", 1);
        q.offer("22", 2);
        q.offer("333", 3);
        q.offer("4444", 4);
        assertEquals(3, q.counts().dropped(), "1, 22 and 333 made room for 4444");
        assertFalse(q.offer("7777777", 7), "longer than max_bytes on its own");
        assertFalse(q.offer("8888888", 7), "again");
        release.countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> sent.contains("4444"));
        assertEquals(List.of("0", "4444"), sent);
    }

    @Test
    void aFailedSendIsRetriedUntilItSucceeds() {
        AtomicInteger calls = new AtomicInteger();
        BatchQueue<String> q = queue(spec(1, 0, 100, 10_000), b -> {
            if (calls.incrementAndGet() < 3) {
                throw new java.io.IOException("returned status code 500");
            }
            return true;
        });
        q.offer("Hello", 5);
        await().atMost(Duration.ofSeconds(5)).until(() -> q.counts().sent() == 1);
        assertEquals(3, calls.get());
        assertEquals(2, q.counts().failedSends());
        assertEquals(0, q.counts().lost());
    }

    // Helper review 305: a reload that retires a queue (its instance's headers changed) while its
    // endpoint is down lost the waiting entries after one try each; Kong's queue goes on retrying.
    @Test
    void aRetiredQueueSendsWhatWaitsWithItsRetries() {
        AtomicInteger calls = new AtomicInteger();
        List<String> sent = Collections.synchronizedList(new ArrayList<>());
        BatchQueue<String> q = queue(spec(1, 0, 100, 10_000), b -> {
            if (calls.incrementAndGet() < 6) {
                throw new java.io.IOException("connection refused");
            }
            sent.addAll(b);
            return true;
        });
        q.offer("One", 3);
        q.offer("Two", 3);
        q.retire(5_000);
        assertEquals(List.of("One", "Two"), sent);
        assertEquals(0, q.counts().lost());
        assertFalse(q.offer("Three", 5), "stopped: closed after it");
    }

    // Attacker review 307: a close while a batch waited for company left the worker spinning until
    // the coalescing delay ran out (it read "closing" once per batch), its batch then lost.
    @Test
    void aCloseWhileABatchWaitsForCompanySendsItAtOnce() {
        List<Thread> threads = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<String> sent = Collections.synchronizedList(new ArrayList<>());
        BatchQueue<String> q = queue(spec(10, 60_000, 100, 1000), sent::addAll, r -> {
            Thread t = new Thread(r);
            threads.add(t);
            return t;
        });
        q.offer("a", 1);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> !threads.isEmpty() && threads.get(0).getState() == Thread.State.TIMED_WAITING);
        q.close(5_000);
        await().atMost(Duration.ofSeconds(2)).until(() -> sent.contains("a"));
        await().atMost(Duration.ofSeconds(2)).until(() -> !threads.get(0).isAlive());
    }

    // Attacker review 309: a worker that could not be started left the queue saying one ran, and
    // it never sent again (and the error reached the request's thread).
    @Test
    void aWorkerThatCannotBeStartedIsTriedAgainByTheNextOffer() {
        AtomicInteger starts = new AtomicInteger();
        List<String> sent = Collections.synchronizedList(new ArrayList<>());
        BatchQueue<String> q = queue(spec(10, 0, 100, 1000), sent::addAll, r -> {
            if (starts.incrementAndGet() == 1) {
                throw new IllegalStateException("the container is stopping");
            }
            return new Thread(r);
        });
        assertTrue(q.offer("a", 1), "taken, never an error to the request");
        q.offer("b", 1);
        await().atMost(Duration.ofSeconds(5)).until(() -> sent.size() == 2);
        assertEquals(List.of("a", "b"), sent);
    }

    @Test
    void aBatchIsLostOnceMaxRetryTimeHasPassedAndTheQueueGoesOn() {
        AtomicInteger calls = new AtomicInteger();
        List<String> sent = Collections.synchronizedList(new ArrayList<>());
        BatchQueue<String> q = queue(spec(1, 0, 100, 200), b -> {
            if (b.contains("Two")) {
                calls.incrementAndGet();
                return false;
            }
            sent.addAll(b);
            return true;
        });
        q.offer("One", 3);
        q.offer("Two", 3);
        q.offer("Three", 5);
        await().atMost(Duration.ofSeconds(5)).until(() -> sent.size() == 2);
        assertEquals(List.of("One", "Three"), sent);
        assertEquals(1, q.counts().lost());
        assertTrue(calls.get() > 1, "retried before giving up: " + calls.get());
    }

    // Kong's queue warns at each failed try and errs at each batch it gives up on (helper review 78:
    // only the first failure of a run was warned); a queue that never retries (file-log's) is
    // warned once per run, then at FINE: its clients drive how often it fails.
    @Test
    void eachFailedTryIsWarnedWhereTheQueueRetries() {
        for (long retryTime : new long[] {30, -1}) {
            List<java.util.logging.LogRecord> logged = Collections.synchronizedList(new ArrayList<>());
            java.util.logging.Logger logger = java.util.logging.Logger.getLogger(BatchQueue.class.getName());
            java.util.logging.Handler handler = collecting(logged);
            logger.addHandler(handler);
            try {
                AtomicInteger calls = new AtomicInteger();
                BatchQueue<String> q = queue(spec(1, 0, 100, retryTime), b -> {
                    calls.incrementAndGet();
                    return false;
                });
                q.offer("One", 3);
                await().atMost(Duration.ofSeconds(5)).until(() -> q.counts().lost() == 1);
                q.offer("Two", 3);
                await().atMost(Duration.ofSeconds(5)).until(() -> q.counts().lost() == 2);
                long warned = logged.stream()
                        .filter(r -> r.getLevel() == java.util.logging.Level.WARNING)
                        .filter(r -> r.getMessage().contains("handler could not process entries"))
                        .count();
                long lost = logged.stream()
                        .filter(r -> r.getLevel() == java.util.logging.Level.SEVERE)
                        .filter(r -> r.getMessage().contains("queue entries were lost"))
                        .count();
                // Kong's handle(): a handler that failed without saying why is an error of its own.
                assertEquals(
                        calls.get(),
                        logged.stream()
                                .filter(r -> r.getLevel() == java.util.logging.Level.SEVERE)
                                .filter(r -> r.getMessage()
                                        .equals("queue test: handler returned falsy value but no error information"))
                                .count());
                if (retryTime >= 0) {
                    assertEquals(calls.get(), warned, "every try of both batches");
                    assertTrue(calls.get() > 2, "retried: " + calls.get());
                    assertEquals(2, lost, "each batch given up on");
                } else {
                    assertEquals(2, calls.get());
                    assertEquals(1, warned, "the first failure of the run");
                    assertEquals(1, lost);
                }
            } finally {
                logger.removeHandler(handler);
            }
        }
    }

    // Helper review 218: Kong sleeps each retry's whole delay and looks at max_retry_time only
    // after the next failure; the delay was cut short to end at max_retry_time.
    @Test
    void eachRetryWaitsItsWholeDelayAsKongsQueue() {
        List<Long> tries = Collections.synchronizedList(new ArrayList<>());
        BatchQueue<String> q = queue(new QueueSpec(1, 0, 100, 0, 30, 300, 600, 1), b -> {
            tries.add(System.nanoTime());
            return false;
        });
        q.offer("One", 3);
        await().atMost(Duration.ofSeconds(5)).until(() -> q.counts().lost() == 1);
        assertEquals(2, tries.size(), "one retry: max_retry_time had passed at its failure");
        long waited = tries.get(1) - tries.get(0);
        assertTrue(waited >= java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(300), "the whole delay: " + waited);
    }

    @Test
    void kongsRetryDelaysDoubleUpToTheCap() {
        QueueSpec s = new QueueSpec(1, 0, 1, 0, 60_000, 10, 60_000, 1);
        assertEquals(10, s.retryDelayMs(0));
        assertEquals(20, s.retryDelayMs(1));
        assertEquals(40, s.retryDelayMs(2));
        assertEquals(60_000, s.retryDelayMs(30));
    }

    @Test
    void nothingIsLostWithinTheQueuesBoundsWhenSendsFailNowAndThen() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        List<String> sent = Collections.synchronizedList(new ArrayList<>());
        BatchQueue<String> q = queue(spec(50, 5, 1000, 10_000), b -> {
            if (calls.incrementAndGet() % 3 == 0) {
                throw new java.io.IOException("connection refused");
            }
            sent.addAll(b);
            return true;
        });
        Thread[] producers = new Thread[4];
        for (int p = 0; p < producers.length; p++) {
            int id = p;
            producers[p] = new Thread(() -> {
                for (int i = 0; i < 250; i++) {
                    q.offer(id + ":" + i, 5);
                }
            });
            producers[p].start();
        }
        for (Thread t : producers) {
            t.join();
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> sent.size() == 1000);
        assertEquals(1000, new java.util.HashSet<>(sent).size(), "each entry once");
        assertEquals(0, q.counts().dropped() + q.counts().lost());
        assertTrue(q.counts().failedSends() > 0);
    }

    // Kong's queue spec "warns when queue reaches its capacity limit": once at 80% of max_entries,
    // again only after the queue fell below it.
    @Test
    void aQueueAtEightyPercentOfItsEntriesIsWarnedOnce() {
        List<java.util.logging.LogRecord> logged = Collections.synchronizedList(new ArrayList<>());
        java.util.logging.Logger logger = java.util.logging.Logger.getLogger(BatchQueue.class.getName());
        java.util.logging.Handler handler = collecting(logged);
        logger.addHandler(handler);
        try {
            java.util.concurrent.atomic.AtomicBoolean open = new java.util.concurrent.atomic.AtomicBoolean();
            // Batches of 100 after an hour: nothing leaves the queue until it is full.
            BatchQueue<String> q = queue(spec(100, 3_600_000, 10, -1), b -> open.get());
            java.util.function.LongSupplier warnings = () -> logged.stream()
                    .filter(r -> r.getLevel() == java.util.logging.Level.WARNING)
                    .filter(r -> r.getMessage().contains("queue at 80% capacity"))
                    .count();
            for (int i = 0; i < 7; i++) {
                q.offer("e" + i, 2);
            }
            assertEquals(0, warnings.getAsLong(), "70%");
            q.offer("e7", 2);
            q.offer("e8", 2);
            assertEquals(1, warnings.getAsLong(), "at 80%, once");
        } finally {
            logger.removeHandler(handler);
        }
    }

    /** A log handler that keeps what the queue logs. */
    private static java.util.logging.Handler collecting(List<java.util.logging.LogRecord> into) {
        return new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                into.add(r);
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
    }
}
