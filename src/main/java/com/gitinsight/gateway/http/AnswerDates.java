package com.gitinsight.gateway.http;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * The {@code Date} of an answer (RFC 9110 6.6.1: a proxy adds one to a response that has none, as
 * nginx does to every answer), made once a second: each request reads one volatile field, and
 * threads racing at a second's turn each format the same text, without a lock.
 */
public final class AnswerDates {

    private static final DateTimeFormatter IMF_FIXDATE = DateTimeFormatter.ofPattern(
                    "EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US)
            .withZone(ZoneOffset.UTC);

    private record Made(long second, String text) {}

    private final LongSupplier clockMillis;
    private volatile Made last = new Made(Long.MIN_VALUE, "");

    public AnswerDates() {
        this(System::currentTimeMillis);
    }

    public AnswerDates(LongSupplier clockMillis) {
        this.clockMillis = clockMillis;
    }

    /** Now as an HTTP date ({@code Sun, 06 Dec 2026 10:22:57 GMT}). */
    public String now() {
        long second = Math.floorDiv(clockMillis.getAsLong(), 1000L);
        Made made = last;
        if (made.second() != second) {
            made = new Made(second, IMF_FIXDATE.format(Instant.ofEpochSecond(second)));
            last = made;
        }
        return made.text();
    }
}
