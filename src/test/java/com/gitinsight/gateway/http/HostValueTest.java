package com.gitinsight.gateway.http;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** nginx's ngx_http_validate_host, and the gateway's stricter name characters. */
class HostValueTest {

    @Test
    void namesAndAddressesWithOrWithoutAPortAreValid() {
        for (String good :
                new String[] {"api.example.com", "a", "a.", "API.Example.COM:8000", "[::1]", "[::1]:8000", "10.0.0.1:80"
                }) {
            assertTrue(HostValue.valid(good), good);
        }
    }

    // Helper review 242: a Host that names nothing passed beside an absolute-form request line
    // ("Host:" there) and as a lone dot, where nginx answers 400.
    @Test
    void aHostThatNamesNothingIsInvalidAsNginxsIs() {
        for (String bad : new String[] {"", ".", ":8000", ".:80", ":"}) {
            assertFalse(HostValue.valid(bad), "'" + bad + "'");
        }
    }

    @Test
    void whatNginxRefusesAndWhatCouldReadAsAnotherHostAreInvalid() {
        for (String bad : new String[] {
            "a..b", "a/b", "a\\b", "evil.com?.example.com", "evil.com,.x", "a b", "[::1", "[zz]", "h:8x"
        }) {
            assertFalse(HostValue.valid(bad), bad);
        }
    }

    // Attacker review 278: Guava's address check reads no further than a zone id's '%', so
    // "[::1%@evil.example/]" passed and reached X-Forwarded-Host and a redirect's Location, where a
    // browser goes to evil.example. Only hex digits, colons and dots are in a literal here.
    @Test
    void anIpv6LiteralWithAZoneIdOrAnythingAfterItIsInvalid() {
        for (String bad : new String[] {
            "[::1%@evil.example/]", "[::1%25eth0]", "[::1%eth0]", "[fe80::1%lo]:8000", "[::1%\t]", "[]", "[::1 ]"
        }) {
            assertFalse(HostValue.valid(bad), bad);
        }
        for (String good : new String[] {"[::1]", "[FE80::1]:8000", "[::ffff:10.0.0.1]"}) {
            org.junit.jupiter.api.Assertions.assertTrue(HostValue.valid(good), good);
        }
    }
}
