package com.gitinsight.gateway.observability;

import com.gitinsight.gateway.runtime.Unproxied;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.logging.Filter;
import java.util.logging.Handler;
import java.util.logging.Logger;

/**
 * Puts the request id into every log line written while a request is handled, the gateway's and
 * its libraries' (the MDC that java.util.logging lacks): the server's log handlers get a filter
 * that prefixes the message with {@code [request_id=...]} for the thread's current request.
 * Handler filters, because a logger's own filter does not see its children's records. Removed on
 * undeploy.
 */
@ApplicationScoped
public class RequestLogContext implements Unproxied<RequestLogContext> {

    private final ThreadLocal<String> current = new ThreadLocal<>();
    private final Map<Handler, Filter> previous = new IdentityHashMap<>();

    @PostConstruct
    void install() {
        for (Handler h : Logger.getLogger("").getHandlers()) {
            Filter before = h.getFilter();
            previous.put(h, before);
            h.setFilter(record -> {
                String id = current.get();
                String message = record.getMessage();
                if (id != null && message != null && !message.startsWith("[request_id=")) {
                    record.setMessage("[request_id=" + id + "] " + message);
                }
                return before == null || before.isLoggable(record);
            });
        }
    }

    @PreDestroy
    void uninstall() {
        previous.forEach(Handler::setFilter);
        previous.clear();
    }

    void bind(String requestId) {
        current.set(requestId);
    }

    void unbind() {
        current.remove();
    }

    @Override
    public void passInstance(Consumer<? super RequestLogContext> receiver) {
        receiver.accept(this);
    }
}
