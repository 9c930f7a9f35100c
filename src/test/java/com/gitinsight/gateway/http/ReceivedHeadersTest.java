package com.gitinsight.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.gitinsight.gateway.testing.FakeHttp;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A request's headers as they came in, whatever trailer the container merges into them later. */
class ReceivedHeadersTest {

    @Test
    void aTrailerMergedAfterTheHeadIsNeverSeen() {
        FakeHttp.Request fake = FakeHttp.Request.of("POST", "/x", "X-Tenant", "a", "Cookie", "id=1")
                .body("text/plain", "hello", true);
        HttpServletRequest frozen = ReceivedHeaders.asReceived(fake.request);
        // What Grizzly does once the chunked body has been read: the trailer's fields join the headers.
        fake.header("Cookie", "session=ATTACKER")
                .header("X-Trailer-Probe", "1")
                .header("X-Tenant", "b")
                .header("Content-Length", "0");
        assertNull(frozen.getHeader("x-trailer-probe"));
        assertEquals(List.of("id=1"), Collections.list(frozen.getHeaders("cookie")));
        assertEquals(List.of("a"), Collections.list(frozen.getHeaders("X-TENANT")));
        assertFalse(Collections.list(frozen.getHeaderNames()).contains("X-Trailer-Probe"));
        assertEquals(1, frozen.getCookies().length);
        assertEquals("id", frozen.getCookies()[0].getName());
        assertEquals(-1, frozen.getContentLengthLong(), "a Content-Length trailer does not reframe the body");
        assertEquals("text/plain", frozen.getContentType());
        assertEquals(-1, frozen.getIntHeader("X-Trailer-Probe"));
    }

    @Test
    void onlyRequestsThatCanStillGainTrailersAreFrozen() {
        FakeHttp.Request get = FakeHttp.Request.get("/x");
        assertSame(get.request, ReceivedHeaders.asReceived(get.request));
        FakeHttp.Request sized = FakeHttp.Request.of("POST", "/x").body("text/plain", "hi");
        assertSame(sized.request, ReceivedHeaders.asReceived(sized.request));
        assertTrue(ReceivedHeaders.mayGainTrailers(FakeHttp.Request.get("/x").protocol("HTTP/2.0").request));
        assertTrue(ReceivedHeaders.mayGainTrailers(
                FakeHttp.Request.of("POST", "/x").body("text/plain", "hi", true).request));
    }
}
