package com.gitinsight.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class KongIdsTest {

    @Test
    void theIdsKongGivesEntitiesWrittenWithoutOne() {
        // Kong's own /config specs give these entities exactly these ids (declarative_config.lua's).
        assertEquals("0855b320-0dd2-547d-891d-601e9b38647f", KongIds.of("services", "my-service"));
        assertEquals("481a9539-f49c-51b6-b2e2-fe99ee68866c", KongIds.of("routes", "my-route"));
        assertEquals("4b1b701d-de2b-5588-9aa2-3b97061d9f52", KongIds.of("consumers", "my-user"));
        // Computed with Python's uuid.uuid5, as Kong's loader computes it.
        assertEquals("b32379d9-3d28-5683-a79c-72139be6e34f", KongIds.of("consumers", "alice"));
    }

    @Test
    void theSameNameInAnotherSchemaIsAnotherId() {
        assertNotEquals(KongIds.of("services", "repos"), KongIds.of("routes", "repos"));
        assertNotEquals(KongIds.of("routes", "repos"), KongIds.of("routes", "Repos"));
    }

    @Test
    void nameBasedIsRfc4122sVersion5() {
        // RFC 4122's DNS namespace; Python's uuid.uuid5(NAMESPACE_DNS, "python.org") gives the same.
        UUID dns = UUID.fromString("6ba7b810-9dad-11d1-80b4-00c04fd430c8");
        UUID id = KongIds.nameBased(dns, "python.org");
        assertEquals("886313e1-3b8a-5372-9b90-0c9aee199e5d", id.toString());
        assertEquals(5, id.version());
        assertEquals(2, id.variant());
        assertNotEquals(
                KongIds.nameBased(dns, "\u00e9"), KongIds.nameBased(dns, "\u00c3\u00a9"), "UTF-8 bytes, not chars");
    }
}
