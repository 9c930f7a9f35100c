package com.gitinsight.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.gitinsight.gateway.testing.FakeHttp;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** What the end of a request does with an upstream response whose body JAX-RS did or did not write. */
class ExchangeTest {

    private final AtomicInteger released = new AtomicInteger();
    private final AtomicInteger abandoned = new AtomicInteger();
    private final Exchange exchange =
            new Exchange(FakeHttp.Request.get("/x").request, new FakeHttp.Response().response);

    @Test
    void aBodyNeverWrittenLetsGoOfTheUpstreamExchangeAtTheEnd() {
        exchange.releaseOnEnd(released::incrementAndGet);
        exchange.onUnwritten(abandoned::incrementAndGet);

        exchange.end();
        exchange.end();

        assertEquals(1, abandoned.get());
        assertEquals(1, released.get());
    }

    @Test
    void aWrittenBodyIsNotAbandonedAgain() {
        Runnable done = exchange.releaseOnEnd(released::incrementAndGet);
        exchange.onUnwritten(abandoned::incrementAndGet);

        done.run(); // ProxiedBody's end
        exchange.end();

        assertEquals(0, abandoned.get());
        assertEquals(1, released.get());
    }
}
