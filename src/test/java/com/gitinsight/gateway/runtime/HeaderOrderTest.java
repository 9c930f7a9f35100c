package com.gitinsight.gateway.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The order the upstream headers map compares names in: case-blind, {@code _} as {@code -}. */
class HeaderOrderTest {

    private static int sign(int x) {
        return Integer.compare(x, 0);
    }

    /** The rule as first written: fold {@code _}, then {@link String#CASE_INSENSITIVE_ORDER}. */
    private static int reference(String a, String b) {
        return String.CASE_INSENSITIVE_ORDER.compare(a.replace('_', '-'), b.replace('_', '-'));
    }

    @Test
    void spellingsOfOneNameAreEqual() {
        assertEquals(0, RequestContext.HEADER_ORDER.compare("X-Corr-Id", "x_corr_ID"));
        assertEquals(0, RequestContext.HEADER_ORDER.compare("X_API_KEY", "x-api-key"));
        assertNotEquals(0, RequestContext.HEADER_ORDER.compare("X-Api-Key", "X-Api-Keys"));
        assertNotEquals(0, RequestContext.HEADER_ORDER.compare("X-Api-Key", "X.Api.Key"));
    }

    @Test
    void ordersAsTheFoldedCaseInsensitiveOrder() {
        // Names from a small alphabet (so many pairs share prefixes), with Latin-1 letters whose
        // case mapping leaves Latin-1, the way a client may spell a header.
        char[] alphabet = "aAbB_-zZ09.\u00e9\u00c9\u00ff\u00b5\u00df".toCharArray();
        Random random = new Random(7);
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            StringBuilder name = new StringBuilder();
            for (int n = random.nextInt(6); n > 0; n--) {
                name.append(alphabet[random.nextInt(alphabet.length)]);
            }
            names.add(name.toString());
        }
        for (String a : names) {
            for (String b : names) {
                assertEquals(sign(reference(a, b)), sign(RequestContext.HEADER_ORDER.compare(a, b)), a + " vs " + b);
            }
        }
    }
}
