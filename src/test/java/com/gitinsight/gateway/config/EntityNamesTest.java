package com.gitinsight.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EntityNamesTest {

    /** Path parameters as JAX-RS hands them over: already decoded, so {@code %2F} is a slash. */
    @ParameterizedTest
    @ValueSource(strings = {"a%2Fb", "%2E%2E", "..", ".", "a%5Cb", "x%0Ay", "%2F"})
    void anAdminPathParameterCannotHoldASeparatorOrDotDot(String encoded) {
        String id = URLDecoder.decode(encoded, StandardCharsets.UTF_8);
        assertNotNull(EntityNames.pathProblem(id), id);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "api",
                "route:r1:jwt",
                "global:prometheus",
                "10.0.0.1:80",
                "[::1]:8080",
                "alice@example.com",
                "v1.2",
                "~x_y-z",
                "caf\u00e9"
            })
    void namesAndIdsInUseStayValid(String id) {
        assertNull(EntityNames.pathProblem(id), id);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a b", "a:b", "a@b", "a/b", "..", ".", "a%b", "a+b"})
    void kongNamesAreUnreservedCharactersOnly(String name) {
        assertNotNull(EntityNames.nameProblem(name), name);
    }

    @ParameterizedTest
    // Kong's services and consumers specs accept "~3..x4~.M-p~1__3_": only "." and ".." alone are refused.
    @ValueSource(strings = {"api", "a.b", "a_b-c~d", "caf\u00e9", "A9", "a..b", "~3..x4~.M-p~1__3_"})
    void kongNamesAcceptLettersDigitsTheFourMarksAndNonAscii(String name) {
        assertNull(EntityNames.nameProblem(name), name);
    }

    @Test
    void theMessageNamesTheValueAndTheRule() {
        assertEquals("invalid value 'a/b': must not contain '/' or '\\'", EntityNames.pathProblem("a/b"));
    }
}
