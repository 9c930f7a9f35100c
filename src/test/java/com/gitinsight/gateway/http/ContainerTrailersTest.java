package com.gitinsight.gateway.http;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Grizzly's mark on a request's header list, read through the shape of Payara's request objects. */
class ContainerTrailersTest {

    /** Grizzly's MimeHeaders as far as the gateway reads it: the mark, and the fields after it. */
    public static final class Headers {
        @SuppressWarnings("unused") // read by reflection, as Grizzly's own field
        private boolean marked;

        private final int afterMark;

        Headers(boolean marked, int afterMark) {
            this.marked = marked;
            this.afterMark = afterMark;
        }

        public int trailerSize() {
            return afterMark;
        }
    }

    /** Payara's facade, Catalina's request, Grizzly's request and its packet, each one step. */
    public static final class Step {
        private final Object next;

        Step(Object next) {
            this.next = next;
        }

        public Object getUnwrappedCoyoteRequest() {
            return next;
        }

        public Object getCoyoteRequest() {
            return next;
        }

        public Object getRequest() {
            return next;
        }

        public Object getHeaders() {
            return next;
        }
    }

    private static Object container(boolean marked, int afterMark) {
        return new Step(new Step(new Step(new Step(new Headers(marked, afterMark)))));
    }

    @Test
    void anEmptyTrailerIsNoTrailerAndARemovedTransferEncodingIsOne() {
        assertFalse(ContainerTrailers.merged(container(false, 0), true), "no body end reached yet");
        // Attacker review 167: Grizzly marks at every chunked body's end, fields or not.
        assertFalse(ContainerTrailers.merged(container(true, 0), true), "0\\r\\n\\r\\n: nothing merged");
        assertTrue(ContainerTrailers.merged(container(true, 1), true), "a Cookie trailer");
        // A Content-Length trailer removed the Transfer-Encoding field as a Cookie was added: 0 after the mark.
        assertTrue(ContainerTrailers.merged(container(true, 0), false));
        assertFalse(ContainerTrailers.merged(new Object(), false), "another container: never");
    }
}
