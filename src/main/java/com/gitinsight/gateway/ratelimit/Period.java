package com.gitinsight.gateway.ratelimit;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

/**
 * Kong's fixed windows, aligned to the clock in UTC (a minute starts at :00, a month on the 1st):
 * every node computes the same window for the same instant.
 */
public enum Period {
    SECOND("second", "Second"),
    MINUTE("minute", "Minute"),
    HOUR("hour", "Hour"),
    DAY("day", "Day"),
    MONTH("month", "Month"),
    YEAR("year", "Year");

    private final String field;
    private final String header;
    // Made once: a name built per response is a new string each log record hashes again.
    private final String limitHeader;
    private final String remainingHeader;

    Period(String field, String header) {
        this.field = field;
        this.header = header;
        this.limitHeader = "X-RateLimit-Limit-" + header;
        this.remainingHeader = "X-RateLimit-Remaining-" + header;
    }

    public String field() {
        return field;
    }

    /** {@code X-RateLimit-Limit-<header>}. */
    public String header() {
        return header;
    }

    /** {@code X-RateLimit-Limit-<header>}. */
    public String limitHeader() {
        return limitHeader;
    }

    /** {@code X-RateLimit-Remaining-<header>}. */
    public String remainingHeader() {
        return remainingHeader;
    }

    /** Start of the window holding {@code nowMillis}, in epoch milliseconds. */
    public long start(long nowMillis) {
        return switch (this) {
            case SECOND -> nowMillis - Math.floorMod(nowMillis, 1_000L);
            case MINUTE -> nowMillis - Math.floorMod(nowMillis, 60_000L);
            case HOUR -> nowMillis - Math.floorMod(nowMillis, 3_600_000L);
            case DAY -> nowMillis - Math.floorMod(nowMillis, 86_400_000L);
            case MONTH ->
                utc(nowMillis)
                        .withDayOfMonth(1)
                        .toLocalDate()
                        .atStartOfDay(ZoneOffset.UTC)
                        .toInstant()
                        .toEpochMilli();
            case YEAR ->
                utc(nowMillis)
                        .withDayOfYear(1)
                        .toLocalDate()
                        .atStartOfDay(ZoneOffset.UTC)
                        .toInstant()
                        .toEpochMilli();
        };
    }

    /** End (exclusive) of the window holding {@code nowMillis}. */
    public long end(long nowMillis) {
        return switch (this) {
            case SECOND -> start(nowMillis) + 1_000L;
            case MINUTE -> start(nowMillis) + 60_000L;
            case HOUR -> start(nowMillis) + 3_600_000L;
            case DAY -> start(nowMillis) + 86_400_000L;
            case MONTH -> utc(start(nowMillis)).plusMonths(1).toInstant().toEpochMilli();
            case YEAR -> utc(start(nowMillis)).plusYears(1).toInstant().toEpochMilli();
        };
    }

    private static ZonedDateTime utc(long millis) {
        return Instant.ofEpochMilli(millis).atZone(ZoneOffset.UTC);
    }
}
