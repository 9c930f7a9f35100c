package com.gitinsight.gateway.cache;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.ehcache.spi.serialization.Serializer;

/** Ehcache's off-heap form of a {@link CachedResponse}: a flat binary record, no Java serialization. */
final class CachedResponseSerializer implements Serializer<CachedResponse> {

    @Override
    public ByteBuffer serialize(CachedResponse r) {
        List<byte[]> strings = new ArrayList<>(r.headers().size() + 1);
        int size = 4 + 8 * 3 + 1 + 4 + 4 + r.body().length;
        byte[] path = r.path().getBytes(StandardCharsets.UTF_8);
        size += 4 + path.length;
        for (String h : r.headers()) {
            byte[] b = h.getBytes(StandardCharsets.UTF_8);
            strings.add(b);
            size += 4 + b.length;
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        out.putInt(r.status()).putLong(r.storedAt()).putLong(r.freshUntil()).putLong(r.keptUntil());
        out.put((byte) (r.evictable() ? 1 : 0));
        out.putInt(path.length).put(path);
        out.putInt(strings.size());
        for (byte[] b : strings) {
            out.putInt(b.length).put(b);
        }
        out.putInt(r.body().length).put(r.body());
        return out.flip();
    }

    @Override
    public CachedResponse read(ByteBuffer in) {
        int status = in.getInt();
        long storedAt = in.getLong();
        long freshUntil = in.getLong();
        long keptUntil = in.getLong();
        boolean evictable = in.get() == 1;
        String path = string(in);
        int n = in.getInt();
        List<String> headers = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            headers.add(string(in));
        }
        byte[] body = new byte[in.getInt()];
        in.get(body);
        return new CachedResponse(status, List.copyOf(headers), body, storedAt, freshUntil, keptUntil, path, evictable);
    }

    private static String string(ByteBuffer in) {
        byte[] b = new byte[in.getInt()];
        in.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(CachedResponse object, ByteBuffer binary) {
        return serialize(object).equals(binary);
    }
}
