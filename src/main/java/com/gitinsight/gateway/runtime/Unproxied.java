package com.gitinsight.gateway.runtime;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * A normal-scoped bean the request path calls on every request. Injected, such a bean is a CDI client
 * proxy: each call looks the instance up, pushes an interception context and goes through reflection
 * (on Weld, most of the CDI cost measured on a cache hit). {@link #instance} gets the instance itself,
 * so a filter or resource made once at start holds it and calls it directly. Only for
 * application-scoped beans, whose instance lives as long as the application.
 * Measured on Weld: a method returning {@code this} returns the proxy (Weld swaps it back), and neither
 * an interface's default method nor a generic superclass's method is forwarded; a callback that
 * receives {@code this}, declared in the bean class, is.
 */
public interface Unproxied<T> {

    /** Hands this bean's instance to {@code receiver}: {@code receiver.accept(this);} in the bean class. */
    void passInstance(Consumer<? super T> receiver);

    /** The instance behind {@code bean}, which may be its client proxy. */
    static <T> T instance(Unproxied<T> bean) {
        AtomicReference<T> it = new AtomicReference<>();
        bean.passInstance(it::set);
        return it.get();
    }
}
