package com.gitinsight.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.gitinsight.gateway.security.IpRestrictionSchema;
import com.google.common.net.InetAddresses;
import jakarta.servlet.http.HttpServletRequest;
import java.lang.reflect.Proxy;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClientAddressTest {

    /** A request with only a peer address and X-Forwarded-For (a JDK proxy: no mocking library). */
    private static HttpServletRequest request(String peer, String... forwardedFor) {
        return request(peer, "X-Forwarded-For", List.of(forwardedFor));
    }

    /** A request with a peer address and one header's values. */
    private static HttpServletRequest request(String peer, String header, List<String> values) {
        return (HttpServletRequest) Proxy.newProxyInstance(
                HttpServletRequest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getRemoteAddr" -> peer;
                    case "getHeaders" ->
                        Collections.enumeration(header.equalsIgnoreCase((String) args[0]) ? values : List.of());
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    // Kong's real_ip_header X-Real-IP (its default) and real_ip_recursive off: the ip-restriction
    // spec's IPv6 cases send X-Real-IP from a trusted client.
    @Test
    void kongsRealIpHeaderAndNonRecursiveReading() {
        ClientAddress kong = ClientAddress.of("0.0.0.0/0, ::/0", "X-Real-IP", false);
        assertEquals(
                InetAddresses.forString("fe80::1"), kong.of(request("127.0.0.1", "X-Real-IP", List.of("fe80::1"))));
        assertEquals(
                InetAddresses.forString("127.0.0.1"),
                kong.of(request("127.0.0.1", "X-Forwarded-For", List.of("10.0.0.9"))),
                "another header is not read");
        // Not recursive: the right-most entry even when it is trusted.
        ClientAddress last = ClientAddress.of("10.0.0.0/8", "X-Forwarded-For", false);
        assertEquals(
                InetAddresses.forString("10.0.0.2"),
                last.of(request("10.0.0.1", "X-Forwarded-For", List.of("8.8.8.8, 10.0.0.2"))));
        // Recursive (the default here): past trusted hops.
        assertEquals(
                InetAddresses.forString("8.8.8.8"),
                ClientAddress.of("10.0.0.0/8")
                        .of(request("10.0.0.1", "X-Forwarded-For", List.of("8.8.8.8, 10.0.0.2"))));
        // An untrusted peer's header is never read.
        assertEquals(
                InetAddresses.forString("192.0.2.1"),
                ClientAddress.of("10.0.0.0/8", "X-Real-IP", false)
                        .of(request("192.0.2.1", "X-Real-IP", List.of("10.0.0.5"))));
    }

    // Helper review 104: nginx's realip separates entries with commas or spaces and skips empty
    // ones; a space-separated list named no client here (so a deny list refused it).
    @Test
    void entriesAreSeparatedByCommasOrSpacesAsNginxReadsThem() {
        ClientAddress last = ClientAddress.of("0.0.0.0/0", "X-Forwarded-For", false);
        assertEquals(
                InetAddresses.forString("127.0.0.3"),
                last.of(request("127.0.0.1", "X-Forwarded-For", List.of("127.0.0.9 127.0.0.3"))));
        assertEquals(
                InetAddresses.forString("127.0.0.3"),
                last.of(request("127.0.0.1", "X-Forwarded-For", List.of("127.0.0.9,, 127.0.0.3 ,"))));
        List<String> hops = new java.util.ArrayList<>();
        ClientAddress.hops(" a,b  c,,d ", hops);
        assertEquals(List.of("a", "b", "c", "d"), hops);
    }

    @Test
    void aZoneIdOrAnUntrustableHeaderNameNamesNoClient() {
        // fe80::1%nosuch made Guava look an interface up by name and throw (a 500).
        assertEquals(null, ClientAddress.of("0.0.0.0/0").of(request("127.0.0.1", "fe80::1%nosuch")));
        assertThrows(IllegalArgumentException.class, () -> ClientAddress.of("", "proxy_protocol", false));
        assertThrows(IllegalArgumentException.class, () -> ClientAddress.of("", "X Real IP", false));
    }

    @Test
    void cidrsMatchIpv4AndIpv6() {
        assertTrue(Cidr.parse("172.16.0.0/12").contains(InetAddresses.forString("172.31.255.1")));
        assertFalse(Cidr.parse("172.16.0.0/12").contains(InetAddresses.forString("172.32.0.1")));
        assertTrue(Cidr.parse("2001:db8::/32").contains(InetAddresses.forString("2001:db8:1::7")));
        assertFalse(Cidr.parse("2001:db8::/32").contains(InetAddresses.forString("10.0.0.1")));
        assertTrue(Cidr.parse("0.0.0.0/0").contains(InetAddresses.forString("8.8.8.8")));
        assertTrue(Cidr.parse("::1").contains(InetAddresses.forString("::1")));
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse("10.0.0.0/33"));
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse("example.com"));
    }

    @Test
    void forwardedForIsIgnoredFromUntrustedPeersByDefault() {
        ClientAddress none = ClientAddress.of("");
        assertEquals(
                "203.0.113.9",
                none.of(request("203.0.113.9", "10.1.2.3")).getHostAddress(),
                "a client cannot choose its address");
        ClientAddress lb = ClientAddress.of("10.0.0.0/8");
        assertEquals(
                "203.0.113.9",
                lb.of(request("203.0.113.9", "10.1.2.3")).getHostAddress(),
                "an untrusted peer's header is ignored even when trusted proxies exist");
    }

    @Test
    void trustedProxiesAreWalkedFromTheRight() {
        ClientAddress lb = ClientAddress.of("10.0.0.0/8, 192.168.0.0/16");
        assertEquals(
                "198.51.100.4",
                lb.of(request("10.0.0.5", "1.2.3.4, 198.51.100.4, 192.168.1.1")).getHostAddress(),
                "the right-most untrusted hop is the client; hops to its left are client-chosen");
        assertEquals("10.0.0.5", lb.of(request("10.0.0.5")).getHostAddress());
        assertEquals(
                "198.51.100.4",
                lb.of(request("10.0.0.5", "garbage, 198.51.100.4")).getHostAddress());
        assertEquals(null, lb.of(request("10.0.0.5", "198.51.100.4, garbage")), "an unreadable hop fails closed");
    }

    @Test
    void ipRestrictionDeniesFirstThenRequiresTheAllowList() {
        IpRestrictionSchema.Config c = new IpRestrictionSchema.Config(
                List.of(Cidr.parse("10.0.0.0/8")), List.of(Cidr.parse("10.6.6.6")), 403, "IP address not allowed");
        assertTrue(c.permits(InetAddresses.forString("10.1.1.1")));
        assertFalse(c.permits(InetAddresses.forString("10.6.6.6")));
        assertFalse(c.permits(InetAddresses.forString("192.0.2.1")));
    }

    @Test
    void forwardedEntriesWithPortsAndBracketsAreParsedAndGarbageFailsClosed() {
        ClientAddress lb = ClientAddress.of("127.0.0.1");
        assertEquals("8.8.8.8", lb.of(request("127.0.0.1", "8.8.8.8:4711")).getHostAddress());
        assertEquals(InetAddresses.forString("2001:db8::1"), lb.of(request("127.0.0.1", "[2001:db8::1]:4711")));
        assertEquals(InetAddresses.forString("2001:db8::1"), lb.of(request("127.0.0.1", "[2001:db8::1]")));
        assertEquals(InetAddresses.forString("2001:db8::1"), lb.of(request("127.0.0.1", "2001:db8::1")));
        // Never the trusted proxy itself: an unreadable client is nobody, on no allow list.
        assertEquals(null, lb.of(request("127.0.0.1", "unknown")));
        assertEquals(null, lb.of(request("127.0.0.1", "8.8.8.8:http")));
        assertEquals(null, lb.of(request("127.0.0.1", "[2001:db8::1")));
        assertEquals("unknown", lb.text(request("127.0.0.1", "unknown")));
        assertFalse(
                Cidr.any(List.of(Cidr.parse("0.0.0.0/0"), Cidr.parse("::/0")), lb.of(request("127.0.0.1", "unknown"))));
        IpRestrictionSchema.Config denyOnly = new IpRestrictionSchema.Config(
                List.of(), List.of(Cidr.parse("10.6.6.6")), 403, "IP address not allowed");
        assertFalse(denyOnly.permits(null), "an unknown client is refused even by a deny-only list");
    }
}
