package com.gitinsight.gateway.security;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.gitinsight.gateway.http.ErrorResponses;
import com.gitinsight.gateway.runtime.GatewaySnapshot;
import com.gitinsight.gateway.runtime.TestSnapshots;
import com.gitinsight.gateway.testing.FakeHttp;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Plugin request-size-limiting against Kong's
 * spec/03-plugins/12-request-size-limiting/01-access_spec.lua ("with Content-Length", "without
 * Content-Length", per size unit), and Kong's require_content_length rule.
 */
class RequestSizeFilterTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long TEST_SIZE = 2;
    private static final long MB = 1L << 20;
    private static final Map<String, Long> UNITS = Map.of("bytes", 1L, "kilobytes", 1024L, "megabytes", MB);

    private final RequestSizeFilter filter = new RequestSizeFilter();

    private FakeHttp.Response send(String config, FakeHttp.Request request) throws Exception {
        GatewaySnapshot s = TestSnapshots.of("""
                _format_version: "3.0"
                services:
                  - name: svc
                    url: http://127.0.0.1:9
                    routes:
                      - name: r
                        paths: [/]
                        plugins:
                          - name: request-size-limiting
                            config: %s
                """.formatted(config));
        request.on(s, TestSnapshots.match(s, "r"));
        FakeHttp.Response response = new FakeHttp.Response();
        filter.apply(
                request.context().plugin(RequestSizeSchema.NAME, RequestSizeSchema.Config.class),
                request.context(),
                request.request,
                response.response,
                new FakeHttp.Backend());
        return response;
    }

    private static FakeHttp.Request post(long length, String... headers) {
        return FakeHttp.Request.of("POST", "/request", headers).header("Content-Length", Long.toString(length));
    }

    private static void refused(FakeHttp.Response r, int status) throws Exception {
        assertEquals(status, r.status());
        assertEquals(
                "Request size limit exceeded",
                JSON.readTree(r.text()).get("message").asText());
    }

    // "with Content-Length": "works if size is lower than limit (and Expect header)", "blocks if size
    // is greater than limit" (413), "blocks if size is greater than limit and Expect header" (417)
    @Test
    void declaredLengths() throws Exception {
        String config = "{allowed_payload_size: " + TEST_SIZE + "}";
        assertEquals(200, send(config, post(TEST_SIZE * MB)).status());
        assertEquals(
                200,
                send(config, post(TEST_SIZE * MB, "Expect", "100-continue")).status());
        refused(send(config, post(TEST_SIZE * MB + 1)), 413);
        refused(send(config, post(TEST_SIZE * MB + 1, "Expect", "100-continue")), 417);
    }

    // "blocks if size is greater than limit when unit in <unit>", "works if size is less than limit when unit in
    // <unit>"
    @Test
    void sizeUnits() throws Exception {
        for (Map.Entry<String, Long> unit : UNITS.entrySet()) {
            String config = "{allowed_payload_size: " + TEST_SIZE + ", size_unit: " + unit.getKey() + "}";
            refused(send(config, post(TEST_SIZE * unit.getValue() + 1)), 413);
            assertEquals(
                    200, send(config, post(TEST_SIZE * unit.getValue() - 1)).status(), unit.getKey());
            assertEquals(200, send(config, post(TEST_SIZE * unit.getValue())).status(), unit.getKey());
        }
        assertEquals(200, send("{}", post(128 * MB)).status(), "128 megabytes by default");
        refused(send("{}", post(128 * MB + 1)), 413);
    }

    // "without Content-Length": a chunked body is counted as it streams; over the limit the exchange
    // ends with 413, or 417 with Expect: 100-continue (Forwarder, through ErrorResponses.tooLargeStatus).
    @Test
    void chunkedBodiesAreCountedAsTheyStream() throws Exception {
        FakeHttp.Request chunked = FakeHttp.Request.of("POST", "/request", "Transfer-Encoding", "chunked");
        assertEquals(200, send("{allowed_payload_size: 2}", chunked).status());
        assertEquals(TEST_SIZE * MB, chunked.context().maxBodyBytes());
        // Helper review 104: an HTTP/2 body needs neither a length nor chunks; it is counted too.
        FakeHttp.Request h2 = FakeHttp.Request.of("POST", "/request").protocol("HTTP/2.0");
        assertEquals(200, send("{allowed_payload_size: 2}", h2).status());
        assertEquals(TEST_SIZE * MB, h2.context().maxBodyBytes());
        assertEquals(413, ErrorResponses.tooLargeStatus(null));
        assertEquals(417, ErrorResponses.tooLargeStatus(" 100-Continue "));
    }

    /** Kong: require_content_length refuses a request with neither a valid length nor a chunked body. */
    @Test
    void requireContentLengthRefusesOnlyRequestsWithNeither() throws Exception {
        String config = "{require_content_length: true}";
        FakeHttp.Response none = send(config, FakeHttp.Request.get("/"));
        assertEquals(411, none.status());
        assertEquals(
                "A valid Content-Length header is required",
                JSON.readTree(none.text()).get("message").asText());
        assertEquals(
                200,
                send(config, FakeHttp.Request.of("POST", "/", "Transfer-Encoding", "chunked"))
                        .status(),
                "a chunked body is counted instead");
        assertEquals(200, send(config, post(10)).status());
        assertEquals(200, send("{}", FakeHttp.Request.get("/")).status(), "off by default");
        // Kong's handler compares the header exactly (helper review 164).
        assertEquals(
                411,
                send(config, FakeHttp.Request.of("POST", "/", "Transfer-Encoding", "Chunked"))
                        .status());
    }
}
