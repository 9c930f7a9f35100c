package com.gitinsight.gateway.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The gateway decides on fields a backend's parser reads again: a body two common parsers could
 * read differently is not taken (each case here is a body some backend parser, werkzeug's or Go's,
 * reads otherwise than Commons FileUpload, found by an attacker's review).
 */
class MultipartFormTest {

    private static final String TYPE = "multipart/form-data; boundary=B";

    private static MultipartForm parse(String body) {
        return parse(body, TYPE);
    }

    private static MultipartForm parse(String body, String type) {
        return MultipartForm.parse(body.getBytes(StandardCharsets.ISO_8859_1), type);
    }

    private static String field(String name, String value) {
        return "--B\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n";
    }

    @Test
    void aWellFormedBodyIsRead() {
        MultipartForm form = parse(field("a", "1") + field("b", "two\r\nlines") + "--B--\r\n");
        assertNotNull(form);
        assertEquals("1", form.first("a"));
        assertEquals("two\r\nlines", form.first("b"));
        assertNotNull(parse(field("a", "1") + "--B--"), "no CRLF after the closing delimiter");
        assertNotNull(parse(field("a", "1") + "--B--\r\n", "multipart/form-data; boundary=\"B\""), "quoted");
        assertNotNull(parse("", TYPE), "an empty body has no parts");
    }

    @Test
    void aDelimiterAfterABareLineEndIsNotTaken() {
        // FileUpload: one field "note"; werkzeug: a second part "role".
        String lf = "--B\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhi\n--B\r\n"
                + "Content-Disposition: form-data; name=\"role\"\r\n\r\nadmin\r\n--B--\r\n";
        assertNull(parse(lf));
        assertNull(parse(lf.replace("hi\n--B", "hi\r--B")));
    }

    @Test
    void aBareLineEndInAPartsHeadersIsNotTaken() {
        String lf = "--B\r\nContent-Disposition: form-data; name=\"role\"\nContent-Disposition: form-data;"
                + " name=\"note\"\r\n\r\nadmin\r\n--B--\r\n";
        assertNull(parse(lf), "two headers to Go and werkzeug, one to FileUpload");
        assertNull(parse(lf.replace("\"role\"\n", "\"role\"\r")));
    }

    @Test
    void twoDispositionsOrAnEncodedOrEscapedNameAreNotTaken() {
        assertNull(parse("--B\r\nContent-Disposition: form-data; name=\"role\"\r\nContent-Disposition: form-data;"
                + " name=\"note\"\r\n\r\nadmin\r\n--B--\r\n"));
        assertNull(
                parse("--B\r\nContent-Disposition: form-data; name*=UTF-8''role; name=\"note\"\r\n\r\nx\r\n--B--\r\n"));
        assertNull(
                parse(
                        "--B\r\nContent-Disposition: form-data; name=\"note\"; name*0=\"ro\"; name*1=\"le\"\r\n\r\nx\r\n--B--\r\n"));
        assertNull(parse(field("=?UTF-8?B?dGVuYW50?=", "x") + "--B--\r\n"));
        assertNull(parse("--B\r\nContent-Disposition: form-data; name=\"ro\\\"le\"\r\n\r\nx\r\n--B--\r\n"));
        assertNull(parse("--B\r\nContent-Disposition: attachment; name=\"role\"\r\n\r\nadmin\r\n--B--\r\n"));
        assertNull(parse("--B\r\nContent-Disposition: form-data\r\n\r\nadmin\r\n--B--\r\n"), "no name");
    }

    @Test
    void aBoundaryTwoParsersCouldTakeDifferentlyIsNotTaken() {
        String body = field("a", "1") + "--B--\r\n";
        assertNull(parse(body, "multipart/form-data; boundary=A; boundary=B"));
        assertNull(parse(body, "multipart/form-data; boundary==?US-ASCII?Q?B?="));
        assertNull(parse(body, "multipart/form-data; boundary==?UTF-8?B?A?="), "no exception either");
        assertNull(parse(body, "multipart/form-data"));
        assertNull(parse(body, "multipart/form-data; boundary=\"B \""));
    }

    // Review 63: a Content-Type from which some parser takes another boundary than FileUpload.
    @Test
    void aContentTypeFromWhichAnotherBoundaryCouldBeTakenIsNotTaken() {
        String body = field("a", "1") + "--B--\r\n";
        for (String type : new String[] {
            "multipart/form-data; boundary=B=b", // werkzeug: boundary "B"
            "multipart/form-data; boundary=B,x",
            "multipart/form-data; boundary*=utf-8''C; boundary=B", // Go takes the RFC 2231 one
            "multipart/form-data; boundary=B; boundary*0=C",
            "multipart/form-data; boundaryx=C; boundary=B", // PHP finds the first "boundary"
            "multipart/form-data, boundary=B",
            "multipart/form-data boundary=B",
            "multipart/mixed; boundary=B",
            "multipart/form-data; boundary=\"B;x\""
        }) {
            assertNull(parse(body, type), type);
        }
        assertNotNull(parse(body, "Multipart/Form-Data ; charset=utf-8; BOUNDARY=B"));
        assertEquals(
                "multipart/form-data; boundary=B",
                MultipartForm.writtenType("multipart/form-data; charset=x; boundary=\"B\""));
    }

    @Test
    void headerLinesSomeParserReadsOtherwiseAreNotTaken() {
        assertNull(
                parse(
                        "--B\r\nContent-Disposition: form-data; name=\"note\"\r\n ; name=\"is_admin\"\r\n\r\nx\r\n--B--\r\n"),
                "folded");
        assertNull(
                parse(
                        "--B\r\nContent-Disposition: form-data; name=\"note\"\r\n; name=\"is_admin\"\r\n\r\nx\r\n--B--\r\n"),
                "no colon");
        assertNull(
                parse("--B\r\nContent-Disposition: form-data; name=\"a\"; name=\"b\"\r\n\r\nx\r\n--B--\r\n"),
                "two names");
        assertNull(parse("--B\r\nContent-Disposition: form-data; name=is_admin\r\n\r\nx\r\n--B--\r\n"), "unquoted");
        assertNull(parse(field("is_admin\u0000x", "1") + "--B--\r\n"), "PHP ends a name at a NUL");
        assertNull(
                parse(
                        "--B\r\nContent-Disposition: form-data; name=\"files\"\r\nContent-Type: multipart/mixed; boundary=X\r\n\r\n"
                                + "--X\r\nContent-Disposition: form-data; name=\"is_admin\"; filename=\"a\"\r\n\r\nadmin\r\n--X--\r\n--B--\r\n"),
                "nested, with a form-data part inside");
    }

    // A field removed under one spelling cannot pass under another a backend reads as it.
    @Test
    void deleteTakesEverySpellingABackendReadsAsTheName() {
        MultipartForm form = parse(field("is.admin", "1") + field("is admin", "2") + field("is_admin[]", "3")
                + field(" is_admin", "4") + field("is_administrator", "5") + "--B--\r\n");
        assertTrue(form.hasField("is_admin"));
        form.delete("is_admin");
        assertEquals(
                field("is_administrator", "5") + "--B--\r\n", new String(form.toBytes(), StandardCharsets.ISO_8859_1));
        MultipartForm nested = parse(field("user[role]", "1") + field("user[name]", "2") + "--B--\r\n");
        nested.delete("user[role]");
        assertEquals(
                field("user[name]", "2") + "--B--\r\n",
                new String(nested.toBytes(), StandardCharsets.ISO_8859_1),
                "a bracketed name is only itself");
    }

    @Test
    void paddingAPreambleOrAnEpilogueIsNotTaken() {
        assertNull(parse("--B  \r\nContent-Disposition: form-data; name=\"role\"\r\n\r\nadmin\r\n--B--\r\n"));
        assertNull(parse("preamble\r\n" + field("a", "1") + "--B--\r\n"));
        assertNull(parse(field("a", "1") + "--B--\r\nepilogue"));
        assertNull(parse(field("a", "1")), "never closed");
        assertNull(
                parse(field("a", "1") + "--B--\r\n" + field("role", "admin") + "--B--\r\n"), "parts after the close");
    }

    @Test
    void aNestedMultipartPartIsNotTaken() {
        assertNull(parse("--B\r\nContent-Disposition: form-data; name=\"files\"\r\n"
                + "Content-Type: multipart/mixed; boundary=X\r\n\r\n--X\r\n"
                + "Content-Disposition: file; name=\"role\"; filename=\"a\"\r\n\r\nadmin\r\n--X--\r\n--B--\r\n"));
    }

    @Test
    void aValueHoldingTheDelimiterAnywhereIsRefused() {
        MultipartForm form = parse(field("a", "1") + "--B--\r\n");
        assertThrows(IllegalArgumentException.class, () -> form.setSimple("n", "x\r--B\r\nContent-Disposition: x"));
        assertThrows(IllegalArgumentException.class, () -> form.setSimple("n", "x--B"));
        assertThrows(IllegalArgumentException.class, () -> form.setSimple("a\"b", "x"));
    }

    @Test
    void namesAndHeaderBytesGoOutAsTheyCameAndBinaryContentsUntouched() {
        byte[] body = ("--B\r\nContent-Disposition: form-data; name=\"n\u00c3\u00a4me\"; filename=\"\u00e9.bin\"\r\n"
                        + "Content-Type: application/octet-stream\r\n\r\n\u00ff\u0000\u00fe\r\n--B--\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        MultipartForm form = MultipartForm.parse(body, TYPE);
        assertNotNull(form);
        assertNotNull(form.first("n\u00e4me"), "a UTF-8 name is found by its Java name");
        form.setSimple("added", "1");
        byte[] out = form.toBytes();
        String text = new String(out, StandardCharsets.ISO_8859_1);
        assertEquals(
                "--B\r\nContent-Disposition: form-data; name=\"n\u00c3\u00a4me\"; filename=\"\u00e9.bin\"\r\n"
                        + "Content-Type: application/octet-stream\r\n\r\n\u00ff\u0000\u00fe\r\n"
                        + "--B\r\nContent-Disposition: form-data; name=\"added\"\r\n\r\n1\r\n--B--\r\n",
                text);
        assertTrue(form.rename("n\u00e4me", "renamed"));
        assertArrayEquals(
                new byte[] {(byte) 0xff, 0, (byte) 0xfe}, parseBytes(form.toBytes()), "a renamed part keeps its bytes");
    }

    private static byte[] parseBytes(byte[] body) {
        String text = new String(body, StandardCharsets.ISO_8859_1);
        int start = text.indexOf("name=\"renamed\"\r\n\r\n") + "name=\"renamed\"\r\n\r\n".length();
        return text.substring(start, text.indexOf("\r\n--B", start)).getBytes(StandardCharsets.ISO_8859_1);
    }

    private static void assertTrue(boolean condition) {
        org.junit.jupiter.api.Assertions.assertTrue(condition);
    }
}
