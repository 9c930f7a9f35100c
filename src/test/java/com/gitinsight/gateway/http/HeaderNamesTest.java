package com.gitinsight.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class HeaderNamesTest {

    @Test
    void aCommonNameInEitherSpellingIsSwappedForOneSharedInstance() {
        String fresh = new String("Content-Type".toCharArray());
        String shared = HeaderNames.shared(fresh);
        assertEquals("Content-Type", shared);
        assertSame(shared, HeaderNames.shared(new String("Content-Type".toCharArray())));
        String lower = HeaderNames.shared(new String("content-type".toCharArray()));
        assertEquals("content-type", lower);
        assertSame(lower, HeaderNames.shared(new String("content-type".toCharArray())));
    }

    @Test
    void anyOtherNameOrSpellingIsReturnedAsItIs() {
        for (String name : new String[] {"CONTENT-TYPE", "Content-type", "X-Mine", "", "Host "}) {
            String fresh = new String(name.toCharArray());
            assertSame(fresh, HeaderNames.shared(fresh), name);
        }
        assertNull(HeaderNames.shared(null));
    }
}
