package com.gitinsight.gateway.http;

import com.google.common.net.InetAddresses;
import jakarta.servlet.http.HttpServletRequest;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;

/**
 * The client's address: the socket peer, unless the peer is a trusted proxy (gateway setting
 * {@code gateway.trusted-ips}, empty by default; Kong's {@code trusted_ips}): then what the
 * real-ip header says, as nginx's realip module reads it (Kong's {@code real_ip_header} and
 * {@code real_ip_recursive}): recursive, the right-most address that is not itself trusted; not
 * recursive, the right-most address. A client can therefore never choose its own address by
 * sending the header. The header is {@code X-Forwarded-For} by default here (GitInsight's nginx),
 * {@code X-Real-IP} in Kong's default configuration.
 */
public final class ClientAddress {

    private final List<Cidr> trusted;
    private final String header;
    private final boolean recursive;

    public ClientAddress(List<Cidr> trusted) {
        this(trusted, "X-Forwarded-For", true);
    }

    public ClientAddress(List<Cidr> trusted, String header, boolean recursive) {
        this.trusted = List.copyOf(trusted);
        this.header = header;
        this.recursive = recursive;
    }

    /** Parses a comma-separated list of addresses/CIDRs (a MicroProfile Config value). */
    public static ClientAddress of(String trustedList) {
        return of(trustedList, "X-Forwarded-For", true);
    }

    /** As {@link #of(String)}, the client named by {@code header}, walked {@code recursive}ly or not. */
    public static ClientAddress of(String trustedList, String header, boolean recursive) {
        if (header == null || !header.matches("[!#$%&'*+.^`|~0-9A-Za-z-]+") || header.indexOf('_') >= 0) {
            // Kong's proxy_protocol is no header here; a name a proxy would not forward (or a
            // client could send under another spelling) would let clients name themselves.
            throw new IllegalArgumentException("gateway.real-ip-header: not a header name this gateway can trust: '"
                    + header + "' (use X-Forwarded-For or X-Real-IP; proxy_protocol is not supported)");
        }
        List<Cidr> out = new ArrayList<>();
        for (String s : trustedList == null ? new String[0] : trustedList.split(",")) {
            if (!s.isBlank()) {
                out.add(Cidr.parse(s));
            }
        }
        return new ClientAddress(out, header, recursive);
    }

    /**
     * The client address as text ({@code unknown} when a trusted proxy named it unreadably), an
     * IPv6 one in its short form ({@code ::1}), as nginx writes {@code $remote_addr}.
     */
    public String text(HttpServletRequest request) {
        if (trusted.isEmpty()) {
            return canonical(request.getRemoteAddr());
        }
        InetAddress client = of(request);
        return client == null ? "unknown" : InetAddresses.toAddrString(client);
    }

    /**
     * {@code address} as nginx writes it: an IPv6 address in its short form (a container writes
     * {@code 0:0:0:0:0:0:0:1} for {@code ::1}); an IPv4 one, or anything unreadable, as it is.
     */
    public static String canonical(String address) {
        if (address == null || address.indexOf(':') < 0) {
            return address;
        }
        try {
            return InetAddresses.toAddrString(InetAddresses.forString(address));
        } catch (IllegalArgumentException e) {
            return address; // a scoped address (fe80::1%eth0): as the container wrote it
        }
    }

    /** Whether the socket peer is a trusted proxy. */
    public boolean trustsPeer(HttpServletRequest request) {
        return !trusted.isEmpty() && Cidr.any(trusted, InetAddresses.forString(request.getRemoteAddr()));
    }

    /**
     * The client: the peer, or behind trusted proxies the right-most entry of the real-ip header
     * not itself trusted (not recursive: the right-most). An entry may carry a port ({@code 8.8.8.8:4711}, {@code [2001:db8::1]:4711});
     * one that still names no address ({@code unknown}, a host name) gives null: a client nobody can
     * vouch for, which matches no allow list (never the trusted proxy itself).
     */
    public InetAddress of(HttpServletRequest request) {
        InetAddress peer = InetAddresses.forString(request.getRemoteAddr());
        if (trusted.isEmpty() || !Cidr.any(trusted, peer)) {
            return peer;
        }
        List<String> hops = new ArrayList<>();
        for (Enumeration<String> values = request.getHeaders(header); values.hasMoreElements(); ) {
            hops(values.nextElement(), hops);
        }
        if (!recursive && !hops.isEmpty()) {
            return address(hops.get(hops.size() - 1)); // nginx: the last address, trusted or not
        }
        InetAddress client = peer;
        for (int i = hops.size() - 1; i >= 0; i--) {
            client = address(hops.get(i));
            if (client == null || !Cidr.any(trusted, client)) {
                return client;
            }
        }
        return client;
    }

    /**
     * The entries of one header value as nginx's realip reads them: separated by commas or spaces,
     * empty ones skipped ({@code "1.2.3.4 5.6.7.8"} and {@code "1.2.3.4,,5.6.7.8"} are two).
     */
    static void hops(String value, List<String> out) {
        int start = -1;
        for (int i = 0; i <= value.length(); i++) {
            char c = i < value.length() ? value.charAt(i) : ',';
            if (c == ',' || c == ' ' || c == '\t') {
                if (start >= 0) {
                    out.add(value.substring(start, i));
                    start = -1;
                }
            } else if (start < 0) {
                start = i;
            }
        }
    }

    /** An address with an optional port and IPv6 brackets, or null. */
    static InetAddress address(String hop) {
        if (hop.indexOf('%') >= 0) {
            // A zone id (fe80::1%eth0): nginx reads no such client, and Guava would look the
            // interface up by name (and throw for an unknown one).
            return null;
        }
        String h = hop;
        if (h.startsWith("[")) {
            int close = h.indexOf(']');
            if (close < 0 || close + 1 < h.length() && !isPort(h.substring(close + 1))) {
                return null;
            }
            h = h.substring(1, close);
        } else if (h.indexOf(':') == h.lastIndexOf(':') && h.indexOf(':') > 0) {
            // One colon: IPv4 with a port (a bare IPv6 address has several).
            if (!isPort(h.substring(h.indexOf(':')))) {
                return null;
            }
            h = h.substring(0, h.indexOf(':'));
        }
        return InetAddresses.isInetAddress(h) ? InetAddresses.forString(h) : null;
    }

    private static boolean isPort(String colonPort) {
        if (colonPort.length() < 2 || colonPort.length() > 6 || colonPort.charAt(0) != ':') {
            return false;
        }
        for (int i = 1; i < colonPort.length(); i++) {
            if (!Character.isDigit(colonPort.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
