package com.gitinsight.gateway.http;

/**
 * Spellings of a form field's name that backends read as one name: PHP makes {@code is.admin},
 * {@code is admin} and {@code is_admin[]} all {@code is_admin} (leading spaces dropped, cut at the
 * first {@code [}, {@code .} and space as {@code _}), Rack cuts at {@code [} too. A field a route
 * removes is removed under each of them, so none passes to such a backend.
 */
public final class FieldNames {

    private FieldNames() {}

    /** Whether {@code sent} is {@code field} or a spelling of it some backend reads as it. */
    public static boolean sameField(String sent, String field) {
        if (sent.equals(field)) {
            return true;
        }
        // A field named with brackets is one entry of a structure: only its own spelling is it.
        return field.indexOf('[') < 0 && phpKey(sent).equals(phpKey(field));
    }

    /** The key PHP makes of a field name (and, but for {@code .} and space, Rack). */
    static String phpKey(String name) {
        int start = 0;
        while (start < name.length() && name.charAt(start) == ' ') {
            start++;
        }
        int bracket = name.indexOf('[', start);
        String key = bracket < 0 ? name.substring(start) : name.substring(start, bracket);
        return key.replace('.', '_').replace(' ', '_');
    }
}
