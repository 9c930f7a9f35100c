package com.gitinsight.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MalformedUriGuardTest {

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
