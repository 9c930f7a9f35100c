package com.gitinsight.gateway.upstream;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What the gateway knows about one address of one upstream and keeps across reloads and DNS
 * changes: requests in flight, health, and the response-time average the latency balancer uses.
 */
final class TargetState {

    /** Kong's latency balancer's DECAY_TIME: how fast a measurement fades, in nanoseconds. */
    static final double DECAY_NANOS = 10e9;

    final AtomicInteger active = new AtomicInteger();
    final TargetHealth health;
    /** Kong's ewma and ewma_last_touched_at of this address (0: never measured). */
    private final AtomicReference<Ewma> ewma = new AtomicReference<>(Ewma.NONE);

    /** A response-time average (microseconds) and when it was last touched (nanoTime; 0: never). */
    record Ewma(double micros, long touchedNanos) {
        static final Ewma NONE = new Ewma(0, 0);

        /** Kong's decay_ewma: the average moved towards {@code rtt} by the time since it was touched. */
        double decayed(double rtt, long now) {
            if (touchedNanos == 0) {
                return rtt; // Kong's last_touched_at 0: the weight of the old value is nil
            }
            double weight = Math.exp(-Math.max(0, now - touchedNanos) / DECAY_NANOS);
            return micros * weight + rtt * (1.0 - weight);
        }
    }

    TargetState(TargetHealth health) {
        this.health = health;
    }

    Ewma ewma() {
        return ewma.get();
    }

    /** Kong's afterBalance: the answer's time folds into the average (lock-free). */
    void recordLatency(long micros) {
        long now = System.nanoTime();
        ewma.updateAndGet(old -> new Ewma(old.decayed(micros, now), now));
    }

    /** Kong's slow start: a never-measured address starts at {@code micros} (the others' average). */
    void startAt(double micros) {
        ewma.compareAndSet(Ewma.NONE, new Ewma(micros, System.nanoTime()));
    }
}
