package com.gitinsight.gateway.upstream;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the gateway knows about one address of one upstream and keeps across reloads and DNS
 * changes: requests in flight, health, and the response-time average the latency balancer uses.
 */
final class TargetState {

    /** Weight of the newest sample in the moving average (Kong's latency balancer uses a decay too). */
    private static final double ALPHA = 0.3;

    final AtomicInteger active = new AtomicInteger();
    final TargetHealth health;
    private final AtomicLong ewmaMicrosBits = new AtomicLong(Double.doubleToRawLongBits(0));

    TargetState(TargetHealth health) {
        this.health = health;
    }

    double ewmaMicros() {
        return Double.longBitsToDouble(ewmaMicrosBits.get());
    }

    void recordLatency(long micros) {
        while (true) {
            long bits = ewmaMicrosBits.get();
            double old = Double.longBitsToDouble(bits);
            double next = old == 0 ? micros : old + ALPHA * (micros - old);
            if (ewmaMicrosBits.compareAndSet(bits, Double.doubleToRawLongBits(next))) {
                return;
            }
        }
    }
}
