package com.gitinsight.gateway.observability;

import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Filter;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Keeps clients from flooding the server log. Payara decodes the request URI before any
 * application code runs, and a malformed escape ({@code /x/%zz}) makes it log a SEVERE stack trace
 * per request. {@code proxy.MalformedUriGuard} keeps such requests from the decoder once it guards
 * a listener; what still reaches it (a listener's first request, another server) is limited here. This filter
 * on the container's logger lets one such record through per minute, with the count of those
 * dropped; every other record passes untouched. Installed at deploy, removed at undeploy.
 */
public class MalformedUriLog implements ServletContextListener, Filter {

    /** Payara's web container logger (CoyoteAdapter logs there). */
    static final String CONTAINER_LOGGER = "jakarta.enterprise.web.core";

    private static final long INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final AtomicLong nextAllowed = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong dropped = new AtomicLong();
    private Filter previous;
    private Logger logger;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        logger = Logger.getLogger(CONTAINER_LOGGER);
        previous = logger.getFilter();
        logger.setFilter(this);
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        if (logger != null && logger.getFilter() == this) {
            logger.setFilter(previous);
        }
    }

    @Override
    public boolean isLoggable(LogRecord record) {
        if (!isMalformedUri(record)) {
            return previous == null || previous.isLoggable(record);
        }
        long now = System.nanoTime();
        long allowed = nextAllowed.get();
        if ((allowed == Long.MIN_VALUE || now - allowed >= 0)
                && nextAllowed.compareAndSet(allowed, now + INTERVAL_NANOS)) {
            long before = dropped.getAndSet(0);
            record.setThrown(null);
            record.setMessage("A request with a malformed percent-escape in its path was refused by the container"
                    + (before > 0 ? " (" + before + " more in the last minute, not logged)" : "")
                    + "; such lines are logged at most once a minute");
            record.setParameters(null);
            return true;
        }
        dropped.incrementAndGet();
        return false;
    }

    static boolean isMalformedUri(LogRecord record) {
        Throwable t = record.getThrown();
        if (!(t instanceof RuntimeException)) {
            return false;
        }
        for (StackTraceElement e : t.getStackTrace()) {
            if (e.getClassName().endsWith("URLDecoder") || e.getClassName().endsWith("HttpRequestURIDecoder")) {
                return true;
            }
        }
        return false;
    }
}
