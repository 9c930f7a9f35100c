package com.gitinsight.gateway.tracing;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * Protocol Buffers' wire format written into one growing array: varints, fixed-width numbers, UTF-8
 * strings and length-delimited messages. A message's length is known only once it is written, so
 * one byte is kept for it, enough for most (a key, a value, a phase's span: under 128 bytes), and
 * {@link #endMessage} moves the bytes of a longer one up for the rest: one pass over the spans,
 * where the SDK's marshaler walks them twice, once for their sizes, and no copy of most messages
 * (issue 22: moving each to make room for its length was a fifth of the encoder's time). Not
 * thread-safe: the exporter's thread owns one.
 */
final class ProtoBuffer {

    static final int VARINT = 0;
    static final int FIXED64 = 1;
    static final int LENGTH_DELIMITED = 2;
    static final int FIXED32 = 5;

    private final int initialCapacity;
    /** The most the buffer holds: a message would be larger (a batch too big to send whole). */
    private final int maxBytes;

    private byte[] buf;
    private int pos;

    ProtoBuffer(int initialCapacity, int maxBytes) {
        this.initialCapacity = Math.max(64, initialCapacity);
        this.maxBytes = Math.max(this.initialCapacity, maxBytes);
        this.buf = new byte[this.initialCapacity];
    }

    void reset() {
        pos = 0;
    }

    /**
     * Empties the buffer and, when a large message grew it past {@code keptBytes}, gives the large
     * array back: one batch of long attributes must not keep its size for the tracer's life.
     */
    void release(int keptBytes) {
        pos = 0;
        if (buf.length > keptBytes) {
            buf = new byte[initialCapacity];
        }
    }

    int capacity() {
        return buf.length;
    }

    int length() {
        return pos;
    }

    void writeTo(OutputStream out) throws IOException {
        out.write(buf, 0, pos);
    }

    byte[] toByteArray() {
        return Arrays.copyOf(buf, pos);
    }

    private void ensure(int more) {
        if (buf.length - pos < more) {
            if (more > maxBytes - pos) {
                throw new TooLarge(maxBytes);
            }
            int doubled = buf.length > maxBytes / 2 ? maxBytes : buf.length * 2;
            buf = Arrays.copyOf(buf, Math.max(doubled, pos + more));
        }
    }

    /** A message past the buffer's bound. */
    static final class TooLarge extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        TooLarge(int maxBytes) {
            super("a message over " + maxBytes + " bytes");
        }
    }

    void tag(int field, int wireType) {
        varint((field << 3) | wireType);
    }

    void varint(long value) {
        ensure(10);
        long v = value;
        while ((v & ~0x7FL) != 0) {
            buf[pos++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[pos++] = (byte) v;
    }

    static int varintSize(long value) {
        return value == 0 ? 1 : (63 - Long.numberOfLeadingZeros(value)) / 7 + 1;
    }

    void fixed64(long value) {
        ensure(8);
        for (int i = 0; i < 8; i++) {
            buf[pos++] = (byte) (value >>> (8 * i));
        }
    }

    void fixed32(int value) {
        ensure(4);
        for (int i = 0; i < 4; i++) {
            buf[pos++] = (byte) (value >>> (8 * i));
        }
    }

    /** {@code value} as 8 bytes, most significant first (an id's byte order). */
    void bigEndian64(long value) {
        ensure(8);
        for (int i = 7; i >= 0; i--) {
            buf[pos++] = (byte) (value >>> (8 * i));
        }
    }

    void bytes(byte[] value) {
        ensure(value.length);
        System.arraycopy(value, 0, buf, pos, value.length);
        pos += value.length;
    }

    /** A length-delimited field of {@code value}'s UTF-8 bytes (an unpaired surrogate as '?', as Java encodes it). */
    void string(int field, String value) {
        int start = beginMessage(field);
        utf8(value);
        endMessage(start);
    }

    private void utf8(String s) {
        int n = s.length();
        // Room for the longest spelling; near the bound, for the exact one.
        ensure(3 * n <= maxBytes - pos ? 3 * n : utf8Length(s));
        byte[] b = buf;
        int p = pos;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                b[p++] = (byte) c;
            } else if (c < 0x800) {
                b[p++] = (byte) (0xC0 | c >> 6);
                b[p++] = (byte) (0x80 | c & 0x3F);
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                b[p++] = (byte) (0xF0 | cp >> 18);
                b[p++] = (byte) (0x80 | cp >> 12 & 0x3F);
                b[p++] = (byte) (0x80 | cp >> 6 & 0x3F);
                b[p++] = (byte) (0x80 | cp & 0x3F);
            } else if (Character.isSurrogate(c)) {
                b[p++] = '?';
            } else {
                b[p++] = (byte) (0xE0 | c >> 12);
                b[p++] = (byte) (0x80 | c >> 6 & 0x3F);
                b[p++] = (byte) (0x80 | c & 0x3F);
            }
        }
        pos = p;
    }

    private static int utf8Length(String s) {
        int bytes = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c)
                    && i + 1 < s.length()
                    && Character.isLowSurrogate(s.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += Character.isSurrogate(c) ? 1 : 3;
            }
        }
        return bytes;
    }

    /** Starts a length-delimited message in {@code field}; its content starts at the position returned. */
    int beginMessage(int field) {
        tag(field, LENGTH_DELIMITED);
        ensure(1);
        pos++; // the length's first byte
        return pos;
    }

    /**
     * Ends the message whose content started at {@code contentStart}: its length goes in the byte
     * kept before it, the content moved up for the length's other bytes when it has more.
     */
    void endMessage(int contentStart) {
        int length = pos - contentStart;
        if (length < 0x80) {
            buf[contentStart - 1] = (byte) length;
            return;
        }
        int more = varintSize(length) - 1;
        ensure(more);
        System.arraycopy(buf, contentStart, buf, contentStart + more, length);
        int end = pos + more;
        pos = contentStart - 1;
        varint(length);
        pos = end;
    }
}
