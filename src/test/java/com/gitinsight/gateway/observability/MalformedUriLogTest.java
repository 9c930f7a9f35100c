package com.gitinsight.gateway.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

class MalformedUriLogTest {

    private static LogRecord malformed() {
        LogRecord r = new LogRecord(Level.SEVERE, "AS-WEB-CORE-00037");
        IllegalArgumentException e = new IllegalArgumentException("URLDecoder: Illegal hex characters");
        e.setStackTrace(new StackTraceElement[] {
            new StackTraceElement("org.glassfish.grizzly.http.util.URLDecoder", "decode", "URLDecoder.java", 199)
        });
        r.setThrown(e);
        return r;
    }

    @Test
    void oneLineAMinuteForMalformedUrisOthersUntouched() {
        MalformedUriLog filter = new MalformedUriLog();
        int passed = 0;
        for (int i = 0; i < 1000; i++) {
            if (filter.isLoggable(malformed())) {
                passed++;
            }
        }
        assertEquals(1, passed, "a thousand bad requests, one line");
        LogRecord other = new LogRecord(Level.SEVERE, "something else");
        other.setThrown(new IllegalStateException("x"));
        assertTrue(filter.isLoggable(other));
        assertFalse(MalformedUriLog.isMalformedUri(other));
        LogRecord first = malformed();
        assertTrue(new MalformedUriLog().isLoggable(first));
        assertEquals(null, first.getThrown(), "no stack trace");
    }
}
