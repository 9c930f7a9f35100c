package com.gitinsight.gateway.config;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;

/**
 * The ids Kong gives declarative entities written without one ({@code generate_ids} in Kong's
 * {@code kong/db/schema/others/declarative_config.lua}): a name-based UUID (version 5, SHA-1)
 * of the entity's endpoint key in a namespace made from its schema's name, itself a version-5
 * UUID in Kong's fixed namespace. So the same {@code kong.yml} gives a service, route or
 * consumer the same id on Kong and here, on every load and every node (a backend that stores
 * {@code X-Consumer-ID} sees the id Kong sent).
 */
public final class KongIds {

    /** Kong's {@code uuid_generators._entities} namespace. */
    private static final UUID ENTITIES = UUID.fromString("fd02801f-0957-4a15-a55a-c8d9606f30b5");

    private KongIds() {}

    /** Kong's id for an entity of {@code schema} (plural: "services", "routes", "consumers") keyed {@code key}. */
    private static final java.util.regex.Pattern UUID_TEXT = java.util.regex.Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    /** Whether {@code key} is a UUID as Kong's {@code typedefs.uuid} reads one (any hex digits, no version check). */
    public static boolean isUuid(String key) {
        return key != null && UUID_TEXT.matcher(key).matches();
    }

    public static String of(String schema, String key) {
        return nameBased(nameBased(ENTITIES, schema), key).toString();
    }

    /** RFC 4122's version-5 UUID of {@code name} in {@code namespace}. */
    static UUID nameBased(UUID namespace, String name) {
        MessageDigest sha1;
        try {
            sha1 = MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-1", e);
        }
        sha1.update(ByteBuffer.allocate(16)
                .putLong(namespace.getMostSignificantBits())
                .putLong(namespace.getLeastSignificantBits())
                .array());
        byte[] hash = sha1.digest(name.getBytes(StandardCharsets.UTF_8));
        hash[6] = (byte) ((hash[6] & 0x0f) | 0x50); // version 5
        hash[8] = (byte) ((hash[8] & 0x3f) | 0x80); // the RFC's variant
        ByteBuffer bits = ByteBuffer.wrap(hash, 0, 16);
        return new UUID(bits.getLong(), bits.getLong());
    }
}
