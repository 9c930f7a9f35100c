package com.gitinsight.gateway.http;

import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * nginx's {@code ngx_parse_http_time} (Kong's {@code ngx.parse_http_time}), read as nginx reads a
 * date: RFC 1123 ({@code Sun, 06 Nov 1994 08:49:37 GMT}), RFC 850
 * ({@code Sunday, 06-Nov-94 08:49:37 GMT}) or asctime ({@code Sun Nov  6 08:49:37 1994}); the
 * weekday skipped unchecked, a two-digit day in the first two, and whatever follows the time (the
 * zone) not read, so {@code UTC} or {@code +0000} pass as nginx lets them.
 */
public final class HttpDates {

    /** No date: what {@link #epochSeconds} answers for a value nginx would refuse. */
    public static final long INVALID = Long.MIN_VALUE;

    private static final String[] MONTHS = {
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
    };

    private HttpDates() {}

    /** The date's seconds since the epoch, or {@link #INVALID}. */
    public static long epochSeconds(String value) {
        if (value == null) {
            return INVALID;
        }
        try {
            return parse(value);
        } catch (IndexOutOfBoundsException | DateTimeException e) {
            return INVALID;
        }
    }

    private static long parse(String s) {
        int end = s.length();
        int p = 0;
        boolean asctime = false;
        while (p < end && s.charAt(p) != ',') {
            if (s.charAt(p) == ' ') {
                asctime = true;
                break;
            }
            p++;
        }
        p++;
        while (p < end && s.charAt(p) == ' ') {
            p++;
        }
        if (end - p < 18) {
            return INVALID;
        }
        int day = 0;
        boolean rfc850 = false;
        if (!asctime) {
            day = twoDigits(s, p);
            p += 2;
            if (s.charAt(p) == '-') {
                rfc850 = true;
            } else if (s.charAt(p) != ' ' || end - p < 18) {
                return INVALID;
            }
            p++;
        }
        int month = month(s, p);
        p += 3;
        if (month < 0 || s.charAt(p) != (rfc850 ? '-' : ' ')) {
            return INVALID;
        }
        p++;
        int year = 0;
        if (asctime) {
            if (s.charAt(p) == ' ') {
                p++;
            }
            day = digit(s, p++);
            if (s.charAt(p) != ' ') {
                day = day * 10 + digit(s, p++);
            }
            if (end - p < 14) {
                return INVALID;
            }
        } else if (rfc850) {
            year = twoDigits(s, p);
            year += year < 70 ? 2000 : 1900;
            p += 2;
        } else {
            year = twoDigits(s, p) * 100 + twoDigits(s, p + 2);
            p += 4;
        }
        if (s.charAt(p++) != ' ') {
            return INVALID;
        }
        int hour = twoDigits(s, p);
        int minute = twoDigits(s, p + 3);
        int second = twoDigits(s, p + 6);
        if (s.charAt(p + 2) != ':' || s.charAt(p + 5) != ':') {
            return INVALID;
        }
        p += 8;
        if (asctime) {
            if (s.charAt(p++) != ' ') {
                return INVALID;
            }
            year = twoDigits(s, p) * 100 + twoDigits(s, p + 2);
        }
        if (day < 1 || hour > 23 || minute > 59 || second > 59) {
            return INVALID;
        }
        // Throws for a day the month does not have (30 Feb): no date, as nginx refuses it.
        return LocalDateTime.of(year, month + 1, day, hour, minute, second).toEpochSecond(ZoneOffset.UTC);
    }

    private static int month(String s, int p) {
        for (int m = 0; m < MONTHS.length; m++) {
            if (s.startsWith(MONTHS[m], p)) {
                return m;
            }
        }
        return -1;
    }

    private static int twoDigits(String s, int p) {
        return digit(s, p) * 10 + digit(s, p + 1);
    }

    private static int digit(String s, int p) {
        char c = s.charAt(p);
        if (c < '0' || c > '9') {
            throw new DateTimeException("not a digit");
        }
        return c - '0';
    }
}
