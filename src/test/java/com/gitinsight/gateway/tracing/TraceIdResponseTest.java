package com.gitinsight.gateway.tracing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.gitinsight.gateway.testing.FakeHttp;
import java.util.List;
import org.junit.jupiter.api.Test;

class TraceIdResponseTest {

    private static final String ID = "0af7651916cd43dd8448eb211c80319c";

    /** Every value under any spelling of the header. */
    private static List<String> traceIds(FakeHttp.Response client) {
        return client.headers().entrySet().stream()
                .filter(e -> e.getKey().equalsIgnoreCase("x-trace-id"))
                .flatMap(e -> e.getValue().stream())
                .toList();
    }

    @Test
    void onlyThisRequestsTraceIdIsSentUnderTheHeader() {
        FakeHttp.Response client = new FakeHttp.Response();
        TraceIdResponse r = new TraceIdResponse(client.response, "X-Trace-Id", () -> ID);
        r.complete();
        // proxy-cache replaying a stored answer's headers, a backend's own header of that name
        r.addHeader("x-trace-id", "11111111111111111111111111111111");
        r.setHeader("X-TRACE-ID", "spoofed");
        r.setIntHeader("X-Trace-Id", 7);
        r.addHeader("Content-Type", "application/json");
        assertEquals(List.of(ID), traceIds(client));
        assertEquals("application/json", client.header("Content-Type"));
        // proxy-cache's stale answer after a failure resets the response first
        r.reset();
        r.addHeader("X-Trace-Id", "22222222222222222222222222222222");
        assertEquals(List.of(ID), traceIds(client));
    }

    @Test
    void theIdIsAskedForWhenTheBodyStartsNotBefore() throws Exception {
        FakeHttp.Response client = new FakeHttp.Response();
        String[] id = {null};
        TraceIdResponse r = new TraceIdResponse(client.response, "X-Trace-Id", () -> id[0]);
        assertEquals(List.of(), traceIds(client), "not yet: the request may still reach the plugin's access phase");
        id[0] = ID;
        r.getOutputStream();
        assertEquals(List.of(ID), traceIds(client));
    }
}
