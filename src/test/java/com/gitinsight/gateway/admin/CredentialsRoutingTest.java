package com.gitinsight.gateway.admin;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.ws.rs.Path;
import java.util.ArrayList;
import java.util.List;
import org.glassfish.jersey.uri.PathPattern;
import org.glassfish.jersey.uri.PathTemplate;
import org.junit.jupiter.api.Test;

/**
 * Both root resources' templates match {@code /consumers/{c}/key-auth}; JAX-RS (3.7.2, step 1) and
 * Jersey sort root resources by literal characters, then template variables, and take the first:
 * checked here with Jersey's own patterns and ordering.
 */
class CredentialsRoutingTest {

    private static PathPattern pattern(Class<?> resource) {
        return new PathPattern(
                new PathTemplate(resource.getAnnotation(Path.class).value()),
                PathPattern.RightHandPath.capturingZeroOrMoreSegments);
    }

    private static Class<?> first(String path) {
        List<Class<?>> resources = new ArrayList<>(List.of(EntitiesResource.class, CredentialsResource.class));
        resources.sort((a, b) -> PathPattern.COMPARATOR.compare(pattern(a), pattern(b)));
        for (Class<?> r : resources) {
            if (pattern(r).match(path) != null) {
                return r;
            }
        }
        return null;
    }

    @Test
    void credentialPathsGoToCredentialsResourceAndTheRestToEntitiesResource() {
        for (String plugin : List.of("key-auth", "basic-auth", "acls", "jwt")) {
            assertNotNull(
                    pattern(EntitiesResource.class).match("/_gateway/admin/consumers/erin/" + plugin),
                    "both match: the order decides");
            assertTrue(first("/_gateway/admin/consumers/erin/" + plugin) == CredentialsResource.class, plugin);
            assertTrue(first("/_gateway/admin/consumers/erin/" + plugin + "/some-id") == CredentialsResource.class);
        }
        assertTrue(first("/_gateway/admin/consumers/erin") == EntitiesResource.class);
        assertTrue(first("/_gateway/admin/consumers") == EntitiesResource.class);
        assertTrue(first("/_gateway/admin/services/api/routes") == EntitiesResource.class);
        assertTrue(first("/_gateway/admin/consumers/key-auth") == EntitiesResource.class, "a consumer named key-auth");
        assertTrue(first("/_gateway/admin/consumers/erin/plugins") == EntitiesResource.class);
        assertNull(pattern(CredentialsResource.class).match("/_gateway/admin/services/erin/key-auth"));
        assertFalse(first("/_gateway/admin/routes/r/acls") == CredentialsResource.class);
    }
}
