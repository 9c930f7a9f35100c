package com.gitinsight.gateway.security;

import com.google.common.net.InetAddresses;
import jakarta.servlet.http.HttpServletRequest;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;

/**
 * The client's address: the socket peer, unless the peer is a trusted proxy (gateway setting
 * {@code gateway.trusted-ips}, empty by default): then the right-most address of
 * {@code X-Forwarded-For} that is not itself trusted (nginx's {@code real_ip_recursive}). A client
 * can therefore never choose its own address by sending the header.
 */
public final class ClientAddress {

    private final List<Cidr> trusted;

    public ClientAddress(List<Cidr> trusted) {
        this.trusted = List.copyOf(trusted);
    }

    /** Parses a comma-separated list of addresses/CIDRs (a MicroProfile Config value). */
    public static ClientAddress of(String trustedList) {
        List<Cidr> out = new ArrayList<>();
        for (String s : trustedList == null ? new String[0] : trustedList.split(",")) {
            if (!s.isBlank()) {
                out.add(Cidr.parse(s));
            }
        }
        return new ClientAddress(out);
    }

    /** The client address as text; without trusted proxies, the peer's as the container gives it. */
    public String text(HttpServletRequest request) {
        return trusted.isEmpty() ? request.getRemoteAddr() : of(request).getHostAddress();
    }

    public InetAddress of(HttpServletRequest request) {
        InetAddress peer = InetAddresses.forString(request.getRemoteAddr());
        if (trusted.isEmpty() || !Cidr.any(trusted, peer)) {
            return peer;
        }
        List<String> hops = new ArrayList<>();
        for (Enumeration<String> values = request.getHeaders("X-Forwarded-For"); values.hasMoreElements();) {
            for (String hop : values.nextElement().split(",")) {
                hops.add(hop.trim());
            }
        }
        InetAddress client = peer;
        for (int i = hops.size() - 1; i >= 0; i--) {
            String hop = hops.get(i);
            if (!InetAddresses.isInetAddress(hop)) {
                break;
            }
            client = InetAddresses.forString(hop);
            if (!Cidr.any(trusted, client)) {
                break;
            }
        }
        return client;
    }
}
