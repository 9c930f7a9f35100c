package com.gitinsight.gateway.tracing;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * A span's attributes when their keys are known beforehand (the request's span, a try's): one slot
 * per key, set in place on the request's thread, read by the exporter as any {@link Attributes}
 * once the span has been queued. The SDK's builder gathered them in a growing list, then sorted
 * and de-duplicated them when built: with every request traced, this took the request threads'
 * part from 2.5% to 2.0% of the proxy's CPU (issue 22). Keys are kept sorted by name, as the SDK's
 * attributes are; a key set twice keeps the last value, as the SDK's builder does. Equal only to
 * itself (the SDK's attributes compare their own class: a content equality here would not be
 * symmetric); compare {@link #asMap} or {@link #toBuilder} built.
 */
final class FixedAttributes implements Attributes {

    /** The keys a kind of span may carry. */
    static final class Layout {
        private final AttributeKey<?>[] keys;

        Layout(AttributeKey<?>... keys) {
            AttributeKey<?>[] sorted = keys.clone();
            Arrays.sort(sorted, Comparator.comparing(AttributeKey::getKey));
            for (int i = 1; i < sorted.length; i++) {
                if (sorted[i].getKey().equals(sorted[i - 1].getKey())) {
                    throw new IllegalArgumentException("twice in one layout: " + sorted[i].getKey());
                }
            }
            this.keys = sorted;
        }

        FixedAttributes create() {
            return new FixedAttributes(keys);
        }
    }

    private final AttributeKey<?>[] keys;
    private final Object[] values;
    private int size;

    private FixedAttributes(AttributeKey<?>[] keys) {
        this.keys = keys;
        this.values = new Object[keys.length];
    }

    /** Sets {@code key} (one of the layout's, the same object); a null value sets nothing. */
    <T> FixedAttributes set(AttributeKey<T> key, T value) {
        if (value == null) {
            return this;
        }
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] == key) {
                if (values[i] == null) {
                    size++;
                }
                values[i] = value;
                return this;
            }
        }
        throw new IllegalArgumentException("not in this span's layout: " + key.getKey());
    }

    /** Sets a string {@code key}, cut at the SDK's attribute length limit as its spans cut theirs. */
    FixedAttributes setLimited(AttributeKey<String> key, String value) {
        return set(key, value == null ? null : Tracing.limited(value));
    }

    /** The layout's key count: {@link #key} and {@link #value} by index, for the OTLP encoder. */
    int slots() {
        return keys.length;
    }

    AttributeKey<?> key(int slot) {
        return keys[slot];
    }

    /** Null when not set. */
    Object value(int slot) {
        return values[slot];
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T get(AttributeKey<T> key) {
        for (int i = 0; i < keys.length; i++) {
            if (keys[i].equals(key)) {
                return (T) values[i];
            }
        }
        return null;
    }

    @Override
    public void forEach(BiConsumer<? super AttributeKey<?>, ? super Object> consumer) {
        for (int i = 0; i < keys.length; i++) {
            if (values[i] != null) {
                consumer.accept(keys[i], values[i]);
            }
        }
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public boolean isEmpty() {
        return size == 0;
    }

    @Override
    public Map<AttributeKey<?>, Object> asMap() {
        Map<AttributeKey<?>, Object> map = new LinkedHashMap<>();
        forEach(map::put);
        return java.util.Collections.unmodifiableMap(map);
    }

    @Override
    @SuppressWarnings("unchecked")
    public AttributesBuilder toBuilder() {
        AttributesBuilder builder = Attributes.builder();
        forEach((key, value) -> builder.put((AttributeKey<Object>) key, value));
        return builder;
    }

    @Override
    public String toString() {
        return asMap().toString();
    }
}
