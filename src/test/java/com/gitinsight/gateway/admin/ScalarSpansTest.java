package com.gitinsight.gateway.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScalarSpansTest {

    @Test
    void eachScalarIsFoundWithItsPathAndExactlyHowItIsWritten() throws Exception {
        String text = """
                a: plain value  # comment
                "b": "quo\\"ted"
                c: [x, 'y z', {k: "\u00e9\uD83D\uDE00v"}]
                d: |
                  block
                  two

                e: after \uD83D\uDE00
                """;
        Map<String, String> written = new LinkedHashMap<>();
        for (ScalarSpans.Span s : ScalarSpans.of(text)) {
            written.put(s.path(), text.substring(s.start(), s.end()));
        }
        assertEquals(
                Map.of(
                        "a",
                        "plain value",
                        "b",
                        "\"quo\\\"ted\"",
                        "c[0]",
                        "x",
                        "c[1]",
                        "'y z'",
                        "c[2].k",
                        "\"\u00e9\uD83D\uDE00v\"",
                        "d",
                        "|\n  block\n  two",
                        "e",
                        "after \uD83D\uDE00"),
                written,
                "offsets past a character outside the BMP still fit");
    }
}
