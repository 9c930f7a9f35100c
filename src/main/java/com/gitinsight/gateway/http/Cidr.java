package com.gitinsight.gateway.http;

import com.google.common.net.InetAddresses;
import java.net.InetAddress;

/** An IPv4 or IPv6 address block ({@code 10.0.0.0/8}, {@code ::1}), parsed once. */
public record Cidr(byte[] network, int prefix, String text) {

    /** Parses {@code a.b.c.d[/n]} or {@code v6[/n]}; throws IllegalArgumentException with the reason. */
    public static Cidr parse(String text) {
        String s = text.trim();
        int slash = s.indexOf('/');
        String address = slash < 0 ? s : s.substring(0, slash);
        // Kong's ip validation (ipmatcher): no zone id; the prefix exactly a number Kong writes.
        if (address.indexOf('%') >= 0 || !InetAddresses.isInetAddress(address)) {
            throw new IllegalArgumentException("invalid ip or cidr range: '" + text + "'"); // Kong's words
        }
        byte[] bytes = InetAddresses.forString(address).getAddress();
        // An IPv4-mapped IPv6 address (::ffff:a.b.c.d) comes back as its IPv4 address; its prefix
        // counts the 96 bits before it (Kong accepts ::ffff:10.0.0.0/104).
        boolean mapped = bytes.length == 4 && address.indexOf(':') >= 0;
        int max = mapped ? 128 : bytes.length * 8;
        int prefix = max;
        if (slash >= 0) {
            String bits = s.substring(slash + 1);
            prefix = bits.matches("0|[1-9][0-9]{0,2}") ? Integer.parseInt(bits) : -1;
            if (prefix < 0 || prefix > max) {
                throw new IllegalArgumentException("invalid ip or cidr range: '" + text + "'");
            }
        }
        if (mapped && prefix >= 96) {
            return new Cidr(mask(bytes, prefix - 96), prefix - 96, text);
        }
        if (mapped) {
            bytes = mappedForm(bytes); // a block wider than the mapped range: IPv6 clients only
        }
        return new Cidr(mask(bytes, prefix), prefix, text);
    }

    private static byte[] mask(byte[] bytes, int prefix) {
        byte[] out = bytes.clone();
        for (int i = 0; i < out.length; i++) {
            int bits = Math.max(0, Math.min(8, prefix - i * 8));
            out[i] &= (byte) (0xff << (8 - bits));
        }
        return out;
    }

    /** {@code ::ffff:a.b.c.d} as its 16 bytes. */
    private static byte[] mappedForm(byte[] v4) {
        byte[] out = new byte[16];
        out[10] = (byte) 0xff;
        out[11] = (byte) 0xff;
        System.arraycopy(v4, 0, out, 12, 4);
        return out;
    }

    public boolean contains(InetAddress address) {
        byte[] a = address.getAddress();
        if (a.length != network.length) {
            return false;
        }
        for (int i = 0; i < a.length; i++) {
            int bits = Math.max(0, Math.min(8, prefix - i * 8));
            if (bits == 0) {
                return true;
            }
            int m = 0xff << (8 - bits) & 0xff;
            if ((a[i] & m) != (network[i] & m)) {
                return false;
            }
        }
        return true;
    }

    /** A comma-separated list ({@code 127.0.0.0/8, ::1, 10.0.0.0/8}); blanks ignored. */
    public static java.util.List<Cidr> parseList(String commaSeparated) {
        java.util.List<Cidr> list = new java.util.ArrayList<>();
        for (String c : commaSeparated.split(",")) {
            if (!c.isBlank()) {
                list.add(parse(c.trim()));
            }
        }
        return java.util.List.copyOf(list);
    }

    /** Whether any entry holds {@code address}; an unknown client (null) is on no list. */
    public static boolean any(java.util.List<Cidr> list, InetAddress address) {
        if (address == null) {
            return false;
        }
        for (Cidr c : list) {
            if (c.contains(address)) {
                return true;
            }
        }
        return false;
    }
}
