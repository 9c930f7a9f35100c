package com.gitinsight.gateway.logging;

import com.gitinsight.gateway.config.PluginConfig;
import com.gitinsight.gateway.config.PluginRegistry;
import com.gitinsight.gateway.http.CountingResponse;
import com.gitinsight.gateway.runtime.ChainOrder;
import com.gitinsight.gateway.runtime.RequestContext;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The filter of a plugin that works in Kong's log phase: it wraps every plugin (so it sees the
 * request whoever answered it, a 401 from jwt or a 404 no route matched included, as Kong's log
 * phase does), and once the response is done it looks up its config, with the consumer the
 * request was authenticated as, and hands the finished exchange to {@link #log}. Global instances
 * also log requests no route matched; the gateway's own endpoints ({@code /_gateway}) are never
 * logged. Where the plugin is configured nowhere, the request passes with one set lookup.
 */
public abstract class LogPluginFilter<C extends PluginConfig> extends HttpFilter implements ChainOrder {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = Logger.getLogger(LogPluginFilter.class.getName());

    private final String plugin;
    private final Class<C> type;

    protected LogPluginFilter(String plugin, Class<C> type) {
        this.plugin = plugin;
        this.type = type;
    }

    @Override
    public long order(PluginRegistry plugins) {
        return ChainOrder.logPhase(plugins, plugin);
    }

    @Override
    protected final void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        RequestContext context = RequestContext.of(request);
        if (context == null || !context.snapshot().plugins().uses(plugin) || context.gatewayOwn()) {
            chain.doFilter(request, response);
            return;
        }
        context.keepTries();
        // One wrapper for the access log and every log plugin on the request: an outer one's is
        // reused (a second wrapper class made the response's call sites megamorphic).
        boolean first = RecordedHeaders.of(response) == null;
        CountingResponse logged = RecordedHeaders.recording(response);
        boolean failed = true;
        try {
            chain.doFilter(request, logged);
            failed = false;
        } finally {
            try {
                logFinished(context, request, response, logged, failed);
            } finally {
                if (first) {
                    // The outermost log plugin logs last: nothing may change the recorded headers
                    // once their record is queued (the access log's wrapper is used after this).
                    logged.stopRecording();
                }
            }
        }
    }

    /** Logs the finished exchange where this plugin is configured for it. */
    private void logFinished(
            RequestContext context,
            HttpServletRequest request,
            HttpServletResponse response,
            CountingResponse logged,
            boolean failed) {
        C config = context.match() == null ? context.pluginOnEveryResponse(plugin, type) : context.plugin(plugin, type);
        if (config == null) {
            return;
        }
        int status = failed && !response.isCommitted() ? 500 : response.getStatus();
        try {
            log(config, context, request, logged, new KongLogRecord.Outcome(status, logged.bytes(), System.nanoTime()));
        } catch (RuntimeException e) {
            // A log plugin never fails a request: the entry is lost and said so.
            LOG.log(Level.WARNING, plugin + ": could not log a request", e);
        } finally {
            // Kong's set_serialize_value lasts the request: the log plugins after this one
            // (lower priority) serialize its custom fields too.
            CustomFields own = customFields(config);
            if (!own.isEmpty()) {
                context.logFields(earlierFields(context).then(own));
            }
        }
    }

    /**
     * Kong's basic log record of the finished exchange, captured once per request: file-log and
     * http-log on one request ship the same record (each queue's thread writes it as JSON).
     */
    protected static LogEntry record(
            RequestContext context,
            HttpServletRequest request,
            HttpServletResponse response,
            KongLogRecord.Outcome outcome,
            CustomFields own) {
        KongLogRecord made;
        if (context.logRecord() instanceof KongLogRecord known) {
            made = known;
        } else {
            made = KongLogRecord.capture(request, response, context, outcome);
            context.logRecord(made);
        }
        // The earlier plugins' fields and the instance's own, applied in one pass on the queue's thread.
        return earlierFields(context).then(own).applyTo(made);
    }

    private static CustomFields earlierFields(RequestContext context) {
        return context.logFields() instanceof CustomFields f ? f : CustomFields.NONE;
    }

    /** The instance's {@code custom_fields_by_lua}. */
    protected abstract CustomFields customFields(C config);

    /** Logs the finished exchange; must not block (hand the entry to a queue or a writer thread). */
    protected abstract void log(
            C config,
            RequestContext context,
            HttpServletRequest request,
            HttpServletResponse response,
            KongLogRecord.Outcome outcome);
}
