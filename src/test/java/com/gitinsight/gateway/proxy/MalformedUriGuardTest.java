package com.gitinsight.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MalformedUriGuardTest {

    @Test
    void rawBytesAreJudgedAsTheirEscapesWouldBe() {
        for (String bad :
                new String[] {"/a\u00ff", "/caf\u00e9", "/\u00fc\u0080\u0080\u0080\u0080\u00af", "/\u00c0\u00ae"}) {
            assertTrue(MalformedUriGuard.rawNotUtf8(bad), bad);
        }
        for (String good : new String[] {"/caf\u00c3\u00a9", "/plain", "/caf%C3\u00a9", "/caf\u00e9x\u20ac"}) {
            assertFalse(MalformedUriGuard.rawNotUtf8(good), good);
        }
    }

    @Test
    void aPercentNotFollowedByTwoHexDigitsIsMalformed() {
        for (String bad : new String[] {"/x/%zz", "/x/%", "/x/%4", "/x%g0", "/a%2Fb/%2", "/%%41"}) {
            assertTrue(MalformedUriGuard.hasMalformedEscape(bad), bad);
        }
        for (String good : new String[] {"/x/%41", "/a%2Fb", "/%c3%a9", "/plain", "/%25zz"}) {
            assertFalse(MalformedUriGuard.hasMalformedEscape(good), good);
        }
    }
}
