package com.gitinsight.gateway.upstream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hc.core5.concurrent.Cancellable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DeadlinesTest {

    private final Deadlines deadlines = new Deadlines("test-deadline");

    @AfterEach
    void close() {
        deadlines.close();
    }

    /** An exchange that counts its cancellations. */
    private static final class Exchange implements Cancellable {
        final AtomicInteger cancelled = new AtomicInteger();

        @Override
        public boolean cancel() {
            cancelled.incrementAndGet();
            return true;
        }
    }

    @Test
    void anExchangePastItsDeadlineIsCancelledOnce() {
        Exchange exchange = new Exchange();
        Deadlines.Armed deadline = deadlines.arm(exchange, 50);
        await().atMost(Duration.ofSeconds(5)).until(deadline::passed);
        assertEquals(1, exchange.cancelled.get());
        assertEquals(0, deadlines.armedCount());
        deadline.close(); // the sender's try-with-resources, after the failure
        assertEquals(1, exchange.cancelled.get());
    }

    @Test
    void anExchangeThatEndsInTimeIsNeverCancelled() {
        Exchange exchange = new Exchange();
        Deadlines.Armed deadline = deadlines.arm(exchange, 100);
        deadline.close();
        await().during(Duration.ofMillis(400)).atMost(Duration.ofSeconds(2)).until(() -> exchange.cancelled.get() == 0);
        assertFalse(deadline.passed());
    }

    @Test
    void aShorterDeadlineArmedLaterIsNotLeftWaitingForALongerOne() {
        Exchange slow = new Exchange();
        Exchange quick = new Exchange();
        Deadlines.Armed longer = deadlines.arm(slow, 60_000);
        Deadlines.Armed shorter = deadlines.arm(quick, 50);
        await().atMost(Duration.ofSeconds(5)).until(shorter::passed);
        assertEquals(1, quick.cancelled.get());
        assertEquals(0, slow.cancelled.get());
        assertFalse(longer.passed());
        longer.close();
    }

    @Test
    void aCheckThatFindsAnExchangeNotYetDueComesBackForIt() {
        Exchange first = new Exchange();
        Exchange second = new Exchange();
        deadlines.arm(first, 50).close(); // the check scheduled for it finds the second not due
        Deadlines.Armed later = deadlines.arm(second, 300);
        await().atMost(Duration.ofSeconds(5)).until(later::passed);
        assertEquals(1, second.cancelled.get());
        assertEquals(0, first.cancelled.get());
    }

    @Test
    void exchangesThatEndInTimeScheduleNoTaskEach() {
        // The point of the design: a sender's steady stream of exchanges does not wake the timer
        // thread once per exchange.
        for (int i = 0; i < 1000; i++) {
            deadlines.arm(new Exchange(), 30_000).close();
        }
        assertEquals(1, deadlines.checksScheduled());
        assertEquals(0, deadlines.armedCount());
    }

    @Test
    void aReplacedCheckDoesNotStartAChainOfItsOwn() {
        // Helper review 293: a check an earlier deadline replaced still ran, and each went on
        // rescheduling for what stayed armed: one chain more per replacement, for good.
        Exchange longest = new Exchange();
        Deadlines.Armed l = deadlines.arm(longest, 600); // check 1, for 600 ms
        Deadlines.Armed a = deadlines.arm(new Exchange(), 300); // check 2, for 300 ms
        Deadlines.Armed b = deadlines.arm(new Exchange(), 50); // check 3, for 50 ms
        // At 50 ms: b aborted, check 4 for 300 ms (beside check 2, replaced). At 300 ms: a
        // aborted, check 5 for 600 ms (beside check 1); check 2 does nothing. At 600 ms: l.
        await().atMost(Duration.ofSeconds(5)).until(() -> l.passed() && a.passed() && b.passed());
        await().during(Duration.ofMillis(300))
                .atMost(Duration.ofSeconds(2))
                .until(() -> deadlines.checksScheduled() == 5);
        assertEquals(1, longest.cancelled.get());
    }

    @Test
    void anAbortThatFailsLeavesTheOthersToBeAborted() {
        Cancellable failing = () -> {
            throw new IllegalStateException("already released");
        };
        Exchange other = new Exchange();
        Deadlines.Armed first = deadlines.arm(failing, 30);
        Deadlines.Armed second = deadlines.arm(other, 30);
        Deadlines.Armed later = deadlines.arm(new Exchange(), 200);
        await().atMost(Duration.ofSeconds(5)).until(() -> first.passed() && second.passed() && later.passed());
        assertEquals(1, other.cancelled.get());
    }

    @Test
    void aClosedOwnerArmsNothing() {
        deadlines.close();
        assertThrows(RejectedExecutionException.class, () -> deadlines.arm(new Exchange(), 1000));
    }

    @Test
    void anExceedinglyLongDeadlineIsNoDeadlineRatherThanAnOverflow() {
        Exchange exchange = new Exchange();
        Deadlines.Armed deadline = deadlines.arm(exchange, Long.MAX_VALUE);
        Deadlines.Armed quick = deadlines.arm(new Exchange(), 20);
        await().atMost(Duration.ofSeconds(5)).until(quick::passed);
        assertFalse(deadline.passed());
        assertEquals(0, exchange.cancelled.get());
        deadline.close();
    }
}
