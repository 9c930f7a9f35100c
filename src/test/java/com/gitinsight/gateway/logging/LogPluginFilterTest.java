package com.gitinsight.gateway.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.gitinsight.gateway.http.CountingResponse;
import com.gitinsight.gateway.runtime.GatewaySnapshot;
import com.gitinsight.gateway.runtime.RequestContext;
import com.gitinsight.gateway.runtime.TestSnapshots;
import com.gitinsight.gateway.testing.FakeHttp;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LogPluginFilterTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final GatewaySnapshot SNAPSHOT = TestSnapshots.of("""
            _format_version: "3.0"
            plugins:
              - name: http-log
                config:
                  http_endpoint: http://logs.internal/in
                  custom_fields_by_lua: {from_http_log: "return 12", shared: "return 'http-log'"}
              - name: file-log
                config:
                  path: /tmp/never-written.log
                  custom_fields_by_lua: {shared: "return 'file-log'"}
            services:
              - name: repos
                url: http://backend.internal:8081/api
                routes:
                  - name: list
                    paths: [/repos]
            """);

    /** A log plugin's filter that keeps what it would ship. */
    private static final class Capturing<C extends com.gitinsight.gateway.config.PluginConfig>
            extends LogPluginFilter<C> {
        private static final long serialVersionUID = 1L;
        final transient List<JsonNode> shipped = new ArrayList<>();
        private final transient java.util.function.Function<C, CustomFields> fields;

        Capturing(String plugin, Class<C> type, java.util.function.Function<C, CustomFields> fields) {
            super(plugin, type);
            this.fields = fields;
        }

        @Override
        protected CustomFields customFields(C config) {
            return fields.apply(config);
        }

        @Override
        protected void log(
                C config,
                RequestContext context,
                HttpServletRequest request,
                HttpServletResponse response,
                KongLogRecord.Outcome outcome) {
            try {
                shipped.add(JSON.readTree(new LogWriter()
                        .one(record(context, request, response, outcome, fields.apply(config)))
                        .copy()));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    @Test
    void aLaterLogPluginSerializesTheCustomFieldsAnEarlierOneSet() throws Exception {
        // Kong's kong.log.set_serialize_value lasts the request: http-log (12) logs before
        // file-log (9), whose record then carries http-log's fields, its own set last.
        Capturing<HttpLogSchema.Config> httpLog =
                new Capturing<>(HttpLogSchema.NAME, HttpLogSchema.Config.class, HttpLogSchema.Config::customFields);
        Capturing<FileLogSchema.Config> fileLog =
                new Capturing<>(FileLogSchema.NAME, FileLogSchema.Config.class, FileLogSchema.Config::customFields);
        FakeHttp.Request request = FakeHttp.Request.get("/repos/x").on(SNAPSHOT, TestSnapshots.match(SNAPSHOT, "list"));
        FakeHttp.Response response = new FakeHttp.Response();
        // The chain's order: the lower priority outside, so the higher one logs first.
        fileLog.doFilter(
                request.request,
                response.response,
                (req, res) -> httpLog.doFilter(req, res, (r2, s2) -> ((HttpServletResponse) s2).setStatus(200)));
        JsonNode http = httpLog.shipped.get(0);
        JsonNode file = fileLog.shipped.get(0);
        assertEquals(12, http.get("from_http_log").asInt());
        assertEquals("http-log", http.get("shared").asText());
        assertEquals(12, file.get("from_http_log").asInt(), file.toString());
        assertEquals("file-log", file.get("shared").asText(), "its own set last");
        // And not the other way round.
        FakeHttp.Request alone = FakeHttp.Request.get("/repos/y").on(SNAPSHOT, TestSnapshots.match(SNAPSHOT, "list"));
        httpLog.doFilter(alone.request, new FakeHttp.Response().response, (r, s) -> {});
        assertNull(httpLog.shipped.get(1).get("from_file_log"));
        assertEquals("http-log", httpLog.shipped.get(1).get("shared").asText());
    }

    /**
     * The access log's counting wrapper is the one every log plugin records through: the chain
     * gets it unchanged (a second wrapper class on the response made its call sites megamorphic,
     * issue 22), and both records hold what it held before and what was set through it after.
     * Without it, the first log plugin's wrapper is the one the next reuses.
     */
    @Test
    void everyLogPluginRecordsThroughTheOneCountingWrapperTheChainGets() throws Exception {
        Capturing<HttpLogSchema.Config> httpLog =
                new Capturing<>(HttpLogSchema.NAME, HttpLogSchema.Config.class, HttpLogSchema.Config::customFields);
        Capturing<FileLogSchema.Config> fileLog =
                new Capturing<>(FileLogSchema.NAME, FileLogSchema.Config.class, FileLogSchema.Config::customFields);
        for (boolean accessLog : new boolean[] {true, false}) {
            FakeHttp.Request request =
                    FakeHttp.Request.get("/repos/x").on(SNAPSHOT, TestSnapshots.match(SNAPSHOT, "list"));
            FakeHttp.Response container = new FakeHttp.Response();
            HttpServletResponse given = container.response;
            if (accessLog) {
                CountingResponse access = new CountingResponse(container.response);
                access.setHeader("X-Early", "before the log phase");
                given = access;
            }
            List<jakarta.servlet.ServletResponse> seen = new ArrayList<>();
            fileLog.doFilter(request.request, given, (req, res) -> {
                seen.add(res);
                httpLog.doFilter(req, res, (r2, s2) -> {
                    seen.add(s2);
                    HttpServletResponse backend = (HttpServletResponse) s2;
                    assertNotNull(RecordedHeaders.of(backend), "recording, not read back from the container");
                    backend.setHeader("X-Backend", "yes");
                    backend.setStatus(200);
                    backend.getOutputStream().write(new byte[] {1, 2, 3});
                    backend.setHeader("X-After-Commit", "never sent");
                });
            });
            // Once the outermost log plugin logged, the wrapper (the access log's outlives the log
            // phase) changes no queued record (helper review 294).
            ((HttpServletResponse) seen.get(0)).setHeader("X-After-The-Log", "late");
            assertNull(((CountingResponse) seen.get(0)).recorder());
            String queued = new String(
                    ((KongLogRecord) request.context().logRecord()).toJson(), java.nio.charset.StandardCharsets.UTF_8);
            assertFalse(queued.contains("x-after-the-log"), queued);
            if (accessLog) {
                assertSame(given, seen.get(0), "the access log's wrapper, not another around it");
            }
            assertSame(seen.get(0), seen.get(1), "file-log's wrapper reused by http-log");
            assertEquals(CountingResponse.class, seen.get(1).getClass());
            for (JsonNode record : List.of(
                    httpLog.shipped.get(httpLog.shipped.size() - 1), fileLog.shipped.get(fileLog.shipped.size() - 1))) {
                JsonNode headers = record.get("response").get("headers");
                assertEquals("yes", headers.get("x-backend").asText(), record.toString());
                assertFalse(headers.has("x-after-commit"), record.toString());
                assertEquals(
                        accessLog ? "before the log phase" : null,
                        headers.has("x-early") ? headers.get("x-early").asText() : null);
            }
            assertEquals(3, ((CountingResponse) seen.get(1)).bytes());
        }
    }
}
