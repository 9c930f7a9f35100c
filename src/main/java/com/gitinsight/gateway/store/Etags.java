package com.gitinsight.gateway.store;

/** {@code If-Match} against a stored hash: a list of quoted tags, or {@code *} (strong comparison, RFC 9110: a weak tag never matches). */
final class Etags {

    private Etags() {}

    static boolean matches(String ifMatch, String hash) {
        for (String tag : ifMatch.split(",")) {
            String t = tag.trim();
            if (t.equals("*")) {
                return true;
            }
            if (t.startsWith("W/")) {
                continue;
            }
            if (t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"")) {
                t = t.substring(1, t.length() - 1);
            }
            if (t.equals(hash)) {
                return true;
            }
        }
        return false;
    }
}
