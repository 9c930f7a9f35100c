package com.gitinsight.gateway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import java.io.File;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Executors;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Kong's key-auth, basic-auth, acl, request- and response-transformer, request-termination and
 * bot-detection end to end on Payara Micro: what the backend really receives (a hidden credential
 * nowhere, the consumer's headers and no forged ones, transformed query, headers and body with a
 * matching Content-Length) and what the client gets back.
 */
@ExtendWith(ArquillianExtension.class)
class KongPluginsIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path CONFIG = Path.of(System.getProperty("gateway.it.dir", "target/it"), "gateway.yml");
    private static HttpServer backend;

    @ArquillianResource
    private URL base;

    /** Answers with what it received as JSON (method, uri, headers, body); /json with a document holding a secret. */
    private static int startBackend() throws Exception {
        backend = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        backend.createContext("/", ex -> {
            try (ex) {
                byte[] received = ex.getRequestBody().readAllBytes();
                byte[] out;
                boolean typed = true;
                if (ex.getRequestURI().getPath().endsWith("/untyped")) {
                    // A legacy backend: no Content-Type, and headers whose order matters.
                    out = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
                    typed = false;
                    ex.getResponseHeaders().add("Set-Cookie", "s=old");
                    ex.getResponseHeaders().add("X-Drop", "1");
                    ex.getResponseHeaders().add("Set-Cookie", "s=new");
                    ex.getResponseHeaders().add("Link", "<a>");
                } else if (ex.getRequestURI().getPath().endsWith("/json")) {
                    out = "{\"name\":\"repo\",\"secret\":\"s3cr3t\",\"stars\":5}".getBytes(StandardCharsets.UTF_8);
                    ex.getResponseHeaders().add("X-Backend-Secret", "s3cr3t");
                    ex.getResponseHeaders().add("X-Old-Name", "moved");
                } else if (ex.getRequestURI().getPath().endsWith("/bigjson")) {
                    // Past gateway.response-transformer.max-body-bytes (4 MiB): a user's long text beside the secret.
                    out = ("{\"bio\":\"" + "b".repeat(4_300_000) + "\",\"secret\":\"s3cr3t\"}")
                            .getBytes(StandardCharsets.UTF_8);
                } else if (ex.getRequestURI().getPath().endsWith("/gzjson")) {
                    // A backend that compresses whatever the request asked.
                    java.io.ByteArrayOutputStream zipped = new java.io.ByteArrayOutputStream();
                    try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(zipped)) {
                        gz.write("{\"secret\":\"s3cr3t\"}".getBytes(StandardCharsets.UTF_8));
                    }
                    out = zipped.toByteArray();
                    ex.getResponseHeaders().add("Content-Encoding", "gzip");
                    ex.getResponseHeaders()
                            .add(
                                    "X-Asked-Encoding",
                                    String.valueOf(ex.getRequestHeaders().getFirst("Accept-Encoding")));
                } else {
                    ObjectNode doc = JSON.createObjectNode();
                    doc.put("method", ex.getRequestMethod());
                    doc.put("uri", ex.getRequestURI().toString());
                    ObjectNode headers = doc.putObject("headers");
                    ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), String.join("|", v)));
                    doc.put("body", new String(received, StandardCharsets.UTF_8));
                    doc.put("length", received.length);
                    out = JSON.writeValueAsBytes(doc);
                }
                if (typed) {
                    ex.getResponseHeaders().add("Content-Type", "application/json");
                }
                ex.sendResponseHeaders(200, out.length);
                ex.getResponseBody().write(out);
            }
        });
        backend.setExecutor(Executors.newCachedThreadPool());
        backend.start();
        return backend.getAddress().getPort();
    }

    @AfterAll
    static void stop() {
        if (backend != null) {
            backend.stop(0);
        }
    }

    @Deployment(testable = false)
    static WebArchive deployment() throws Exception {
        int port = startBackend();
        Files.createDirectories(CONFIG.getParent());
        Files.writeString(CONFIG, """
                _format_version: "3.0"
                consumers:
                  - username: alice
                    keyauth_credentials: [{key: alice-key-0123456789}]
                    basicauth_credentials: [{username: alice, password: alice-pass}]
                    hmacauth_credentials: [{username: alice-hmac, secret: alice-hmac-secret}]
                    acls: [{group: admins}]
                  - username: bob
                    keyauth_credentials: [{key: bob-key-0123456789}]
                    acls: [{group: users}]
                services:
                  - name: echo
                    url: http://127.0.0.1:%d
                    routes:
                      - name: keyed
                        paths: [/keyed]
                        plugins:
                          - {name: key-auth, config: {hide_credentials: true, key_in_body: true}}
                          - {name: acl, config: {allow: [admins]}}
                          - name: request-transformer
                            config:
                              add:
                                headers: ["x-added:$(query_params.q)"]
                                querystring: ["extra:1"]
                                body: ["added:yes"]
                              remove:
                                headers: [x-drop]
                          - name: response-transformer
                            config: {remove: {json: [secret], headers: [x-backend-secret]}, rename: {headers: ["x-old-name:x-new-name"]}, add: {headers: ["x-resp:1"]}}
                      - name: basic
                        paths: [/basic]
                        plugins:
                          - {name: basic-auth, config: {hide_credentials: true}}
                      - name: signed
                        paths: [/signed]
                        plugins:
                          - name: hmac-auth
                            config: {enforce_headers: [x-date, request-line], validate_request_body: true, algorithms: [hmac-sha256]}
                      - name: maintenance
                        paths: [/maintenance]
                        plugins:
                          - {name: request-termination, config: {status_code: 503, message: Down for maintenance}}
                      - name: retyped
                        paths: [/retyped]
                        plugins:
                          - name: response-transformer
                            config: {remove: {headers: [x-drop]}, add: {headers: ["Content-Type:application/json"]}}
                      - name: detyped
                        paths: [/detyped]
                        plugins:
                          - name: response-transformer
                            config: {remove: {headers: [Content-Type]}}
                      - name: bots
                        paths: [/bots]
                        plugins:
                          - name: bot-detection
                routes:
                  - name: healthz
                    paths: [/healthz]
                    plugins:
                      - {name: request-termination, config: {status_code: 200, message: ok}}
                  - name: serviceless
                    paths: [/serviceless]
                    plugins:
                      - {name: key-auth}
                """.formatted(port));
        return ShrinkWrap.createFromZipFile(WebArchive.class, new File(System.getProperty("gateway.war")));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return Http.CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder at(String pathAndQuery) {
        return HttpRequest.newBuilder(URI.create(base.toString().replaceAll("/$", "") + pathAndQuery));
    }

    /**
     * Helper review 244: removing a header moved the last one into its place (two Set-Cookie came
     * out reversed: the browser kept the older), and Content-Type could be neither added to an
     * untyped answer nor removed, where Kong's response-transformer does both.
     */
    @Test
    void responseTransformerKeepsTheHeadersOrderAndOwnsTheContentType() throws Exception {
        HttpResponse<String> retyped = send(at("/retyped/untyped"));
        assertEquals(200, retyped.statusCode(), retyped.body());
        assertEquals(List.of("s=old", "s=new"), retyped.headers().allValues("set-cookie"));
        assertEquals(List.of(), retyped.headers().allValues("x-drop"));
        assertEquals(List.of("<a>"), retyped.headers().allValues("link"));
        assertEquals(List.of("application/json"), retyped.headers().allValues("content-type"));
        HttpResponse<String> untyped = send(at("/keyed/untyped").header("apikey", "alice-key-0123456789"));
        assertEquals(List.of(), untyped.headers().allValues("content-type"), "no plugin types it: none");
        // Nor for a HEAD (helper review 245: it went out as application/json).
        HttpResponse<String> head = send(at("/keyed/untyped")
                .header("apikey", "alice-key-0123456789")
                .method("HEAD", HttpRequest.BodyPublishers.noBody()));
        assertEquals(200, head.statusCode());
        assertEquals(
                List.of(),
                head.headers().allValues("content-type"),
                head.headers().toString());
        HttpResponse<String> detyped = send(at("/detyped/x"));
        assertEquals(200, detyped.statusCode(), detyped.body());
        assertEquals(
                List.of(),
                detyped.headers().allValues("content-type"),
                detyped.headers().toString());
    }

    @Test
    void keyAuthRefusesWithoutAKeyAndAclRefusesAConsumerOutsideTheGroup() throws Exception {
        HttpResponse<String> none = send(at("/keyed/x"));
        assertEquals(401, none.statusCode());
        assertEquals(
                "No API key found in request",
                JSON.readTree(none.body()).get("message").asText());
        assertEquals("Key", none.headers().firstValue("WWW-Authenticate").orElse(null));
        // Kong runs response-transformer's header_filter on key-auth's refusal too (priority 800,
        // below key-auth's 1250: its access phase never ran).
        assertEquals(
                "1",
                none.headers().firstValue("X-Resp").orElse(null),
                none.headers().toString());
        HttpResponse<String> wrong = send(at("/keyed/x?apikey=nope"));
        assertEquals(401, wrong.statusCode());
        assertEquals("Unauthorized", JSON.readTree(wrong.body()).get("message").asText());
        HttpResponse<String> bob = send(at("/keyed/x?apikey=bob-key-0123456789"));
        assertEquals(403, bob.statusCode());
        assertEquals(
                "You cannot consume this service",
                JSON.readTree(bob.body()).get("message").asText());
    }

    @Test
    void aRouteWithoutAServiceRunsItsPluginsThenIsAnswered503AsKongDoes() throws Exception {
        // Kong's access phase: the route's plugins first (a health endpoint made of
        // request-termination; key-auth's refusal), then 503 for the missing service.
        HttpResponse<String> health = send(at("/healthz"));
        assertEquals(200, health.statusCode(), health.body());
        assertEquals("ok", JSON.readTree(health.body()).get("message").asText());
        HttpResponse<String> anonymous = send(at("/serviceless/x"));
        assertEquals(401, anonymous.statusCode());
        HttpResponse<String> keyed = send(at("/serviceless/x?apikey=alice-key-0123456789"));
        assertEquals(503, keyed.statusCode(), keyed.body());
        assertEquals(
                "no Service found with those values",
                JSON.readTree(keyed.body()).get("message").asText());
    }

    @Test
    void theBackendGetsTheConsumerTheTransformationsAndNeverTheKey() throws Exception {
        HttpResponse<String> r = send(at("/keyed/x?a=1&apikey=alice-key-0123456789&q=hello")
                .header("X-Drop", "gone")
                .header("X-Consumer-Username", "mallory")
                .header("X-Consumer-Groups", "root"));
        assertEquals(200, r.statusCode(), r.body());
        JsonNode seen = JSON.readTree(r.body());
        assertFalse(r.body().contains("alice-key-0123456789"), r.body());
        String uri = seen.get("uri").asText();
        assertTrue(uri.contains("a=1") && uri.contains("extra=1") && !uri.contains("apikey"), uri);
        JsonNode headers = seen.get("headers");
        assertEquals("alice", headers.get("x-consumer-username").asText());
        assertEquals("admins", headers.get("x-consumer-groups").asText());
        assertEquals("hello", headers.get("x-added").asText());
        assertNull(headers.get("x-drop"));
        assertNull(headers.get("apikey"));
        assertEquals("1", r.headers().firstValue("x-resp").orElse(null));
    }

    @Test
    void aKeyInTheBodyIsRemovedAndTheTransformedBodyArrivesWhole() throws Exception {
        HttpResponse<String> r = send(at("/keyed/x")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("apikey=alice-key-0123456789&a=1")));
        assertEquals(200, r.statusCode(), r.body());
        JsonNode seen = JSON.readTree(r.body());
        String body = seen.get("body").asText();
        assertFalse(body.contains("alice-key"), body);
        assertTrue(body.contains("a=1") && body.contains("added=yes"), body);
        assertEquals(
                String.valueOf(seen.get("length").asInt()),
                seen.get("headers").get("content-length").asText());
    }

    @Test
    void aKeyInAMultipartBodyIsFoundAndRemovedAndTheTransformerAddsItsField() throws Exception {
        String part = "--xyz\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n";
        HttpResponse<String> r = send(at("/keyed/x")
                .header("Content-Type", "multipart/form-data; boundary=xyz")
                .POST(HttpRequest.BodyPublishers.ofString(
                        part.formatted("apikey", "alice-key-0123456789") + part.formatted("a", "1") + "--xyz--\r\n")));
        assertEquals(200, r.statusCode(), r.body());
        JsonNode seen = JSON.readTree(r.body());
        String body = seen.get("body").asText();
        assertFalse(body.contains("alice-key") || body.contains("apikey"), body);
        assertTrue(body.contains("name=\"a\"\r\n\r\n1\r\n--xyz\r\n"), body);
        assertTrue(body.contains("name=\"added\"\r\n\r\nyes\r\n--xyz--"), "request-transformer's add: " + body);
        assertEquals(
                "multipart/form-data; boundary=xyz",
                seen.get("headers").get("content-type").asText());
        assertEquals(
                String.valueOf(seen.get("length").asInt()),
                seen.get("headers").get("content-length").asText());
    }

    @Test
    void responseTransformerRemovesAJsonFieldWithAConsistentLength() throws Exception {
        HttpResponse<String> r = send(at("/keyed/json?apikey=alice-key-0123456789"));
        assertEquals(200, r.statusCode(), r.body());
        JsonNode doc = JSON.readTree(r.body());
        assertFalse(doc.has("secret"), r.body());
        assertEquals("repo", doc.get("name").asText());
        // Removed and renamed headers are gone from the container's own list (Payara ignores
        // setHeader(name, null), so they were sent).
        assertTrue(
                r.headers().firstValue("X-Backend-Secret").isEmpty(),
                r.headers().toString());
        assertTrue(r.headers().firstValue("X-Old-Name").isEmpty(), r.headers().toString());
        assertEquals("moved", r.headers().firstValue("X-New-Name").orElse(null));
        assertEquals("1", r.headers().firstValue("X-Resp").orElse(null));
        r.headers()
                .firstValue("Content-Length")
                .ifPresent(length ->
                        assertEquals(r.body().getBytes(StandardCharsets.UTF_8).length, Integer.parseInt(length)));
    }

    @Test
    void aBodyTooLargeToTransformIsRefusedWhereTheRouteHidesAField() throws Exception {
        HttpResponse<String> r = send(at("/keyed/bigjson?apikey=alice-key-0123456789"));
        assertEquals(502, r.statusCode());
        assertFalse(r.body().contains("s3cr3t"));
        assertEquals(
                "An invalid response was received from the upstream server",
                JSON.readTree(r.body()).get("message").asText());
    }

    @Test
    void aCompressedBodyIsAskedNotToBeAndRefusedWhenItIs() throws Exception {
        HttpResponse<byte[]> r = Http.CLIENT.send(
                at("/keyed/gzjson?apikey=alice-key-0123456789")
                        .header("Accept-Encoding", "gzip")
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(502, r.statusCode());
        assertEquals("identity", r.headers().firstValue("X-Asked-Encoding").orElse(null), "asked for a plain body");
        assertTrue(r.headers().firstValue("Content-Encoding").isEmpty());
        assertFalse(new String(r.body(), StandardCharsets.ISO_8859_1).contains("s3cr3t"));
    }

    @Test
    void basicAuthChecksThePasswordAndHidesTheHeader() throws Exception {
        String good =
                "Basic " + Base64.getEncoder().encodeToString("alice:alice-pass".getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> ok = send(at("/basic/x").header("Authorization", good));
        assertEquals(200, ok.statusCode(), ok.body());
        JsonNode headers = JSON.readTree(ok.body()).get("headers");
        assertNull(headers.get("authorization"));
        assertEquals("alice", headers.get("x-credential-identifier").asText());
        String bad = "Basic " + Base64.getEncoder().encodeToString("alice:wrong".getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> refused = send(at("/basic/x").header("Authorization", bad));
        assertEquals(401, refused.statusCode());
        assertEquals(
                "Basic realm=\"service\"",
                refused.headers().firstValue("WWW-Authenticate").orElse(null));
    }

    @Test
    void hmacAuthChecksTheRequestLineAsSentAndTheBodysDigest() throws Exception {
        // Two-digit day, as nginx's parse_http_time requires (Java's RFC_1123_DATE_TIME writes "3 Dec").
        String date = java.time.format.DateTimeFormatter.ofPattern(
                        "EEE, dd MMM yyyy HH:mm:ss 'GMT'", java.util.Locale.US)
                .format(java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC));
        String uri = "/signed/a%20b/?name=foo%20bar&name=baz";
        String body = "{\"repo\":\"gitinsight\"}";
        String digest = "SHA-256="
                + Base64.getEncoder()
                        .encodeToString(java.security.MessageDigest.getInstance("SHA-256")
                                .digest(body.getBytes(StandardCharsets.UTF_8)));
        String signed = "x-date: " + date + "\ndigest: " + digest + "\nPOST " + uri + " HTTP/1.1";
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(
                "alice-hmac-secret".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String header =
                "hmac username=\"alice-hmac\", algorithm=\"hmac-sha256\", headers=\"x-date digest request-line\", "
                        + "signature=\""
                        + Base64.getEncoder().encodeToString(mac.doFinal(signed.getBytes(StandardCharsets.UTF_8)))
                        + "\"";
        HttpResponse<String> ok = send(at(uri).header("X-Date", date)
                .header("Digest", digest)
                .header("Authorization", header)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
        assertEquals(200, ok.statusCode(), ok.body());
        JsonNode echoed = JSON.readTree(ok.body());
        assertEquals(body, echoed.get("body").asText(), "the body read for the digest reaches the backend");
        assertEquals(
                "alice-hmac",
                echoed.get("headers").get("x-credential-identifier").asText());
        assertEquals(header, echoed.get("headers").get("authorization").asText());
        HttpResponse<String> tampered = send(at(uri).header("X-Date", date)
                .header("Digest", digest)
                .header("Authorization", header)
                .POST(HttpRequest.BodyPublishers.ofString(body + " ")));
        assertEquals(401, tampered.statusCode());
        assertEquals(
                "HMAC signature does not match",
                JSON.readTree(tampered.body()).get("message").asText());
        assertEquals("hmac", tampered.headers().firstValue("WWW-Authenticate").orElse(null));
        HttpResponse<String> otherQuery = send(at(uri + "&admin=1")
                .header("X-Date", date)
                .header("Digest", digest)
                .header("Authorization", header)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
        assertEquals(401, otherQuery.statusCode(), "the query is part of the signed request line");
    }

    @Test
    void requestTerminationAndBotDetectionAnswerAtTheGateway() throws Exception {
        HttpResponse<String> down = send(at("/maintenance/x"));
        assertEquals(503, down.statusCode());
        assertEquals("{\"message\":\"Down for maintenance\"}", down.body());
        HttpResponse<String> bot =
                send(at("/bots/x").header("User-Agent", "Googlebot/2.1 (+http://www.google.com/bot.html)"));
        assertEquals(403, bot.statusCode());
        assertEquals("Forbidden", JSON.readTree(bot.body()).get("message").asText());
        assertEquals(200, send(at("/bots/x").header("User-Agent", "curl/8.5.0")).statusCode());
    }
}
