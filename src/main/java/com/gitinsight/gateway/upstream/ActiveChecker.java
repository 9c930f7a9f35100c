package com.gitinsight.gateway.upstream;

import com.gitinsight.gateway.config.HealthCheckSpec;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Kong's active health checks for one pool: every {@code healthy.interval} the targets in rotation
 * are probed, every {@code unhealthy.interval} those out of it. A round runs at most
 * {@code concurrency} probes at once on the shared probe threads, never on a request thread; a
 * round still running when the next is due is not doubled. {@link #close()} stops it (reload,
 * undeploy).
 */
final class ActiveChecker implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ActiveChecker.class.getName());

    private final UpstreamPool pool;
    private final HealthCheckSpec.Active rule;
    private final ScheduledExecutorService scheduler;
    private final Executor probes;
    private final Prober prober;
    private final AtomicInteger[] running = {new AtomicInteger(), new AtomicInteger()};
    private final List<ScheduledFuture<?>> rounds = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile boolean closed;

    ActiveChecker(UpstreamPool pool, ScheduledExecutorService scheduler, Executor probes, Prober prober) {
        this.pool = pool;
        this.rule = pool.spec().healthchecks().active();
        this.scheduler = scheduler;
        this.probes = probes;
        this.prober = prober;
    }

    void start() {
        schedule(true, rule.healthyIntervalMs());
        schedule(false, rule.unhealthyIntervalMs());
    }

    private void schedule(boolean healthy, long intervalMs) {
        if (intervalMs > 0) {
            rounds.add(scheduler.scheduleWithFixedDelay(
                    () -> round(healthy), intervalMs, intervalMs, TimeUnit.MILLISECONDS));
        }
    }

    /** One round over the targets currently in (healthy) or out of (not healthy) rotation. */
    void round(boolean healthy) {
        AtomicInteger live = running[healthy ? 0 : 1];
        if (closed || live.get() > 0) {
            return;
        }
        Queue<Target> queue = new ConcurrentLinkedQueue<>();
        // Two names on one address share its health: one probe per round counts for both (two
        // would count each round twice).
        java.util.Set<TargetHealth> probed = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (Target t : pool.targets()) {
            boolean out = t.health().state() == TargetHealth.State.UNHEALTHY;
            if (t.weight() > 0 && out != healthy && probed.add(t.health())) {
                queue.add(t);
            }
        }
        int workers = Math.min(rule.concurrency(), queue.size());
        for (int i = 0; i < workers; i++) {
            live.incrementAndGet();
            try {
                probes.execute(() -> drain(queue, live));
            } catch (RejectedExecutionException e) {
                live.decrementAndGet();
                return;
            }
        }
    }

    private void drain(Queue<Target> queue, AtomicInteger live) {
        try {
            Target t;
            while (!closed && (t = queue.poll()) != null) {
                ProbeResult result = prober.probe(t, rule, pool.spec());
                if (!closed && result.counted()) {
                    t.health().activeResult(rule, result.failure());
                }
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "health probe of upstream " + pool.name() + " failed unexpectedly", e);
        } finally {
            live.decrementAndGet();
        }
    }

    @Override
    public void close() {
        closed = true;
        rounds.forEach(f -> f.cancel(false));
    }
}
