package com.gitinsight.gateway.upstream;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What outlives configurations: the target registry (health kept across reloads), the timer and
 * the few background threads that run DNS lookups and health probes, off the request path. One
 * per application; {@link #close()} stops every thread (undeploy).
 */
public final class UpstreamServices implements AutoCloseable {

    /** MicroProfile Config settings (gateway.dns.*, gateway.healthchecks.threads). */
    public record Settings(
            List<InetSocketAddress> dnsServers,
            Duration dnsTimeout,
            long dnsMinTtlSeconds,
            long dnsMaxTtlSeconds,
            long dnsErrorRetrySeconds,
            int probeThreads) {

        public static Settings defaults() {
            return new Settings(List.of(), Duration.ofSeconds(2), 1, 300, 10, 8);
        }
    }

    private final TargetRegistry registry;
    private final ScheduledThreadPoolExecutor timer;
    private final ThreadPoolExecutor io;
    private final Prober prober;
    private final DnsResolver dns;
    private final Discovery.Settings discovery;

    public UpstreamServices(Settings settings, TargetRegistry registry) {
        this(settings, registry, new HttpProber());
    }

    UpstreamServices(Settings settings, TargetRegistry registry, Prober prober) {
        this.registry = registry;
        this.timer = new ScheduledThreadPoolExecutor(1, daemon("gateway-upstream-timer"));
        this.timer.setRemoveOnCancelPolicy(true);
        this.io = new ThreadPoolExecutor(
                settings.probeThreads(),
                settings.probeThreads(),
                30,
                TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(),
                daemon("gateway-upstream-io"));
        this.io.allowCoreThreadTimeOut(true);
        this.prober = prober;
        this.dns = new DnsResolver(settings.dnsServers(), settings.dnsTimeout());
        this.discovery = new Discovery.Settings(
                settings.dnsMinTtlSeconds(), settings.dnsMaxTtlSeconds(), settings.dnsErrorRetrySeconds());
    }

    public TargetRegistry registry() {
        return registry;
    }

    Discovery discovery(UpstreamPool pool) {
        return new Discovery(pool, dns, timer, io, discovery);
    }

    ActiveChecker checker(UpstreamPool pool) {
        return new ActiveChecker(pool, timer, io, prober);
    }

    ScheduledExecutorService timer() {
        return timer;
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        ThreadFactory base = Executors.defaultThreadFactory();
        return r -> {
            Thread t = base.newThread(r);
            t.setName(name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    @Override
    public void close() {
        timer.shutdownNow();
        io.shutdownNow();
        prober.close();
    }
}
