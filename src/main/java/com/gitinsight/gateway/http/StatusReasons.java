package com.gitinsight.gateway.http;

import jakarta.servlet.ServletRequest;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The reason phrase of a status line where Payara's HTTP layer (Grizzly) names none: it writes
 * {@code 429 CUSTOM} for every status missing from its table (429, 422, 426, 451...), where nginx
 * writes its own name ({@code 429 Too Many Requests}) or none ({@code 422 }) for an answer of its
 * own, and a backend's status line as the backend sent it. The Servlet API sets no reason phrase,
 * so the container's response is reached by reflection from the request, as {@link
 * ResponseHeaderRemoval} reaches it; on another container (WildFly's Undertow, not checked here)
 * nothing is done.
 */
public final class StatusReasons {

    private static final Logger LOG = Logger.getLogger(StatusReasons.class.getName());

    /** The statuses Grizzly's {@code HttpStatus} names: every other one is written "CUSTOM". */
    private static final boolean[] NAMED_BY_GRIZZLY = new boolean[600];

    static {
        int[] named = {
            100, 101, 200, 201, 202, 203, 204, 205, 206, 300, 301, 302, 303, 304, 305, 307, 308, 421, 431, 500, 501,
            502, 503, 504, 505
        };
        for (int s : named) {
            NAMED_BY_GRIZZLY[s] = true;
        }
        for (int s = 400; s <= 417; s++) {
            NAMED_BY_GRIZZLY[s] = true;
        }
    }

    private StatusReasons() {}

    /** Whether the container writes its own reason phrase for {@code status} (no need to set one). */
    public static boolean containerNames(int status) {
        return status >= 0 && status < NAMED_BY_GRIZZLY.length && NAMED_BY_GRIZZLY[status];
    }

    /**
     * nginx's reason phrase for a status Grizzly does not name ({@code ngx_http_status_lines}), or
     * "" where nginx has none and writes the code alone.
     */
    public static String nginx(int status) {
        return switch (status) {
            case 429 -> "Too Many Requests";
            case 507 -> "Insufficient Storage";
            default -> "";
        };
    }

    /**
     * A backend's reason phrase as it may be written again: visible ASCII and spaces, at most 64
     * characters; else null (the gateway's own name is written instead).
     */
    public static String sendable(String reason) {
        if (reason == null || reason.length() > 64) {
            return null;
        }
        for (int i = 0; i < reason.length(); i++) {
            char c = reason.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                return null;
            }
        }
        return reason;
    }

    /**
     * Has the response to {@code request} go out with {@code status} and {@code reason}; only on
     * Payara/GlassFish (Grizzly), before the response is committed.
     */
    public static void write(ServletRequest request, int status, String reason) {
        ServletRequest r = ContainerReflection.unwrapped(request);
        try {
            Object grizzly = ContainerReflection.grizzlyResponse(r);
            if (grizzly == null) {
                return; // not Payara or GlassFish
            }
            java.lang.reflect.Method set = ContainerReflection.method(grizzly, "setStatus", int.class, String.class);
            if (set != null) {
                set.invoke(grizzly, status, reason);
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(
                    Level.FINE,
                    "could not set the reason phrase of a " + status + " on "
                            + r.getClass().getName(),
                    e);
        }
    }
}
