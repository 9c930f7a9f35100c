package com.gitinsight.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** The path as sent, where Payara's servlet layer or JAX-RS would change or refuse it. */
class SentPathTest {

    @Test
    void onlyPathsTheServletStackWouldChangeAreKeptAside() {
        assertNull(SentPath.readable("/a/b;v=1/%2F"));
        assertEquals("/a%5Cb%7Bc%7D", SentPath.readable("/a\\b{c}"));
        assertEquals("/cart;jsessionid=X", SentPath.readable("/cart;jsessionid=X"));
        assertEquals("/a%5cb", SentPath.readable("/a%5cb"));
    }

    @Test
    void theContainerGetsAPathItNeitherStripsNorRefuses() {
        assertEquals("/cart;%6Asessionid=X/a%255Cb", SentPath.hiddenFromContainer("/cart;jsessionid=X/a%5Cb"));
    }
}
