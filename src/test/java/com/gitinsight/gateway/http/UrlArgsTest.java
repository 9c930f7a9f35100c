package com.gitinsight.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Redacting a query's credential arguments: what the log record, the spans and the error pages show. */
class UrlArgsTest {

    private static final Set<String> JWT = Set.of("jwt");

    @Test
    void theNamedArgumentsValuesAreReplacedAndEverythingElseKept() {
        assertEquals("jwt=R", UrlArgs.redacted("jwt=eyJ.x.y", JWT, "R"));
        assertEquals("a=1&jwt=R&b=2", UrlArgs.redacted("a=1&jwt=secret&b=2", JWT, "R"));
        assertEquals("jwt=R&jwt=R", UrlArgs.redacted("jwt=1&jwt=2", JWT, "R"));
        assertEquals("&&jwt=R&", UrlArgs.redacted("&&jwt=1&", JWT, "R"));
        // Compared decoded: an escaped spelling of the name is the same argument.
        assertEquals(
                "j%77t=R&j+wt=2",
                UrlArgs.redacted("j%77t=1&j+wt=2", Set.of("jwt", "j wt"), "R").replace("j+wt=R", "j+wt=2"));
        assertEquals("j+wt=R", UrlArgs.redacted("j+wt=1", Set.of("j wt"), "R"));
        // Not the argument: a longer or shorter name, a value that looks like one, no '=' at all.
        assertEquals("jwtx=1&xjwt=2&a=jwt=3&jwt", UrlArgs.redacted("jwtx=1&xjwt=2&a=jwt=3&jwt", JWT, "R"));
        assertEquals("a=b=c&jwt=R", UrlArgs.redacted("a=b=c&jwt=b=c", JWT, "R"));
        assertEquals("", UrlArgs.redacted("", JWT, "R"));
        assertNull(UrlArgs.redacted(null, JWT, "R"));
    }

    // Names are compared in place for a small set and looked up for a large one: both the same.
    @Test
    void aSmallAndALargeSetOfNamesRedactTheSameArguments() {
        Set<String> small = Set.of("jwt", "apikey", "k");
        Set<String> large = new java.util.HashSet<>(small);
        for (int i = 0; i < 20; i++) {
            large.add("other" + i);
        }
        for (Set<String> names : java.util.List.of(small, large)) {
            assertEquals(
                    "k=R&kk=2&apikey=R&apike=3&jwt=R&jw=5&xjwt=6&=7&k",
                    UrlArgs.redacted("k=1&kk=2&apikey=x&apike=3&jwt=4&jw=5&xjwt=6&=7&k", names, "R"),
                    names.size() + " names");
        }
        assertEquals("other7=R&other=1", UrlArgs.redacted("other7=9&other=1", large, "R"));
    }

    // Helper review 138: Kong's make_ordered_args sorts each name's encoded text, so q1=2 comes
    // before q=1 ('1' < '='); one name's values keep their order.
    @Test
    void aSortedQueryIsOrderedAsKongsSetQueryOrdersIt() {
        java.util.Map<String, java.util.List<String>> args = new java.util.LinkedHashMap<>();
        args.put("q", java.util.List.of("1"));
        args.put("q1", java.util.List.of("2"));
        args.put("a", java.util.List.of("z", "b"));
        assertEquals("a=z&a=b&q1=2&q=1", UrlArgs.encode(args, true));
        assertEquals("q=1&q1=2&a=z&a=b", UrlArgs.encode(args, false));
    }

    // nginx's decode_args: a malformed escape is kept as written and the rest of the part is still
    // decoded (helper review 156: one bad escape kept the whole part, its '+' too).
    @Test
    void aMalformedEscapeIsKeptAndTheRestDecoded() {
        assertEquals("a%zz b", UrlArgs.decodePart("a%zz+b"));
        assertEquals("100% é", UrlArgs.decodePart("100%+%C3%A9"));
        assertEquals("x%4", UrlArgs.decodePart("x%4"));
        assertEquals("é ok", UrlArgs.decodePart("é+ok"));
        assertEquals("a b", UrlArgs.decodePart("a%20b"));
        assertEquals("\uFFFD", UrlArgs.decodePart("%E9"), "bytes that are not UTF-8: the replacement character");
        assertEquals("a=x%25zz%20b", UrlArgs.encode(UrlArgs.decode("a=x%zz+b"), true));
    }

    @Test
    void aQueryWithNothingToRedactIsReturnedAsItIs() {
        String query = "page=2&per_page=100&token=" + "x".repeat(500);
        assertSame(query, UrlArgs.redacted(query, JWT, "R"));
        assertSame(query, UrlArgs.redacted(query, Set.of(), "R"));
    }

    /** Every query built from the characters that matter agrees with the plain reading: split, decode, compare. */
    @Test
    void agreesWithThePlainReadingOnRandomQueries() {
        Random random = new Random(42);
        char[] alphabet = "jwt=&%+7a2 ".toCharArray();
        Set<String> names = Set.of("jwt", "j wt", "a", "");
        for (int i = 0; i < 50_000; i++) {
            StringBuilder q = new StringBuilder();
            int length = random.nextInt(16);
            for (int k = 0; k < length; k++) {
                q.append(alphabet[random.nextInt(alphabet.length)]);
            }
            String query = q.toString();
            assertEquals(plain(query, names, "R"), UrlArgs.redacted(query, names, "R"), query);
        }
    }

    private static String plain(String query, Set<String> names, String replacement) {
        StringBuilder out = new StringBuilder();
        String[] args = query.split("&", -1);
        for (int i = 0; i < args.length; i++) {
            if (i > 0) {
                out.append('&');
            }
            int eq = args[i].indexOf('=');
            if (eq >= 0 && names.contains(UrlArgs.decodePart(args[i].substring(0, eq)))) {
                out.append(args[i], 0, eq + 1).append(replacement);
            } else {
                out.append(args[i]);
            }
        }
        return out.toString();
    }
}
