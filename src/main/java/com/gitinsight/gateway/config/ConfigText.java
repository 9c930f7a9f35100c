package com.gitinsight.gateway.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Reads a declarative file's text, bounded: a regular file of at most {@link #MAX_BYTES}, in
 * UTF-8. Unbounded, a huge file (or a FIFO, a device) took the heap or the reading thread; an
 * {@code OutOfMemoryError} on the watcher's thread ended its polling for good, unreported.
 */
public final class ConfigText {

    /** Far above any real configuration (thousands of routes and consumers are a few MB). */
    public static final long MAX_BYTES = 64L << 20;

    private ConfigText() {}

    public static String read(Path path) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
        if (!attributes.isRegularFile()) {
            throw new IOException(path + " is not a regular file");
        }
        if (attributes.size() > MAX_BYTES) {
            throw new IOException(path + " is larger than " + (MAX_BYTES >> 20) + " MiB");
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(path)) {
            bytes = in.readNBytes((int) MAX_BYTES + 1); // it may have grown since
        }
        if (bytes.length > MAX_BYTES) {
            throw new IOException(path + " is larger than " + (MAX_BYTES >> 20) + " MiB");
        }
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IOException(path + " is not UTF-8 text", e);
        }
    }
}
