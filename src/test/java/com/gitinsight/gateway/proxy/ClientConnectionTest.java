package com.gitinsight.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The containers' object chains, by the method names ClientConnection reaches them with. */
class ClientConnectionTest {

    private final List<String> calls = new ArrayList<>();

    /** Payara's RequestFacade and what lies behind it (public: reached by reflection). */
    public final class Facade {
        public Catalina getUnwrappedCoyoteRequest() {
            return new Catalina();
        }
    }

    public final class Catalina {
        public Grizzly getCoyoteRequest() {
            return new Grizzly();
        }
    }

    public final class Grizzly {
        public GrizzlyConnection getConnection() {
            return new GrizzlyConnection();
        }
    }

    public final class GrizzlyConnection {
        public void terminateSilently() {
            calls.add("grizzly terminated");
        }

        public void closeSilently() {
            calls.add("grizzly closed gracefully");
        }
    }

    /** Undertow's HttpServletRequestImpl and its exchange. */
    public final class UndertowRequest {
        public Exchange getExchange() {
            return new Exchange();
        }
    }

    public final class Exchange {
        public UndertowConnection getConnection() {
            return new UndertowConnection();
        }
    }

    public final class UndertowConnection {
        public void close() {
            calls.add("undertow closed");
        }
    }

    public final class BrokenFacade {
        public Catalina getUnwrappedCoyoteRequest() {
            throw new IllegalStateException("request out of scope");
        }
    }

    @Test
    void payaraConnectionsAreTerminatedSoNoFinalChunkFollows() {
        assertTrue(ClientConnection.close(new Facade()));
        assertEquals(List.of("grizzly terminated"), calls);
    }

    @Test
    void undertowConnectionsAreClosed() {
        assertTrue(ClientConnection.close(new UndertowRequest()));
        assertEquals(List.of("undertow closed"), calls);
    }

    @Test
    void anUnknownContainerOrAFailureIsReportedNotThrown() {
        assertFalse(ClientConnection.close(new Object()));
        assertFalse(ClientConnection.close(new BrokenFacade()));
        assertEquals(List.of(), calls);
    }
}
