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
}
