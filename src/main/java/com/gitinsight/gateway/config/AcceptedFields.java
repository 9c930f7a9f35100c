package com.gitinsight.gateway.config;

import java.util.Set;

/**
 * Kong's type checks of the entity fields that are accepted but change nothing here ({@code tags},
 * timestamps, buffering of routes, ...): a dump that loads in Kong loads
 * here, and a value Kong would refuse is refused here too, at its field.
 */
final class AcceptedFields {

    private static final Set<Long> REDIRECT_STATUSES = Set.of(426L, 301L, 302L, 307L, 308L);

    private AcceptedFields() {}

    /** {@code tags}, {@code created_at} and {@code updated_at}, which every entity may have. */
    static void common(Section s) {
        common(s, false);
    }

    /**
     * As {@link #common}; {@code milliseconds}: the timestamps are Kong's {@code auto_timestamp_ms}
     * (a target's: a number, fractions allowed, as Kong's exports write them; helper review 256).
     */
    static void common(Section s, boolean milliseconds) {
        for (Section.Item<String> tag : s.strings("tags")) {
            String problem = tagProblem(tag.value());
            if (problem != null) {
                s.error(tag, problem);
            }
        }
        for (String timestamp : new String[] {"created_at", "updated_at"}) {
            // Kong's auto_timestamp_s: an integer (ms: a number), then its timestamp validator (above 0).
            if (s.has(timestamp)
                    && (milliseconds
                            ? s.number(timestamp, 1, -Double.MAX_VALUE, Double.MAX_VALUE) <= 0
                            : s.integer(timestamp, 1, Long.MIN_VALUE, Long.MAX_VALUE) <= 0)) {
                s.error(timestamp, "expected a valid timestamp");
            }
        }
    }

    /** Which of the list (or map) fields {@code keys} the file gives empty. */
    static java.util.Set<String> givenEmpty(Section s, String... keys) {
        java.util.Set<String> empty = new java.util.HashSet<>();
        for (String key : keys) {
            Node n = s.node(key);
            if (n instanceof Node.ListNode l && l.items().isEmpty()
                    || n instanceof Node.MapNode m && m.entries().isEmpty()) {
                empty.add(key);
            }
        }
        return empty;
    }

    /** The entity's {@code created_at} as the file gives it (checked by {@link #common}), or -1. */
    static long createdAt(Section s) {
        long given = s.has("created_at") ? s.integer("created_at", -1, Long.MIN_VALUE, Long.MAX_VALUE) : -1;
        return given > 0 ? given : -1; // (a value Kong refuses is reported by common)
    }

    /**
     * Kong's typedefs.tag: printable ASCII and space but ',' and '/' (tags are listed and filtered
     * with them in Kong's admin API), or any character beyond ASCII; in Kong's words.
     */
    static String tagProblem(String tag) {
        if (tag.isEmpty()) {
            return "length must be at least 1";
        }
        for (int i = 0; i < tag.length(); i++) {
            char c = tag.charAt(i);
            if (c < ' ' || c == ',' || c == '/' || c == 127) {
                return "invalid tag '" + tag
                        + "': expected printable ascii (except `,` and `/`) or valid utf-8 sequences";
            }
        }
        return null;
    }

    static void service(Section s) {
        common(s);
    }

    static void route(Section s) {
        common(s);
        if (s.has("https_redirect_status_code")
                && !REDIRECT_STATUSES.contains(s.integer("https_redirect_status_code", 426, 0, 999))) {
            s.error("https_redirect_status_code", "expected one of: 426, 301, 302, 307, 308");
        }
        s.bool("request_buffering", true);
        s.bool("response_buffering", true);
        s.strings("snis");
        for (String key : new String[] {"sources", "destinations"}) {
            for (Section cidrPort : s.sections(key)) {
                cidrPort.allowOnly(Set.of("ip", "port"), Set.of());
                cidrPort.string("ip", null);
                cidrPort.integer("port", 0, 0, 65535);
            }
        }
    }

    /** Kong's upstream fields this gateway reads no further; returns {@code slots}, the hash ring's size. */
    static int upstream(Section s) {
        common(s);
        int slots = (int) s.integer("slots", UpstreamSpec.HashPolicy.DEFAULT_SLOTS, 10, 65536);
        s.bool("use_srv_name", false);
        return slots;
    }

    /** Kong's typedefs.utf8_name: letters and digits of any script, and '.', '-', '_' and '~'. */
    private static final java.util.regex.Pattern UTF8_NAME = java.util.regex.Pattern.compile("[\\p{L}\\p{N}._~-]+");

    static void plugin(Section s) {
        common(s);
        String instance = s.string("instance_name", null);
        if (instance != null && instance.isEmpty()) {
            s.error("instance_name", "length must be at least 1"); // Kong's utf8_name (helper review 318)
        } else if (instance != null && !UTF8_NAME.matcher(instance).matches()) {
            s.error(
                    "instance_name",
                    "invalid value '" + instance
                            + "': the only accepted ascii characters are alphanumerics or ., -, _, and ~");
        }
    }
}
