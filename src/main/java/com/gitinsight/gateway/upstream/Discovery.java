package com.gitinsight.gateway.upstream;

import com.gitinsight.gateway.config.UpstreamSpec.TargetSpec;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps one pool's named targets resolved: each name is asked again when its TTL (bounded by
 * min/max) runs out, and a changed answer adds or removes targets in the pool. A failed lookup
 * keeps the last good addresses and is logged once until the outcome changes.
 */
final class Discovery implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Discovery.class.getName());

    /** Bounds on how soon and how late a name is resolved again, and the retry after a failure. */
    record Settings(long minTtlSeconds, long maxTtlSeconds, long errorRetrySeconds) {}

    private final UpstreamPool pool;
    private final DnsResolver resolver;
    private final ScheduledExecutorService scheduler;
    private final Executor io;
    private final Settings settings;
    private final Map<TargetSpec, String> lastOutcome = new ConcurrentHashMap<>();
    private final Map<TargetSpec, ScheduledFuture<?>> pending = new ConcurrentHashMap<>();
    private volatile boolean closed;

    Discovery(
            UpstreamPool pool,
            DnsResolver resolver,
            ScheduledExecutorService scheduler,
            Executor io,
            Settings settings) {
        this.pool = pool;
        this.resolver = resolver;
        this.scheduler = scheduler;
        this.io = io;
        this.settings = settings;
    }

    void start() {
        for (TargetSpec t : pool.namedTargets()) {
            schedule(t, 0);
        }
    }

    private void schedule(TargetSpec target, long delaySeconds) {
        if (closed) {
            return;
        }
        try {
            pending.put(
                    target,
                    scheduler.schedule(() -> io.execute(() -> resolve(target)), delaySeconds, TimeUnit.SECONDS));
        } catch (RejectedExecutionException e) {
            // shutting down
        }
    }

    private void resolve(TargetSpec target) {
        if (closed) {
            return;
        }
        DnsResolver.Answer answer = answer(target);
        if (closed) {
            return;
        }
        if (answer.error() == null) {
            pool.update(target, answer.endpoints());
            String outcome =
                    answer.endpoints().stream().map(Endpoint::key).toList().toString();
            if (!Objects.equals(lastOutcome.put(target, outcome), outcome)) {
                LOG.info(() -> "upstream " + pool.name() + ": " + target.host() + " resolves to " + outcome);
            }
            schedule(
                    target,
                    Math.max(settings.minTtlSeconds(), Math.min(settings.maxTtlSeconds(), answer.ttlSeconds())));
        } else {
            String outcome = "error: " + answer.error();
            if (!Objects.equals(lastOutcome.put(target, outcome), outcome)) {
                LOG.log(
                        Level.WARNING,
                        () -> "upstream " + pool.name() + ": cannot resolve " + target.host() + " (" + answer.error()
                                + "); keeping its last known addresses, else connecting by name");
            }
            schedule(target, settings.errorRetrySeconds());
        }
    }

    private DnsResolver.Answer answer(TargetSpec target) {
        try {
            return resolver.resolve(target);
        } catch (RuntimeException e) {
            return DnsResolver.Answer.failed(e.toString());
        }
    }

    @Override
    public void close() {
        closed = true;
        pending.values().forEach(f -> f.cancel(false));
    }
}
