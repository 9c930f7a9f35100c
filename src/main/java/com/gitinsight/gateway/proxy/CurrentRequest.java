package com.gitinsight.gateway.proxy;

import com.gitinsight.gateway.runtime.Unproxied;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.function.Consumer;

/**
 * The servlet request being handled on this thread, bound by {@link CurrentRequestFilter}. Asking
 * JAX-RS for it per call (a {@code @Context} parameter) costs an injection lookup on every request;
 * this costs a thread-local read.
 */
@ApplicationScoped
public class CurrentRequest implements Unproxied<CurrentRequest> {

    private final ThreadLocal<Exchange> current = new ThreadLocal<>();

    /** Binds the exchange and returns it; the filter passes its (wrapped) response on. */
    Exchange bind(HttpServletRequest request, HttpServletResponse response, ClientPace.Slot paced) {
        Exchange exchange = new Exchange(request, response, paced);
        current.set(exchange);
        return exchange;
    }

    void unbind() {
        current.remove();
    }

    /** The exchange of this thread; never null inside a request. */
    public Exchange get() {
        Exchange exchange = current.get();
        if (exchange == null) {
            throw new IllegalStateException("no servlet request bound to this thread");
        }
        return exchange;
    }

    @Override
    public void passInstance(Consumer<? super CurrentRequest> receiver) {
        receiver.accept(this);
    }
}
