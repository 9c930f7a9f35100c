package com.gitinsight.gateway.admin;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.Set;

/** Kong's list filters and pages: {@code tags} (AND with {@code ,}, OR with {@code /}), {@code size}, {@code offset}. */
final class EntityFilters {

    static final int DEFAULT_SIZE = 100;
    static final int MAX_SIZE = 1000;

    private EntityFilters() {}

    /** Whether the entity's tags satisfy {@code filter} ({@code a,b}: both; {@code a/b}: either). */
    static boolean tagged(JsonNode entity, String filter) throws AdminException {
        boolean all = filter.indexOf(',') >= 0;
        if (all && filter.indexOf('/') >= 0) {
            // Kong's words (kong/api/endpoints.lua).
            throw new AdminException(400, "invalid option (tags: invalid filter: mixing '/' and ',')");
        }
        Set<String> has = new HashSet<>();
        entity.path("tags").forEach(t -> has.add(t.asText()));
        for (String tag : filter.split(all ? "," : "/", -1)) {
            boolean in = has.contains(tag);
            if (all && !in) {
                return false;
            }
            if (!all && in) {
                return true;
            }
        }
        return all;
    }

    /** The page size: Kong's default 100, between 1 and 1000. */
    static int size(String size) throws AdminException {
        if (size == null) {
            return DEFAULT_SIZE;
        }
        try {
            int n = Integer.parseInt(size);
            if (n >= 1 && n <= MAX_SIZE) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new AdminException(400, "invalid size: size must be an integer between 1 and " + MAX_SIZE);
    }

    /** Where a page starts: the {@code offset} a previous page's {@code next} gave, else 0. */
    static int offset(String offset, int total) throws AdminException {
        if (offset == null) {
            return 0;
        }
        try {
            int n = Integer.parseInt(offset);
            if (n >= 0 && n <= total) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new AdminException(400, "invalid offset: '" + offset + "'");
    }
}
