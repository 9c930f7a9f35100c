package com.gitinsight.gateway.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.hc.core5.http.message.BasicHttpResponse;
import org.junit.jupiter.api.Test;

/** What an endpoint's Keep-Alive answers make of a kept connection's idle time, hostile ones included. */
class SenderClientTest {

    private static long allows(String... keepAlive) {
        BasicHttpResponse response = new BasicHttpResponse(200);
        for (String value : keepAlive) {
            response.addHeader("Keep-Alive", value);
        }
        return SenderClient.endpointAllows(response);
    }

    @Test
    void theFirstTimeoutThatIsANumberKeptATenthOrHalfASecondShorter() {
        assertEquals(4_500, allows("timeout=5, max=100"));
        assertEquals(1_500, allows("max=5, timeout=2"));
        assertEquals(500, allows("timeout=1"));
        assertEquals(2_500, allows("Timeout=3"));
        assertEquals(54_000, allows("timeout=60"));
        assertEquals(1_500, allows("timeout=2", "timeout=60"), "the first header's");
        assertEquals(1_500, allows("timeout=soon, timeout=2"), "read on past one that is no number");
    }

    @Test
    void noneWithoutAHeaderOrAPositiveNumberOfSeconds() {
        assertEquals(Long.MAX_VALUE, allows());
        assertEquals(Long.MAX_VALUE, allows("max=100"));
        assertEquals(Long.MAX_VALUE, allows("timeout"));
        assertEquals(Long.MAX_VALUE, allows("timeout=0"));
        assertEquals(Long.MAX_VALUE, allows("timeout=-3"));
        assertEquals(Long.MAX_VALUE, allows("timeout=abc"));
        assertEquals(Long.MAX_VALUE, allows("timeout=99999999999999999999999"), "past a long");
        assertEquals(Long.MAX_VALUE, allows("timeout=31536000"), "a year or more is as good as none");
        assertEquals(Long.MAX_VALUE, allows(""));
    }
}
