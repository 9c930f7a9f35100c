package com.gitinsight.gateway.http;

import java.util.Enumeration;

/** A header's lines as one list, as a reader of the whole field takes them (RFC 9110 5.3). */
public final class HeaderLines {

    private HeaderLines() {}

    /**
     * The lines joined with {@code separator}, or null when there is none; one line is returned as
     * it is (no copy in the common case).
     */
    public static String join(Enumeration<String> lines, String separator) {
        if (lines == null || !lines.hasMoreElements()) {
            return null;
        }
        String first = lines.nextElement();
        if (!lines.hasMoreElements()) {
            return first;
        }
        StringBuilder all = new StringBuilder(first);
        while (lines.hasMoreElements()) {
            all.append(separator).append(lines.nextElement());
        }
        return all.toString();
    }

    /** Whether {@code name} came on more than one line. */
    public static boolean repeated(jakarta.servlet.http.HttpServletRequest request, String name) {
        Enumeration<String> values = request.getHeaders(name);
        if (values == null || !values.hasMoreElements()) {
            return false;
        }
        values.nextElement();
        return values.hasMoreElements();
    }

    /** The header's value when it came on one line; null when absent or repeated. */
    public static String once(jakarta.servlet.http.HttpServletRequest request, String name) {
        String first = request.getHeader(name);
        return first == null || repeated(request, name) ? null : first;
    }
}
