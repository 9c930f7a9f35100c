package com.gitinsight.gateway.admin;

import com.gitinsight.gateway.config.ConfigFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The key of this install's redaction tokens: a token is {@code {redacted:<HMAC-SHA256 of the
 * secret, 128 bits>}}, so it names a secret (the same secret, the same token, which is how a token
 * sent back is matched to its secret) without letting anyone who reads it test guesses offline, as
 * a plain hash would. The key is 256 random bits in {@code <file>.backups/redaction.key} (0600, beside
 * the backups it protects, shared by the gateways that share the file), made on first use under the
 * file's write lock so that two gateways starting together agree on one.
 */
final class RedactionKey {

    private static final String ALGORITHM = "HmacSHA256";
    static final int KEY_BYTES = 32;
    private static final int TOKEN_BYTES = 16;

    /** Where a key comes from when it is not the file's (a configuration store shared by a fleet). */
    @FunctionalInterface
    interface Source {
        byte[] key() throws IOException;
    }

    private final ConfigFile file;
    private final Path path;
    private final Source source;
    private SecretKeySpec key;

    RedactionKey(ConfigFile file) {
        this.file = file;
        this.path = file.backupDirectory().resolve("redaction.key");
        this.source = null;
    }

    /** The key {@code source} gives (made there once, shared by every node that reads it). */
    RedactionKey(Source source) {
        this.file = null;
        this.path = null;
        this.source = source;
    }

    /** The token that stands for {@code secret}. */
    String token(String secret) throws IOException {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key());
            byte[] tag = mac.doFinal(secret.getBytes(StandardCharsets.UTF_8));
            return "{redacted:" + HexFormat.of().formatHex(tag, 0, TOKEN_BYTES) + "}";
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required by every JVM", e);
        }
    }

    private synchronized SecretKeySpec key() throws IOException {
        if (key == null && source != null) {
            byte[] bytes = source.key();
            if (bytes.length != KEY_BYTES) {
                throw new IOException("the store's redaction key is not " + KEY_BYTES + " bytes");
            }
            key = new SecretKeySpec(bytes, ALGORITHM);
        }
        if (key == null) {
            byte[] bytes = existing();
            key = new SecretKeySpec(bytes != null ? bytes : create(), ALGORITHM);
        }
        return key;
    }

    private byte[] create() throws IOException {
        try (ConfigFile.Lock lock = file.lock()) {
            byte[] found = existing();
            if (found != null) {
                return found;
            }
            byte[] fresh = new byte[KEY_BYTES];
            new SecureRandom().nextBytes(fresh);
            Path temp = Files.createTempFile(path.getParent(), "redaction.key.", ".tmp"); // 0600 on POSIX
            try {
                try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                    ch.write(ByteBuffer.wrap(fresh));
                    ch.force(true);
                }
                // Readers see no key or a whole one.
                Files.move(temp, path, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(temp);
            }
            return fresh;
        }
    }

    private byte[] existing() throws IOException {
        try {
            byte[] bytes = Files.readAllBytes(path);
            if (bytes.length != KEY_BYTES) {
                throw new IOException(
                        path + " is not a redaction key (" + bytes.length + " bytes); delete it to make a new one");
            }
            return bytes;
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        return "RedactionKey[" + (path != null ? path : "store") + "]"; // never the key
    }
}
