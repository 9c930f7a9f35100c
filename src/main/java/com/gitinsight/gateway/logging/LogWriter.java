package com.gitinsight.gateway.logging;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import com.gitinsight.gateway.config.EntityMeta;
import com.gitinsight.gateway.http.IdentityHeaders;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes log entries as their destination takes them (one per line, a JSON array, one alone) for
 * one queue's thread, and keeps between batches what the next batch needs again: the output
 * buffer, each header name's lower-cased JSON, and each route's and service's JSON. Confined to
 * the thread that writes (a queue has one at a time); not shared, so nothing here is locked.
 * Every cache is bounded and emptied when full: a client chooses its header names.
 */
final class LogWriter {

    private static final JsonFactory JSON = new JsonFactory();
    /** Entries each cache holds before it is emptied. */
    static final int MAX_CACHED = 512;
    /** A buffer that grew past this for one large batch is let go afterwards. */
    private static final int KEPT_BUFFER = 1 << 20;

    /**
     * A header name as records write it: lower-cased, encoded once, whether it is an identity
     * header, and a number equal for every spelling of the name (repeats are found by comparing
     * numbers, not strings; never reused by this writer, so a name cached before the cache was
     * emptied is never taken for another; see {@link #clears()} for the converse), whether a
     * response's value of it may quote the request's URI, and the spelling's bit of a {@link #mask}
     * (of the name as given: lower-casing may change its length, "\u0130" to two characters),
     * and whether it is {@code content-type} or {@code set-cookie} (asked of every response header).
     */
    record HeaderName(
            String lower,
            SerializableString json,
            boolean identity,
            long id,
            boolean quotesUri,
            long bit,
            boolean contentType,
            boolean setCookie) {}

    /** Writes one part of a record (a route or a service). */
    interface PartWriter {
        void write(JsonGenerator g) throws IOException;
    }

    private Buffer out = new Buffer(16 << 10);
    /**
     * Bound to {@link #out} and kept between writes: making one per batch ran code that is called
     * too rarely to be compiled (a C2-only JVM interprets it), more than the batch's own writing.
     */
    private JsonGenerator generator;

    private final Map<String, HeaderName> names = new HashMap<>();
    /** Each lower-cased name's number, emptied with {@link #names}. */
    private final Map<String, Long> ids = new HashMap<>();

    private long nextId;
    /** What {@link LogEntry#readAhead} returned, kept so that its reads are made. */
    private int readAhead;

    /** How many times the name cache was emptied. */
    private long clears;
    /** The set {@link #mask} was last asked of (by identity: a configuration's lasts) and its mask. */
    private java.util.Set<String> masked;

    private long mask;
    /** By identity: a configuration's specs are the same objects for as long as it runs. */
    private final Map<Object, Part> parts = new IdentityHashMap<>();
    /** By identity: a configuration's consumers' ids (one string per consumer). */
    private final Map<String, ConsumerPart> consumers = new IdentityHashMap<>();

    /** The bytes of the last write: valid until the next one. */
    record Bytes(byte[] array, int length) {
        byte[] copy() {
            return java.util.Arrays.copyOf(array, length);
        }
    }

    Bytes one(LogEntry entry) {
        return write(List.of(entry), Framing.ONE);
    }

    /** A JSON array of the entries (http-log's batch). */
    Bytes array(List<LogEntry> entries) {
        return write(entries, Framing.ARRAY);
    }

    /** Receives a written part of a batch; its bytes are valid until it returns. */
    interface Chunks {
        void accept(byte[] array, int length) throws IOException;
    }

    /** What {@link #lines(List, Chunks)} writes at a time. */
    static final int CHUNK = 32 << 10;

    /**
     * One entry per line, handed to {@code sink} a chunk at a time: the buffer stays small and in
     * the cache, where a whole batch's (hundreds of KB) pushed the request threads' data out of it.
     */
    void lines(List<LogEntry> entries, Chunks sink) throws IOException {
        out.reset();
        boolean written = false;
        try {
            JsonGenerator g = generator != null ? generator : newGenerator();
            for (LogEntry e : entries) {
                readAhead += e.readAhead();
                e.writeTo(g, this);
                g.writeRaw('\n');
                if (out.size() + g.getOutputBuffered() >= CHUNK) {
                    g.flush();
                    sink.accept(out.array(), out.size());
                    out.reset();
                }
            }
            g.flush();
            if (out.size() > 0) {
                sink.accept(out.array(), out.size());
            }
            written = true;
        } finally {
            out.reset();
            if (!written) {
                generator = null; // left inside a value: the next write starts afresh
            }
        }
    }

    HeaderName name(String name) {
        HeaderName known = names.get(name);
        if (known != null) {
            return known;
        }
        if (names.size() >= MAX_CACHED) {
            names.clear();
            ids.clear();
            clears++;
        }
        // Cut as its values are (a client's name), before it is compared: two long names that
        // differ only past the cut are one name here, never two equal keys in one JSON object.
        String lower = KongLogRecord.bounded(name.toLowerCase(Locale.ROOT));
        Long id = ids.get(lower);
        if (id == null) {
            id = nextId++;
            ids.put(lower, id);
        }
        HeaderName made = new HeaderName(
                lower,
                new SerializedString(lower),
                IdentityHeaders.isIdentity(IdentityHeaders.fold(name)),
                id,
                KongLogRecord.quotesUri(lower),
                bit(name),
                lower.equals("content-type"),
                lower.equals("set-cookie"));
        names.put(name, made);
        return made;
    }

    /**
     * A bit chosen by a header name's length and last character, folded as {@link
     * com.gitinsight.gateway.runtime.RequestContext#HEADER_ORDER} folds it: two names it finds
     * equal have the same bit.
     */
    static long bit(String name) {
        int n = name.length();
        char last = n == 0 ? 0 : name.charAt(n - 1);
        char folded = last == '_' ? '-' : Character.toLowerCase(Character.toUpperCase(last));
        return 1L << ((n * 31 + folded) & 63);
    }

    /**
     * The bits of {@code names} (a credential header set, compared as {@code HEADER_ORDER}): a
     * name whose {@link HeaderName#bit} is not in it is not in the set, found without a lookup
     * (every header of every record is asked).
     */
    long mask(java.util.Set<String> names) {
        if (names != masked) {
            long bits = 0;
            for (String n : names) {
                bits |= bit(n);
            }
            masked = names;
            mask = bits;
        }
        return mask;
    }

    /**
     * How many times the name cache was emptied: two spellings of one name looked up on either side
     * of that have different ids.
     */
    long clears() {
        return clears;
    }

    /**
     * The JSON of {@code key} (a route or a service spec) for a configuration loaded at {@code
     * loadedAt}, written by {@code writer} the first time (the load time is in it: a spec a later
     * configuration kept is written again for that one).
     */
    SerializableString part(Object key, long loadedAt, PartWriter writer) {
        Part known = parts.get(key);
        if (known != null && known.loadedAt() == loadedAt) {
            return known.json();
        }
        if (parts.size() >= MAX_CACHED) {
            parts.clear(); // also lets go of the specs of configurations no longer running
        }
        Part made = new Part(loadedAt, written(writer));
        parts.put(key, made);
        return made.json();
    }

    private record Part(long loadedAt, SerializableString json) {}

    /**
     * As {@link #part}, for a consumer of the configuration ({@code entity} its entity, which
     * consumers may share): keyed by its id, reused while the entity, username and custom_id are
     * the ones it was written with.
     */
    SerializableString consumer(
            String id, EntityMeta entity, String username, String customId, long loadedAt, PartWriter writer) {
        ConsumerPart known = consumers.get(id);
        if (known != null
                && known.loadedAt() == loadedAt
                && known.entity() == entity
                && java.util.Objects.equals(known.username(), username)
                && java.util.Objects.equals(known.customId(), customId)) {
            return known.json();
        }
        if (consumers.size() >= MAX_CACHED) {
            consumers.clear();
        }
        ConsumerPart made = new ConsumerPart(loadedAt, entity, username, customId, written(writer));
        consumers.put(id, made);
        return made.json();
    }

    private record ConsumerPart(
            long loadedAt, EntityMeta entity, String username, String customId, SerializableString json) {}

    private static SerializableString written(PartWriter writer) {
        java.io.StringWriter text = new java.io.StringWriter(256);
        try (JsonGenerator g = JSON.createGenerator(text)) {
            writer.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new SerializedString(text.toString());
    }

    private enum Framing {
        ONE,
        ARRAY
    }

    private Bytes write(List<LogEntry> entries, Framing framing) {
        if (out.capacity() > KEPT_BUFFER) {
            out = new Buffer(16 << 10);
            generator = null;
        }
        out.reset();
        boolean written = false;
        try {
            JsonGenerator g = generator != null ? generator : newGenerator();
            if (framing == Framing.ARRAY) {
                g.writeStartArray();
            }
            for (LogEntry e : entries) {
                readAhead += e.readAhead();
                e.writeTo(g, this);
            }
            if (framing == Framing.ARRAY) {
                g.writeEndArray();
            }
            g.flush();
            written = true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (!written) {
                generator = null; // left inside a value: the next write starts afresh
            }
        }
        return new Bytes(out.array(), out.size());
    }

    private JsonGenerator newGenerator() throws IOException {
        generator = JSON.createGenerator(out);
        // Each write is one or more root values, nothing between them.
        generator.setRootValueSeparator(null);
        return generator;
    }

    /** A byte array stream whose array is reused and read in place (no copy per batch). */
    private static final class Buffer extends ByteArrayOutputStream {
        Buffer(int size) {
            super(size);
        }

        byte[] array() {
            return buf;
        }

        int capacity() {
            return buf.length;
        }
    }
}
