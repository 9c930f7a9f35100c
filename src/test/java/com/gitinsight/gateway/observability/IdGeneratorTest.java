package com.gitinsight.gateway.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.gitinsight.gateway.testing.FakeHttp;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

class IdGeneratorTest {

    private final IdGenerator ids = new IdGenerator("node-1");

    @Test
    void uuidsAreVersion4AndDistinct() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String id = ids.next(IdGenerator.Kind.UUID);
            UUID u = UUID.fromString(id);
            assertEquals(4, u.version());
            assertEquals(2, u.variant());
            assertTrue(seen.add(id));
        }
    }

    @Test
    void uuidCounterKeepsTheNodeAndCounts() {
        String a = ids.next(IdGenerator.Kind.UUID_COUNTER);
        String b = ids.next(IdGenerator.Kind.UUID_COUNTER);
        assertEquals(a.substring(0, a.indexOf('#')), b.substring(0, b.indexOf('#')));
        assertEquals(
                Long.parseLong(a.substring(a.indexOf('#') + 1)) + 1, Long.parseLong(b.substring(b.indexOf('#') + 1)));
        assertTrue(ids.next(IdGenerator.Kind.TRACKER).startsWith("node-1-"));
        String c = ids.next(IdGenerator.Kind.UUID_COUNTER);
        assertEquals(
                Long.parseLong(b.substring(b.indexOf('#') + 1)) + 1,
                Long.parseLong(c.substring(c.indexOf('#') + 1)),
                "a tracker id does not move uuid#counter's count (Kong's spec expects #1, #2)");
    }

    // Kong's correlation-id spec: %d+%.%d+%.%d+%.%d+%-%d+%-%d+%-%d+%-%d+%-%d{10}%.%d{3}
    @Test
    void trackerIdsHaveKongsShape() {
        FakeHttp.Request request = FakeHttp.Request.get("/x");
        String id = ids.next(IdGenerator.Kind.TRACKER, request.request);
        assertTrue(id.matches("\\d+\\.\\d+\\.\\d+\\.\\d+-\\d+-\\d+-\\d+-\\d+-\\d{10}\\.\\d{3}"), id);
        assertTrue(!id.equals(ids.next(IdGenerator.Kind.TRACKER, request.request)));
    }

    @Test
    void onlyBoundedSafeIncomingIdsAreKept() {
        assertTrue(IdGenerator.wellFormed("abc-123_x.y:z#1"));
        assertTrue(IdGenerator.wellFormed("x".repeat(200)));
        assertFalse(IdGenerator.wellFormed("x".repeat(201)));
        assertFalse(IdGenerator.wellFormed(""));
        assertFalse(IdGenerator.wellFormed(null));
        assertFalse(IdGenerator.wellFormed("a b"));
        assertFalse(IdGenerator.wellFormed("a\nb"), "no log injection");
        assertFalse(IdGenerator.wellFormed("<b>"));
    }

    @Test
    void everyLogLineCarriesTheRequestIdWhileItIsHandled() {
        Logger root = Logger.getLogger("");
        StringBuilder seen = new StringBuilder();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (isLoggable(record) && !record.getLoggerName().startsWith("org.junit")) {
                    seen.append(record.getMessage()).append('\n');
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        root.addHandler(capture);
        RequestLogContext context = new RequestLogContext();
        context.install();
        Logger logger = Logger.getLogger("com.gitinsight.gateway.some.Component");
        try {
            context.bind("r-1");
            logger.info("inside");
            Logger.getLogger("org.apache.hc.client5.Example").info("a library's");
            context.unbind();
            logger.info("outside");
        } finally {
            context.uninstall();
            root.removeHandler(capture);
        }
        assertEquals("[request_id=r-1] inside\n[request_id=r-1] a library's\noutside\n", seen.toString());
        assertEquals(null, capture.getFilter(), "the handler's filter is restored");
    }
}
