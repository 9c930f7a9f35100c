package com.gitinsight.gateway.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PathPatternTest {

    @Test
    void doubleStarCoversTheDirectoryAndEverythingBelow() {
        PathPattern p = PathPattern.compile("/api/v1/fast/repositories/42/**");
        assertTrue(p.matches("/api/v1/fast/repositories/42"));
        assertTrue(p.matches("/api/v1/fast/repositories/42/summary"));
        assertTrue(p.matches("/api/v1/fast/repositories/42/insights/7"));
        assertFalse(p.matches("/api/v1/fast/repositories/421/summary"), "another repository");
        assertFalse(p.matches("/api/v1/fast/repositories/4"));
        assertEquals("/api/v1/fast/repositories/42", p.prefix());
    }

    @Test
    void singleStarIsOneSegment() {
        PathPattern p = PathPattern.compile("/api/v1/fast/repositories/*/summary");
        assertTrue(p.matches("/api/v1/fast/repositories/42/summary"));
        assertFalse(p.matches("/api/v1/fast/repositories/42/x/summary"));
        assertEquals("/api/v1/fast/repositories/", p.prefix());
    }

    @Test
    void literalCharactersAreNotRegex() {
        PathPattern p = PathPattern.compile("/a.b/(c)");
        assertTrue(p.matches("/a.b/(c)"));
        assertFalse(p.matches("/aXb/(c)"));
    }

    @Test
    void wildcardsInTheMiddleAndAtTheEnd() {
        PathPattern p = PathPattern.compile("/a/*x*/b/**/c*");
        assertTrue(p.matches("/a/x/b/c"));
        assertTrue(p.matches("/a/1x2/b/d/e/c9"));
        assertFalse(p.matches("/a/1/b/c"), "no x in the segment");
        assertFalse(p.matches("/a/x/y/b/c"), "* is one segment");
        PathPattern any = PathPattern.compile("/r/**");
        assertTrue(any.matches("/r"));
        assertTrue(any.matches("/r/"));
        assertFalse(any.matches("/rx"));
        PathPattern mid = PathPattern.compile("/r**z");
        assertTrue(mid.matches("/r/a/bz"));
    }

    // Helper review 192: compiled to a backtracking regex, a pattern of many stars took 98 s
    // against one 41-character path (each store of a miss checks the purges it overlapped).
    @Test
    void manyStarsCostOnePassOverThePath() {
        PathPattern p = PathPattern.compile("/" + "*a".repeat(12) + "*b");
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
                java.time.Duration.ofSeconds(10), () -> assertFalse(p.matches("/" + "a".repeat(4000))));
        assertTrue(p.matches("/" + "a".repeat(40) + "b"));
    }
}
