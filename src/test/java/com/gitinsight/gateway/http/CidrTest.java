package com.gitinsight.gateway.http;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.net.InetAddresses;
import org.junit.jupiter.api.Test;

/** Address blocks as Kong's ip-restriction reads them, IPv4-mapped IPv6 blocks included. */
class CidrTest {

    private static boolean holds(String cidr, String address) {
        return Cidr.parse(cidr).contains(InetAddresses.forString(address));
    }

    @Test
    void ipv4AndIpv6BlocksHoldTheirOwnAddresses() {
        assertTrue(holds("10.0.0.0/8", "10.1.2.3"));
        assertFalse(holds("10.0.0.0/8", "11.0.0.1"));
        assertTrue(holds("2001:db8::/32", "2001:db8::1"));
        assertFalse(holds("::/0", "10.0.0.1"), "an IPv6 block holds no IPv4 client");
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse("10.0.0.0/33"));
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse("10.0.0.300"));
    }

    @Test
    void prefixesAndAddressesAreWrittenAsKongTakesThem() {
        // Kong's ip validation (helper review 164): a prefix of digits only, no zone id.
        for (String bad :
                new String[] {"127.0.0.1/08", "1.2.3.4/+8", "1.2.3.4/ 8", "fe80::1%eth0", "fe80::1%eth0/64"}) {
            assertThrows(IllegalArgumentException.class, () -> Cidr.parse(bad), bad);
        }
        assertTrue(holds("10.0.0.0/0", "192.0.2.1"));
        assertTrue(holds("fe80::/10", "fe80::1"));
    }

    @Test
    void anIpv4MappedBlockIsTheIpv4BlockItMaps() {
        // Kong accepts ::ffff:10.0.0.0/104; its prefix counts the 96 mapped bits.
        assertTrue(holds("::ffff:10.0.0.0/104", "10.9.9.9"));
        assertFalse(holds("::ffff:10.0.0.0/104", "11.0.0.1"));
        assertTrue(holds("::ffff:0:0/96", "192.0.2.1"), "the whole mapped range: every IPv4 client");
        assertTrue(holds("::ffff:192.0.2.7", "192.0.2.7"));
        assertFalse(holds("::ffff:192.0.2.7", "192.0.2.8"));
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse("::ffff:10.0.0.0/129"));
        Cidr.parse("::ffff:0:0/80"); // wider than the mapped range: loads, holds IPv6 clients only
    }
}
