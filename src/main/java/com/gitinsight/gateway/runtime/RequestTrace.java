package com.gitinsight.gateway.runtime;

import java.util.function.BiConsumer;

/**
 * What the plugins and the upstream call tell a request's trace (the {@code opentelemetry} plugin's,
 * see {@code tracing}): the phases that take time and each try at a target. Free of any tracing
 * library's types, so the request path names none; {@link #NONE} when the request is not traced
 * (costs a virtual call, allocates nothing).
 */
public interface RequestTrace {

    /** A span in progress; {@link #close()} ends it. */
    interface Phase extends AutoCloseable {
        @Override
        void close();
    }

    /** One try at one target (Kong's balancer span). */
    interface Try {
        /** The trace context headers the target gets, in the plugin's propagation format. */
        void propagate(BiConsumer<String, String> headers);

        /** The target answered with {@code status}. */
        void answered(int status);

        /** The try failed before an answer ({@code failure} says why). */
        void failed(String failure);

        /**
         * The target's name did not resolve: no try at all for Kong, whose balancer fails it before
         * proxying (no balancer span, no entry in the log's tries).
         */
        default void unresolved() {}

        /**
         * The try that failed is the last, though retries were left: nginx does not try this
         * request again (its body was sent, or the backend's answer was invalid).
         */
        default void endsWithoutRetry() {}
    }

    Phase NO_PHASE = () -> {};

    Try NO_TRY = new Try() {
        @Override
        public void propagate(BiConsumer<String, String> headers) {}

        @Override
        public void answered(int status) {}

        @Override
        public void failed(String failure) {}
    };

    RequestTrace NONE = new RequestTrace() {
        @Override
        public Phase phase(String name) {
            return NO_PHASE;
        }

        @Override
        public Try upstreamTry(String ip, String name, int port, int number) {
            return NO_TRY;
        }

        @Override
        public String traceId() {
            return null;
        }
    };

    /**
     * Starts a child span of the request's span, named as Kong names it ({@code kong.access.plugin.jwt});
     * closing it more than once changes nothing.
     */
    Phase phase(String name);

    /** Whether plugin phases are traced ({@link #phase} makes spans): else a plugin asks for none. */
    default boolean tracesPhases() {
        return false;
    }

    /**
     * Starts the span of try {@code number} (1 for the first) at {@code ip:port}, the target
     * configured as {@code name}.
     */
    Try upstreamTry(String ip, String name, int port, int number);

    /** The trace id (32 hex digits), or null when not traced. */
    String traceId();

    /**
     * The trace id as each injected format writes it (Kong's {@code trace_id} log field, such as
     * {@code {"w3c": "4bf9..."}}); empty when not traced, or when a plugin answered before the
     * tracing plugin's access phase ({@link #accessReached}) was reached.
     */
    default java.util.Map<String, String> traceIds() {
        return java.util.Map.of();
    }

    /** The access phase reached the tracing plugin's priority (Kong's propagation: the log's trace_id from then on). */
    default void accessReached() {}
}
