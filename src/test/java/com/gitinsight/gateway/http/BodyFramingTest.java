package com.gitinsight.gateway.http;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.gitinsight.gateway.testing.FakeHttp;
import org.junit.jupiter.api.Test;

/** One framing rule for every body reader (attacker review 107). */
class BodyFramingTest {

    @Test
    void chunkedOrAnHttp2BodyTakingMethodWithoutALengthHasAnUnknownLength() {
        assertTrue(
                BodyFraming.unknownLength(FakeHttp.Request.of("POST", "/x", "Transfer-Encoding", "chunked").request));
        assertTrue(BodyFraming.unknownLength(FakeHttp.Request.of("POST", "/x").protocol("HTTP/2.0").request));
        assertTrue(
                BodyFraming.unknownLength(FakeHttp.Request.of("PROPFIND", "/x").protocol("HTTP/2.0").request));
        assertFalse(BodyFraming.unknownLength(FakeHttp.Request.of("GET", "/x").protocol("HTTP/2.0").request));
        assertFalse(BodyFraming.unknownLength(
                FakeHttp.Request.of("POST", "/x", "Content-Length", "3").protocol("HTTP/2.0").request));
        assertFalse(
                BodyFraming.unknownLength(FakeHttp.Request.of("POST", "/x").request), "HTTP/1 without framing: none");
    }
}
