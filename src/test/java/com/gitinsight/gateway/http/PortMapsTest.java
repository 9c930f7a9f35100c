package com.gitinsight.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Kong's port_maps (helper review 201: a gateway behind a port mapping sent its own port). */
class PortMapsTest {

    @Test
    void aListenersPortIsTheOneClientsReached() {
        PortMaps maps = PortMaps.parse("80:8000, 443:8443");
        assertEquals(80, maps.hostPort(8000));
        assertEquals(443, maps.hostPort(8443));
        assertEquals(9000, maps.hostPort(9000), "a port not mapped is itself");
        assertEquals(8000, PortMaps.parse(null).hostPort(8000));
        assertEquals(8000, PortMaps.parse(" ").hostPort(8000));
    }

    @Test
    void aMalformedEntryIsRefusedByName() {
        for (String bad : new String[] {"80", "80:", ":8000", "80:0", "x:8000", "80:70000", "80:8000, x"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PortMaps.parse(bad), bad);
            assertTrue(e.getMessage().startsWith("port_maps: '"), e.getMessage());
        }
    }
}
