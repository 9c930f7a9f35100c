package com.gitinsight.gateway.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** Kong's list filters (14-tags_spec, 09-routes "paginates a set"; helper review 123). */
class EntityFiltersTest {

    private static JsonNode entity(String json) throws Exception {
        return new ObjectMapper().readTree(json);
    }

    @Test
    void tagsAreAllOfACommaListOrAnyOfASlashList() throws Exception {
        JsonNode ab = entity("{\"tags\": [\"a\", \"b\"]}");
        JsonNode a = entity("{\"tags\": [\"a\"]}");
        JsonNode none = entity("{}");
        assertTrue(EntityFilters.tagged(ab, "a,b"));
        assertFalse(EntityFilters.tagged(a, "a,b"));
        assertTrue(EntityFilters.tagged(a, "b/a"));
        assertFalse(EntityFilters.tagged(none, "a"));
        assertEquals(400, assertThrows(AdminException.class, () -> EntityFilters.tagged(a, "a,b/c")).status);
    }

    @Test
    void aPageIsBetweenOneAndAThousandFromAnOffsetAPreviousPageGave() throws Exception {
        assertEquals(100, EntityFilters.size(null));
        assertEquals(3, EntityFilters.size("3"));
        for (String bad : new String[] {"0", "1001", "x", "-1"}) {
            assertEquals(400, assertThrows(AdminException.class, () -> EntityFilters.size(bad)).status, bad);
        }
        assertEquals(0, EntityFilters.offset(null, 5));
        assertEquals(3, EntityFilters.offset("3", 5));
        assertEquals(400, assertThrows(AdminException.class, () -> EntityFilters.offset("9", 5)).status);
    }
}
