package com.gitinsight.gateway.tracing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** gateway.tracing.instrumentations read as Kong's loader reads tracing_instrumentations. */
class InstrumentationsTest {

    @Test
    void kongsTypesAreRead() {
        assertEquals(Instrumentations.ALL, Instrumentations.parse("all"));
        assertEquals(new Instrumentations(false, false, false, false), Instrumentations.parse("off"));
        assertEquals(new Instrumentations(true, false, false, false), Instrumentations.parse("request"));
        assertEquals(
                new Instrumentations(true, false, false, false),
                Instrumentations.parse("dns_query,db_query,http_client,plugin_rewrite,plugin_header_filter"));
        assertEquals(new Instrumentations(true, true, false, false), Instrumentations.parse("router"));
        assertEquals(new Instrumentations(true, false, true, false), Instrumentations.parse(" balancer "));
        assertEquals(new Instrumentations(true, false, true, true), Instrumentations.parse("balancer,plugin_access"));
        assertEquals(new Instrumentations(true, false, false, true), Instrumentations.parse("plugin_access,all"));
    }

    @Test
    void everyErrorIsNamedAsKongNamesIt() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> Instrumentations.parse("off,balancer,spans,ALL"));
        assertEquals(
                "gateway.tracing.instrumentations: invalid tracing type: spans; invalid tracing type: ALL;"
                        + " invalid tracing types: off, other types are mutually exclusive",
                e.getMessage());
        assertEquals(
                "gateway.tracing.instrumentations: invalid tracing type: ",
                assertThrows(IllegalArgumentException.class, () -> Instrumentations.parse("balancer,,router"))
                        .getMessage());
        assertThrows(IllegalArgumentException.class, () -> Instrumentations.parse("off,"));
        assertThrows(IllegalArgumentException.class, () -> Instrumentations.parse(" "));
    }
}
