package com.gitinsight.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.gitinsight.gateway.testing.FakeHttp;
import org.junit.jupiter.api.Test;

class RawQueryTest {

    @Test
    void aBareQuestionMarkIsAnEmptyQueryNotNone() {
        assertNull(RawQuery.of(FakeHttp.Request.get("/x").request));
        FakeHttp.Request bare = FakeHttp.Request.get("/x");
        bare.request.setAttribute(RawQuery.EMPTY, Boolean.TRUE);
        assertEquals("", RawQuery.of(bare.request));
        assertEquals("a=1", RawQuery.of(FakeHttp.Request.get("/x?a=1").request));
    }
}
