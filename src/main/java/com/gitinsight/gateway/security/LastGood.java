package com.gitinsight.gateway.security;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The last good answer per address, for a fallback: {@link IdentityProviderClient}'s fetches
 * remember what they got and note why they failed; its {@code @Fallback} methods recall the last
 * answer while the provider does not answer. Kept apart from the client so it can be tested
 * without the Fault Tolerance interceptors (which only act in the server).
 */
final class LastGood<V> {

    /** A remembered answer and when it was fetched ({@link #clock} nanoseconds). */
    record Answer<V>(V value, long fetchedAt) {}

    private final Map<String, Answer<V>> answers = new ConcurrentHashMap<>();
    private final Map<String, String> failures = new ConcurrentHashMap<>();
    private final LongSupplier clock;

    LastGood() {
        this(System::nanoTime);
    }

    LastGood(LongSupplier clock) {
        this.clock = clock;
    }

    /** Keeps a good answer (and forgets the failure noted before it); returns it. */
    V remember(String address, V value) {
        answers.put(address, new Answer<>(value, clock.getAsLong()));
        failures.remove(address);
        return value;
    }

    /** Notes why the latest fetch failed, for the fallback's message when there is no answer to give. */
    void failed(String address, Throwable failure) {
        String message = failure.getMessage();
        failures.put(address, failure.getClass().getSimpleName() + (message == null ? "" : ": " + message));
    }

    /**
     * The last good answer; an exception naming the latest failure when the address never
     * answered (there is nothing to fall back to).
     */
    V recall(String address) throws IOException {
        Answer<V> answer = answers.get(address);
        if (answer != null) {
            return answer.value();
        }
        String failure = failures.get(address);
        throw new IOException(
                address + " failed" + (failure == null ? "" : " (" + failure + ")") + " and has never answered before");
    }

    /** Seconds since the answer {@link #recall} would give was fetched; -1 when there is none. */
    long ageSeconds(String address) {
        Answer<V> answer = answers.get(address);
        return answer == null ? -1 : (clock.getAsLong() - answer.fetchedAt()) / 1_000_000_000L;
    }

    /** The latest failure noted since the last good answer, or null. */
    String failure(String address) {
        return failures.get(address);
    }
}
