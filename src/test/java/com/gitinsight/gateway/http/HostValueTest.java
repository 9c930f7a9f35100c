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
}
