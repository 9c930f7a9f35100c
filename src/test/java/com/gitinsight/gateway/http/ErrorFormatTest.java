package com.gitinsight.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Kong's error formats (kong.response.error: get_response_type, get_mime_type and the templates). */
class ErrorFormatTest {

    @Test
    void acceptChoosesTheFormat() {
        assertEquals(ErrorFormat.JSON, ErrorFormat.of(null));
        assertEquals(ErrorFormat.JSON, ErrorFormat.of("*/*"));
        assertEquals(ErrorFormat.JSON, ErrorFormat.of("application/json"));
        assertEquals(ErrorFormat.HTML, ErrorFormat.of("text/html"));
        assertEquals(ErrorFormat.XML, ErrorFormat.of("application/xml"));
        assertEquals(ErrorFormat.PLAIN, ErrorFormat.of("text/plain"));
        assertEquals(ErrorFormat.PLAIN, ErrorFormat.of("text/*"), "Kong's MIME_TYPES.text");
        assertEquals(ErrorFormat.JSON, ErrorFormat.of("application/*"), "Kong's MIME_TYPES.application");
        assertEquals(ErrorFormat.JSON, ErrorFormat.of("image/png"), "no template: the default");
        assertEquals(ErrorFormat.JSON, ErrorFormat.of("TEXT/HTML"), "Kong looks the name up as written");
    }

    @Test
    void theFirstOfTheHighestQualityWins() {
        // A browser's Accept: text/html first at q=1.
        assertEquals(
                ErrorFormat.HTML, ErrorFormat.of("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"));
        assertEquals(ErrorFormat.PLAIN, ErrorFormat.of("application/xml;q=0.9, text/plain"));
        assertEquals(ErrorFormat.JSON, ErrorFormat.of("image/png, text/html"), "equal q: the first");
        assertEquals(ErrorFormat.XML, ErrorFormat.of("text/html;q=0, application/xml;q=0.1"), "q=0 is never chosen");
        assertEquals(ErrorFormat.HTML, ErrorFormat.of("text/html;level=1;q=0.5"));
    }

    @Test
    void bodiesAreKongsTemplatesWithMarkupEscaped() {
        assertEquals(
                "<!doctype html>\n<html>\n  <head>\n    <meta charset=\"utf-8\">\n    <title>Error</title>\n  </head>\n"
                        + "  <body>\n    <h1>Error</h1>\n    <p>Unauthorized.</p>\n    <p>request_id: abc</p>\n"
                        + "  </body>\n</html>\n",
                ErrorFormat.HTML.body("Unauthorized", "abc"));
        assertEquals(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<error>\n  <message>Unauthorized</message>\n"
                        + "  <requestid>abc</requestid>\n</error>\n",
                ErrorFormat.XML.body("Unauthorized", "abc"));
        assertEquals("Unauthorized\nrequest_id: abc\n", ErrorFormat.PLAIN.body("Unauthorized", "abc"));
        assertEquals(
                "{\"message\":\"Unauthorized\",\"request_id\":\"abc\"}", ErrorFormat.JSON.body("Unauthorized", "abc"));
        String html = ErrorFormat.HTML.body("IP address not allowed: <script>", "abc");
        assertFalse(html.contains("<script>"));
        assertTrue(html.contains("&lt;script&gt;"));
    }

    @Test
    void aRefusalIsWrittenInTheFormatAsked() throws Exception {
        com.gitinsight.gateway.testing.FakeHttp.Request html =
                com.gitinsight.gateway.testing.FakeHttp.Request.get("/x", "Accept", "text/html");
        com.gitinsight.gateway.testing.FakeHttp.Response out = new com.gitinsight.gateway.testing.FakeHttp.Response();
        ErrorResponses.write(html.request, out.response, 401, "Unauthorized");
        assertEquals(401, out.status());
        assertTrue(out.header("Content-Type").startsWith("text/html"), out.header("Content-Type"));
        assertTrue(out.text().contains("<p>Unauthorized.</p>"), out.text());
        com.gitinsight.gateway.testing.FakeHttp.Request plain =
                com.gitinsight.gateway.testing.FakeHttp.Request.get("/x");
        com.gitinsight.gateway.testing.FakeHttp.Response json = new com.gitinsight.gateway.testing.FakeHttp.Response();
        ErrorResponses.write(plain.request, json.response, 401, "Unauthorized");
        assertTrue(json.header("Content-Type").startsWith("application/json"));
        assertTrue(json.text().startsWith("{\"message\":\"Unauthorized\""), json.text());
    }

    @Test
    void nginxsOwnErrorsTakeAcceptThenContentTypeThenPlainText() {
        assertEquals(
                ErrorFormat.PLAIN,
                ErrorFormat.ofNginx(com.gitinsight.gateway.testing.FakeHttp.Request.get("/x").request));
        assertEquals(
                ErrorFormat.XML,
                ErrorFormat.ofNginx(
                        com.gitinsight.gateway.testing.FakeHttp.Request.get("/x", "Content-Type", "application/xml")
                                .request));
        assertEquals(
                ErrorFormat.JSON,
                ErrorFormat.ofNginx(com.gitinsight.gateway.testing.FakeHttp.Request.get(
                                "/x", "Accept", "application/json", "Content-Type", "application/xml")
                        .request));
    }
}
