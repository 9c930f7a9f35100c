package com.gitinsight.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one {"message"} writer: Kong's shape, escaping, the request id, extra fields in order. */
class ErrorResponsesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aMessageIsKongsShapeWithTheRequestId() throws Exception {
        JsonNode body = JSON.readTree(ErrorResponses.body("a \"quoted\"\nline </script>", "abc"));
        assertEquals("a \"quoted\"\nline </script>", body.get("message").asText(), "escaped, never raw JSON");
        assertEquals("abc", body.get("request_id").asText());
        assertEquals(2, body.size());
    }

    @Test
    void fieldsKeepTheirOrderAndNoIdMeansNone() throws Exception {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("hash", "h");
        fields.put("error", null);
        fields.put("message", "m");
        String text = ErrorResponses.body(fields, null);
        assertEquals("{\"hash\":\"h\",\"error\":null,\"message\":\"m\"}", text);
    }

    @Test
    void expectContinueMakesALargeBody417() {
        assertEquals(417, ErrorResponses.tooLargeStatus("100-continue"));
        assertEquals(413, ErrorResponses.tooLargeStatus(null));
    }

    @Test
    void aRequestWithoutAContextNamesTheIdTheHeadOfTheChainMade() {
        com.gitinsight.gateway.testing.FakeHttp.Request request =
                com.gitinsight.gateway.testing.FakeHttp.Request.get("/_gateway/health");
        request.request.setAttribute(
                com.gitinsight.gateway.runtime.RequestIds.ATTRIBUTE, "0123456789abcdef0123456789abcdef");
        assertEquals("0123456789abcdef0123456789abcdef", com.gitinsight.gateway.runtime.RequestIds.of(request.request));
        assertTrue(com.gitinsight.gateway.runtime.RequestIds.of(
                        com.gitinsight.gateway.testing.FakeHttp.Request.get("/x").request)
                .matches("[0-9a-f]{32}"));
    }
}
