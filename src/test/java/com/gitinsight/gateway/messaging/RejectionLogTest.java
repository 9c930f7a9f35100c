package com.gitinsight.gateway.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** A publisher's flood of bad messages is one line a minute on each node (helper review 250). */
class RejectionLogTest {

    @Test
    void rejectionsAreSaidOnceAMinuteWithTheCountBetween() {
        Logger log = Logger.getAnonymousLogger();
        log.setUseParentHandlers(false);
        List<LogRecord> said = new CopyOnWriteArrayList<>();
        log.addHandler(new Handler() {
            @Override
            public void publish(LogRecord r) {
                said.add(r);
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        });
        AtomicLong nanos = new AtomicLong(5);
        RejectionLog rejections = new RejectionLog(log, nanos::get, "rejected messages");
        for (int i = 0; i < 1000; i++) {
            int n = i;
            rejections.warn(() -> "rejected message " + n, null);
        }
        assertEquals(1, said.size());
        assertTrue(
                said.get(0).getMessage().startsWith("rejected message 0;"),
                said.get(0).getMessage());
        nanos.addAndGet(RejectionLog.INTERVAL_NANOS);
        rejections.warn(() -> "could not be handled", new IllegalStateException("x"));
        assertEquals(2, said.size());
        assertTrue(
                said.get(1).getMessage().startsWith("could not be handled (999 more since the last such line"),
                said.get(1).getMessage());
        assertNotNull(said.get(1).getThrown());
    }
}
