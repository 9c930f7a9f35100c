package com.gitinsight.gateway.transform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The template forms request-transformer supports, and the ones it refuses. */
class TemplateTest {

    private static final Template.Variables VARS = new Template.Variables() {
        @Override
        public String header(String folded) {
            return Map.of("x-foo", "foo", "host", "h.test").get(folded);
        }

        @Override
        public String query(String name) {
            return Map.of("q", "1").get(name);
        }

        @Override
        public String capture(String key) {
            return Map.of("0", "/all", "1", "one", "name", "named").get(key);
        }
    };

    private static String render(String text) {
        return Template.compile(text).render(VARS);
    }

    @Test
    void supportedForms() {
        assertEquals("foo", render("$(headers.x_foo)"));
        assertEquals("foo", render("$(headers[\"X-Foo\"])"));
        assertEquals("foo", render("$(headers['x-foo'])"));
        assertEquals("q=1;", render("q=$(query_params.q);"));
        assertEquals("1", render("$(query_params[\"q\"])"));
        assertEquals(
                "/all|one|named|named",
                render("$(uri_captures[0])|$(uri_captures[1])|$(uri_captures.name)|$( uri_captures['name'] )"));
        assertEquals("", render("$(query_params.absent)"));
        assertEquals("dflt", render("$(query_params.absent or 'dflt')"));
        assertEquals("1", render("$(query_params.q or \"dflt\")"));
        assertEquals("$(uri_captures.user1)", render("$('$(uri_captures.user1)')"));
        assertEquals("plain #text", render("plain #text"));
        // Kong's template engine takes only a balanced $(...): an unclosed one is text (helper review 156).
        assertEquals("cost $(5", render("cost $(5"));
        assertEquals("foo and $(headers.x", render("$(headers.x_foo) and $(headers.x"));
    }

    @Test
    void usesSays() {
        Template t = Template.compile("a$(uri_captures.x)b");
        assertTrue(t.uses(Template.Source.URI_CAPTURES));
        assertFalse(t.uses(Template.Source.HEADERS));
    }

    @Test
    void refused() {
        for (String bad : new String[] {
            "$(ERROR())",
            "$(uri_captures user2)",
            "$(headers.x .. 'y')",
            "$(shared.x)",
            "$(type(headers.x))",
            "$(query_params[1])",
            "$(10 * uri_captures.user1)",
            "$()"
        }) {
            assertThrows(IllegalArgumentException.class, () -> Template.compile(bad), bad);
        }
    }
}
