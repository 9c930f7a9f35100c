package com.gitinsight.gateway.config;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * A basic-auth password as the parsed configuration keeps it: never in clear. A password written in
 * clear is hashed at load with PBKDF2-HMAC-SHA256 and a random salt of its own; a file that says its
 * credentials are already hashed ({@code _transform: false}, as Kong's exports do) gives Kong's own
 * form, {@code sha1(password .. consumer_id)} in hex, checked the way Kong checks it. Comparisons are
 * constant-time.
 */
public final class PasswordHash {

    /**
     * Moderate on purpose: the clear password is in the file already, so this guards heap dumps and
     * logs, while every wrong password a client sends costs one derivation on the request path.
     */
    static final int ITERATIONS = 10_000;

    private static final int SALT_BYTES = 16;
    private static final int KEY_BITS = 256;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] salt;
    private final byte[] hash;
    /** The consumer id Kong salted its SHA-1 with; null for a PBKDF2 hash. */
    private final String kongConsumerId;

    private PasswordHash(byte[] salt, byte[] hash, String kongConsumerId) {
        this.salt = salt;
        this.hash = hash;
        this.kongConsumerId = kongConsumerId;
    }

    /** Hashes a password given in clear (at load). */
    public static PasswordHash of(String password) {
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        return new PasswordHash(salt, pbkdf2(password, salt), null);
    }

    /** Kong's stored form: 40 hex digits of {@code sha1(password .. consumerId)}. */
    static PasswordHash kong(String hex, String consumerId) {
        return new PasswordHash(null, HexFormat.of().parseHex(hex), consumerId);
    }

    /** Whether {@code password} is the one this hash was made from (constant-time comparison). */
    public boolean matches(String password) {
        byte[] presented = kongConsumerId != null ? sha1(password + kongConsumerId) : pbkdf2(password, salt);
        return MessageDigest.isEqual(hash, presented);
    }

    private static byte[] pbkdf2(String password, byte[] salt) {
        PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, ITERATIONS, KEY_BITS);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                    .generateSecret(spec)
                    .getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is required by every JVM", e);
        } finally {
            spec.clearPassword();
        }
    }

    private static byte[] sha1(String text) {
        try {
            return MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-1 is required by every JVM", e);
        }
    }

    @Override
    public String toString() {
        return kongConsumerId != null ? "PasswordHash[kong-sha1]" : "PasswordHash[pbkdf2]";
    }
}
