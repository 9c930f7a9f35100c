package com.gitinsight.gateway.observability;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.logging.Filter;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Puts the request id into every gateway log line written while a request is handled (the MDC
 * that java.util.logging lacks): a filter on the gateway's loggers prefixes the message with
 * {@code [request_id=...]} for the thread's current request.
 */
@ApplicationScoped
public class RequestLogContext {

    private static final String ROOT = "com.gitinsight.gateway";

    private final ThreadLocal<String> current = new ThreadLocal<>();
    private Filter previous;
    private Filter installed;

    @PostConstruct
    void install() {
        Logger root = Logger.getLogger(ROOT);
        previous = root.getFilter();
        Filter before = previous;
        installed = record -> {
            String id = current.get();
            if (id != null && record.getMessage() != null && !record.getMessage().startsWith("[request_id=")) {
                prefix(record, id);
            }
            return before == null || before.isLoggable(record);
        };
        root.setFilter(installed);
    }

    private static void prefix(LogRecord record, String id) {
        record.setMessage("[request_id=" + id + "] " + record.getMessage());
    }

    @PreDestroy
    void uninstall() {
        Logger root = Logger.getLogger(ROOT);
        if (root.getFilter() == installed) {
            root.setFilter(previous);
        }
    }

    void bind(String requestId) {
        current.set(requestId);
    }

    void unbind() {
        current.remove();
    }
}
