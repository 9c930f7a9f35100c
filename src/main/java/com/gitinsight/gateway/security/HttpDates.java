package com.gitinsight.gateway.security;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.Locale;

/**
 * nginx's {@code ngx_parse_http_time} (Kong's {@code ngx.parse_http_time}): the three HTTP date
 * formats, the weekday name skipped unchecked as nginx skips it: RFC 1123
 * ({@code Sun, 06 Nov 1994 08:49:37 GMT}), RFC 850 ({@code Sunday, 06-Nov-94 08:49:37 GMT}) and
 * asctime ({@code Sun Nov  6 08:49:37 1994}).
 */
final class HttpDates {

    /** No date: what {@link #epochSeconds} answers for a value of no known format. */
    static final long INVALID = Long.MIN_VALUE;

    private static final DateTimeFormatter RFC_1123 = formatter("dd MMM uuuu HH:mm:ss 'GMT'");
    private static final DateTimeFormatter RFC_850 = formatter("dd-MMM-uu HH:mm:ss 'GMT'");
    private static final DateTimeFormatter ASCTIME = formatter("MMM ppd HH:mm:ss uuuu");

    private HttpDates() {}

    private static DateTimeFormatter formatter(String pattern) {
        return DateTimeFormatter.ofPattern(pattern, Locale.US).withResolverStyle(ResolverStyle.STRICT);
    }

    /** The date's seconds since the epoch, or {@link #INVALID}. */
    static long epochSeconds(String value) {
        if (value == null) {
            return INVALID;
        }
        int comma = value.indexOf(',');
        int space = value.indexOf(' ');
        try {
            if (comma > 0 && (space < 0 || comma < space)) {
                String rest = value.substring(comma + 1).stripLeading();
                DateTimeFormatter f = rest.length() > 2 && rest.charAt(2) == '-' ? RFC_850 : RFC_1123;
                return LocalDateTime.parse(rest, f).toEpochSecond(ZoneOffset.UTC);
            }
            if (space > 0) {
                return LocalDateTime.parse(value.substring(space + 1), ASCTIME).toEpochSecond(ZoneOffset.UTC);
            }
        } catch (DateTimeParseException e) {
            return INVALID;
        }
        return INVALID;
    }
}
