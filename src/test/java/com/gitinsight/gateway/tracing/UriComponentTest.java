package com.gitinsight.gateway.tracing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

/** As lua-nginx-module's t/006-escape.t and its unescaping code answer. */
class UriComponentTest {

    @Test
    void escapesAsNgxEscapeUriEscapesAComponent() {
        assertEquals("a%20%E4%BD%A0", UriComponent.escape("a \u00e4\u00bd\u00a0")); // the bytes of "a 你"
        assertEquals("a%2Bb", UriComponent.escape("a+b"));
        assertEquals("%22a%2Fb%3D%7B%7D%3A%3C%3E%3B%26%5B%5D%5C%5E", UriComponent.escape("\"a/b={}:<>;&[]\\^"));
        String kept = "AZaz09-._~!*'()";
        assertSame(kept, UriComponent.escape(kept), "nothing to escape: the same string");
        assertEquals("%25%40%60%7C%7F%0A%E9", UriComponent.escape("%@`|\u007f\n\u00e9"));
        assertEquals("%E2%82%AC", UriComponent.escape("\u20ac"), "not a byte: its UTF-8 bytes");
    }

    @Test
    void unescapesAsNgxUnescapeUri() {
        assertEquals("a \u00e4\u00bd\u00a0", UriComponent.unescape("a%20%e4%bd%a0"));
        assertEquals("a b c", UriComponent.unescape("a+b%20c"));
        assertEquals("100%", UriComponent.unescape("100%"));
        assertEquals("a%2", UriComponent.unescape("a%2"));
        assertEquals("%zz+", UriComponent.unescape("%zz%2B"));
        assertEquals("%%41", UriComponent.unescape("%%2541"));
        String plain = "nothing";
        assertSame(plain, UriComponent.unescape(plain));
    }
}
