package com.gitinsight.gateway.config;

import java.util.regex.Pattern;

/**
 * What an entity may be called. Names (services, routes, upstreams) follow Kong's {@code utf8_name}:
 * ASCII letters, digits, {@code . - _ ~} and any non-ASCII character. Usernames, custom ids and ids
 * are free text in Kong, but every one of them is also a segment of an admin API path
 * ({@code /consumers/{username}}), so none may hold a path separator, a {@code ..} or a control
 * character (which would also end up in upstream headers such as {@code X-Consumer-Username}).
 */
public final class EntityNames {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._~\\x{80}-\\x{10FFFF}-]+");

    private EntityNames() {}

    /** Why {@code name} is no valid service, route or upstream name, or null. */
    static String nameProblem(String name) {
        if (name.isEmpty()) {
            return "length must be at least 1"; // Kong's 06-routes_spec "must be a non-empty string"
        }
        if (!NAME.matcher(name).matches()) {
            return "invalid value '" + name
                    + "': the only accepted ascii characters are alphanumerics or ., -, _, and ~";
        }
        return pathProblem(name);
    }

    /** Why {@code id} cannot name an entity in an admin API path, or null. */
    public static String pathProblem(String id) {
        if (id.isEmpty()) {
            return "length must be at least 1";
        }
        if (id.equals(".") || id.equals("..")) {
            // A segment of its own in admin paths; "a..b" is Kong's valid name (its services spec).
            return "invalid value '" + id + "': must not be '.' or '..'";
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (c == '/' || c == '\\') {
                return "invalid value '" + id + "': must not contain '/' or '\\'";
            }
            if (Character.isISOControl(c)) {
                return "must not contain control characters";
            }
        }
        return null;
    }
}
