package com.gitinsight.gateway.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.gitinsight.gateway.runtime.GatewaySnapshot;
import com.gitinsight.gateway.runtime.TestSnapshots;
import com.gitinsight.gateway.testing.FakeHttp;
import jakarta.servlet.http.HttpServletResponse;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The log's response wrapper keeps the headers as they are set, so the record never reads them back
 * from the container: what it records must be what the container holds.
 */
class LoggedResponseTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final GatewaySnapshot SNAPSHOT = TestSnapshots.of("""
            _format_version: "3.0"
            services:
              - name: repos
                url: http://backend.internal:8081/api
                routes:
                  - name: list
                    paths: [/repos]
            """);

    private static JsonNode responseHeaders(HttpServletResponse response) throws Exception {
        FakeHttp.Request request = FakeHttp.Request.get("/repos").on(SNAPSHOT, TestSnapshots.match(SNAPSHOT, "list"));
        byte[] json = KongLogRecord.serialize(
                request.request, response, request.context(), new KongLogRecord.Outcome(200, 0, System.nanoTime()));
        return JSON.readTree(json).get("response").get("headers");
    }

    /** The record of a response the calls made, through the wrapper and read back from the container. */
    private static void sameBothWays(Consumer<HttpServletResponse> calls, String expected) throws Exception {
        FakeHttp.Response direct = new FakeHttp.Response();
        direct.response.setHeader("X-Before", "wrapped later");
        calls.accept(direct.response);

        FakeHttp.Response underneath = new FakeHttp.Response();
        underneath.response.setHeader("X-Before", "wrapped later");
        LoggedResponse logged = new LoggedResponse(underneath.response);
        calls.accept(logged);

        assertEquals(JSON.readTree(expected), responseHeaders(logged));
        assertEquals(responseHeaders(direct.response), responseHeaders(logged));
    }

    @Test
    void setAddAndReplaceAsTheContainerDoes() throws Exception {
        sameBothWays(
                r -> {
                    r.setHeader("X-A", "1");
                    r.addHeader("X-A", "2");
                    r.setHeader("X-B", "gone soon");
                    r.setHeader("X-B", "replaced");
                    r.setIntHeader("X-Count", 7);
                    r.addHeader("Set-Cookie", "session=secret");
                    r.addCookie(new jakarta.servlet.http.Cookie("other", "secret-too"));
                    r.setContentType("application/json");
                },
                """
                {"x-before":"wrapped later","x-a":["1","2"],"x-b":"replaced","x-count":"7",
                 "set-cookie":"REDACTED","content-type":"application/json"}
                """);
    }

    @Test
    void aHeaderSetToNullIsGone() throws Exception {
        FakeHttp.Response underneath = new FakeHttp.Response();
        LoggedResponse logged = new LoggedResponse(underneath.response);
        logged.setHeader("X-Gone", "x");
        logged.setHeader("x-gone", null);
        logged.setHeader("X-Kept", "y");
        assertEquals(List.of("X-Kept", "y"), logged.headers());
    }

    @Test
    void aResetDropsEveryHeaderAndDatesAreHttpDates() {
        FakeHttp.Response underneath = new FakeHttp.Response();
        LoggedResponse logged = new LoggedResponse(underneath.response);
        logged.setHeader("X-Before-Reset", "x");
        logged.reset();
        logged.setDateHeader("Last-Modified", 1_796_164_584_000L);
        logged.setContentLengthLong(200);
        assertEquals(
                List.of("Last-Modified", "Tue, 01 Dec 2026 22:36:24 GMT", "Content-Length", "200"), logged.headers());
        assertFalse(logged.headers().contains("X-Before-Reset"));
    }

    @Test
    void theBodyIsCounted() throws Exception {
        LoggedResponse logged = new LoggedResponse(new FakeHttp.Response().response);
        logged.getOutputStream().write(new byte[] {1, 2, 3});
        logged.getOutputStream().write(4);
        assertEquals(4, logged.bytes());
    }
}
