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
        List<byte[]> strings =
                new ArrayList<>(r.headers().size() + r.varyNames().size() + 1);
        int size = 4 + 8 * 3 + 1 + 4 + 4 + 4 + r.body().length;
        byte[] path = r.path().getBytes(StandardCharsets.UTF_8);
        byte[] digest = r.varyDigest().getBytes(StandardCharsets.UTF_8);
        size += 4 + path.length + 4 + digest.length;
        for (String h : r.headers()) {
            size += add(strings, h);
        }
        for (String v : r.varyNames()) {
            size += add(strings, v);
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        out.putInt(r.status()).putLong(r.storedAt()).putLong(r.freshUntil()).putLong(r.keptUntil());
        out.put((byte) (r.evictable() ? 1 : 0));
        out.putInt(path.length).put(path);
        out.putInt(r.headers().size()).putInt(r.varyNames().size());
        for (byte[] b : strings) {
            out.putInt(b.length).put(b);
        }
        out.putInt(digest.length).put(digest);
        out.putInt(r.body().length).put(r.body());
        return out.flip();
    }

    private static int add(List<byte[]> strings, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        strings.add(b);
        return 4 + b.length;
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
        int varied = in.getInt();
        List<String> headers = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            headers.add(string(in));
        }
        List<String> varyNames = new ArrayList<>(varied);
        for (int i = 0; i < varied; i++) {
            varyNames.add(string(in));
        }
        String varyDigest = string(in);
        byte[] body = new byte[in.getInt()];
        in.get(body);
        return new CachedResponse(
                status,
                List.copyOf(headers),
                body,
                storedAt,
                freshUntil,
                keptUntil,
                path,
                evictable,
                List.copyOf(varyNames),
                varyDigest);
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
