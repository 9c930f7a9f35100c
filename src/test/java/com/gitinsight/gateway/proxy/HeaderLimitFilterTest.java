package com.gitinsight.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.gitinsight.gateway.testing.FakeHttp;
import org.junit.jupiter.api.Test;

/**
 * nginx's default header buffers as Kong runs them (Kong's 04-plugins_triggering spec: a 10 KiB
 * header is 400, a 10 KiB query 414).
 */
class HeaderLimitFilterTest {

    private static int refusal(FakeHttp.Request request) {
        return HeaderLimitFilter.refusal(request.request, 8192, 32768);
    }

    @Test
    void aRequestLineOverOneBufferIs414() {
        assertEquals(414, refusal(FakeHttp.Request.get("/?foo=" + "a".repeat(10 * 1024))));
        // "GET " + uri + " HTTP/1.1\r\n" is exactly 8192 bytes: it fits; one more byte does not.
        String fits = "/" + "a".repeat(8192 - 4 - 1 - 11);
        assertEquals(0, refusal(FakeHttp.Request.get(fits)));
        assertEquals(414, refusal(FakeHttp.Request.get(fits + "b")));
        assertEquals(414, refusal(FakeHttp.Request.get(fits.substring(0, fits.length() - 2) + "?ab")));
    }

    @Test
    void oneHeaderLineOverOneBufferIs400() {
        assertEquals(400, refusal(FakeHttp.Request.get("/status/200?foo=bar", "X-Large", "a".repeat(10 * 1024))));
        String fits = "a".repeat(8192 - "X-Large: ".length() - 2);
        assertEquals(0, refusal(FakeHttp.Request.get("/", "X-Large", fits)));
        assertEquals(400, refusal(FakeHttp.Request.get("/", "X-Large", fits + "a")));
    }

    // Helper review 235: Payara's listener refused any byte beyond ASCII in a value (a UTF-8 cookie
    // got a bare 400); it now lets them through as nginx does, and the gateway refuses what nginx
    // refuses: a NUL or a CR inside a value. Other control bytes pass, as through nginx.
    @Test
    void aValueWithANulOrABareCrIs400AndOneWithBytesBeyondAsciiPasses() {
        for (String bad : new String[] {"a\rb", "a\u0000b", "\r", "tok\r\nX-Injected: 1"}) {
            assertEquals(400, refusal(FakeHttp.Request.get("/", "X-A", "ok", "Cookie", bad)), bad);
        }
        String utf8AsSent = new String(
                "city=M\u00fcnchen".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                java.nio.charset.StandardCharsets.ISO_8859_1);
        for (String fine : new String[] {utf8AsSent, "caf\u00e9", "a\tb", "a\u0001b", "a\u007fb"}) {
            assertEquals(0, refusal(FakeHttp.Request.get("/", "Cookie", fine)), fine);
        }
    }

    @Test
    void headersThatEachFitButTogetherPassTheFourBuffersAre400() {
        String seven = "a".repeat(7000);
        assertEquals(0, refusal(FakeHttp.Request.get("/", "X-A", seven, "X-B", seven, "X-C", seven, "X-D", seven)));
        assertEquals(
                400,
                refusal(FakeHttp.Request.get(
                        "/", "X-A", seven, "X-B", seven, "X-C", seven, "X-D", seven, "X-E", seven)));
    }

    @Test
    void aRefusedHeadClosesTheConnectionAsNginxDoes() throws Exception {
        HeaderLimitFilter filter = new HeaderLimitFilter();
        filter.maxHeaderBytes = 32768;
        filter.maxLineBytes = 8192;
        FakeHttp.Response refused = new FakeHttp.Response();
        filter.doFilter(
                FakeHttp.Request.get("/", "X-Large", "a".repeat(10 * 1024), "Accept", "application/json").request,
                refused.response,
                (req, res) -> {
                    throw new AssertionError("no plugin runs");
                });
        assertEquals(400, refused.status());
        assertEquals("close", refused.header("Connection"));
        FakeHttp.Response passed = new FakeHttp.Response();
        boolean[] ran = {false};
        filter.doFilter(FakeHttp.Request.get("/").request, passed.response, (req, res) -> ran[0] = true);
        assertEquals(true, ran[0]);
        assertEquals(null, passed.header("Connection"));
    }

    // One pass over the head's names tells whether any holds '_' (review 248: correlation-id looked
    // through every name of every request for nginx's other spellings of its header).
    @Test
    void thePassOverTheHeadNotesWhetherANameHoldsAnUnderscore() {
        assertEquals(
                java.util.List.of(false, true, true),
                java.util.List.of(
                        underscoredAfterThePass("X-A"), underscoredAfterThePass("X_A"), underscoredAfterThePass(null)));
    }

    /** Whether, after the pass over a head with {@code name} (null: the pass not made), a '_' name may be there. */
    private static boolean underscoredAfterThePass(String name) {
        FakeHttp.Request r = name == null ? FakeHttp.Request.get("/") : FakeHttp.Request.get("/", name, "1");
        com.gitinsight.gateway.runtime.RequestContext context =
                com.gitinsight.gateway.runtime.RequestContext.attach(r.request, null, null, "/", false);
        if (name != null) {
            assertEquals(0, HeaderLimitFilter.refusal(r.request, 8192, 32768, context));
        }
        return context.mayHaveUnderscoredHeaderNames();
    }

    // The header lines a log record reads are kept in the head's one check (issue 22: reading them
    // again from the container was a fifth of the record's capture): the same record either way.
    @Test
    void theLinesKeptInTheCheckMakeTheSameLogRecord() throws Exception {
        com.gitinsight.gateway.runtime.GatewaySnapshot snapshot = com.gitinsight.gateway.runtime.TestSnapshots.of("""
                _format_version: "3.0"
                services:
                  - name: s
                    url: http://127.0.0.1:9
                    routes: [{name: r, paths: [/r]}]
                """);
        FakeHttp.Request request = FakeHttp.Request.get(
                        "/r/x?q=1", "Accept", "a/b", "X-Multi", "1", "x-multi", "2", "User-Agent", "t", "X_Under", "u")
                .on(snapshot, com.gitinsight.gateway.runtime.TestSnapshots.match(snapshot, "r"));
        for (int i = 0; i < 90; i++) {
            request.header("Many", "v" + i);
        }
        com.gitinsight.gateway.runtime.HeadLines kept = new com.gitinsight.gateway.runtime.HeadLines();
        assertEquals(HeaderLimitFilter.UNDERSCORED, HeaderLimitFilter.check(request.request, 8192, 32768, kept));
        assertEquals(2 * 95, kept.lines().size(), "each line once");
        com.gitinsight.gateway.logging.KongLogRecord.Outcome outcome =
                new com.gitinsight.gateway.logging.KongLogRecord.Outcome(200, 5, System.nanoTime());
        FakeHttp.Response response = new FakeHttp.Response();
        com.gitinsight.gateway.logging.KongLogRecord read = com.gitinsight.gateway.logging.KongLogRecord.capture(
                request.request, response.response, request.context(), outcome);
        String fromContainer = new String(
                com.gitinsight.gateway.logging.KongLogRecord.serialize(
                        request.request, response.response, request.context(), outcome),
                java.nio.charset.StandardCharsets.UTF_8);
        request.context().headLines(kept);
        com.gitinsight.gateway.logging.KongLogRecord fromLines = com.gitinsight.gateway.logging.KongLogRecord.capture(
                request.request, response.response, request.context(), outcome);
        String fromKept = new String(
                com.gitinsight.gateway.logging.KongLogRecord.serialize(
                        request.request, response.response, request.context(), outcome),
                java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(fromContainer, fromKept);
        org.junit.jupiter.api.Assertions.assertTrue(fromKept.contains("\"x-multi\":[\"1\",\"2\"]"), fromKept);
        assertEquals(read.estimatedBytes(), fromLines.estimatedBytes(), "weighed the same");
    }

    @Test
    void atMostKongsHundredLinesAreKept() {
        FakeHttp.Request request = FakeHttp.Request.get("/r");
        for (int i = 0; i < 150; i++) {
            request.header("Many", "v" + i);
        }
        com.gitinsight.gateway.runtime.HeadLines kept = new com.gitinsight.gateway.runtime.HeadLines();
        assertEquals(0, HeaderLimitFilter.check(request.request, 8192, 32768, kept));
        assertEquals(
                2 * com.gitinsight.gateway.runtime.HeadLines.MAX_LINES,
                kept.lines().size());
    }
}
