package com.gitinsight.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Which statuses need a reason phrase of the gateway's, and which a backend's may be written again. */
class StatusReasonsTest {

    @Test
    void grizzlysOwnNamesAreKeptAndTheRestGetNginxsOrNone() {
        for (int named : new int[] {200, 204, 301, 304, 308, 400, 401, 404, 413, 417, 421, 431, 500, 502, 503, 504}) {
            assertTrue(StatusReasons.containerNames(named), "" + named);
        }
        for (int unnamed : new int[] {207, 226, 306, 418, 422, 425, 426, 429, 451, 506, 507, 511, 599, 99, 600, -1}) {
            assertFalse(StatusReasons.containerNames(unnamed), "" + unnamed);
        }
        // ngx_http_status_lines: 429 and 507 are named, the rest of these are written as the code alone.
        assertEquals("Too Many Requests", StatusReasons.nginx(429));
        assertEquals("Insufficient Storage", StatusReasons.nginx(507));
        assertEquals("", StatusReasons.nginx(422));
        assertEquals("", StatusReasons.nginx(426));
    }

    @Test
    void aBackendsReasonIsWrittenAgainOnlyAsVisibleAscii() {
        assertEquals("Unprocessable Content", StatusReasons.sendable("Unprocessable Content"));
        assertEquals("", StatusReasons.sendable(""));
        assertNull(StatusReasons.sendable(null));
        assertNull(StatusReasons.sendable("caf\u00e9"));
        assertNull(StatusReasons.sendable("a\tb"));
        assertNull(StatusReasons.sendable("x".repeat(65)));
    }
}
