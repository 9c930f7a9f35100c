package com.gitinsight.gateway.security;

import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * An hmac-auth signature as Kong's access.lua reads and checks it: the header's parameters, the
 * signing string (each signed header's {@code name: value} on its own line, {@code request-line}
 * the request's first line, {@code @request-target} its lower-case method and target), and the
 * HMAC of that string with the credential's secret.
 */
final class HmacSignature {

    /** What a request's {@code hmac} header gives; {@code headers} split on single spaces, as Kong's {@code split}. */
    record Params(String username, String algorithm, List<String> headers, String signature) {}

    private static final Map<String, String> JCA = Map.of(
            "hmac-sha1", "HmacSHA1",
            "hmac-sha256", "HmacSHA256",
            "hmac-sha384", "HmacSHA384",
            "hmac-sha512", "HmacSHA512");

    private HmacSignature() {}

    /**
     * The parameters of Kong's unanchored
     * {@code \s*[Hh]mac\s*username="(.+)",\s*algorithm="(.+)",\s*headers="(.+)",\s*signature="(.+)"},
     * with PCRE's greedy captures, or null when it does not match. Found in linear time: the greedy
     * captures take the last separators that still leave the rest a match, so they are looked for
     * from the end (the regex itself backtracks polynomially on a hostile header).
     */
    static Params parse(String value) {
        if (value == null || value.indexOf('\n') >= 0) {
            return null; // PCRE's . never crosses a newline (and containers refuse one in a header)
        }
        int n = value.length();
        int[] blankEnd = new int[n + 1];
        blankEnd[n] = n;
        for (int i = n - 1; i >= 0; i--) {
            blankEnd[i] = isSpace(value.charAt(i)) ? blankEnd[i + 1] : i;
        }
        int userStart = -1;
        for (int i = value.indexOf("mac", 1); i >= 1; i = value.indexOf("mac", i + 1)) {
            char h = value.charAt(i - 1);
            int at = blankEnd[i + 3];
            if ((h == 'H' || h == 'h') && value.startsWith("username=\"", at)) {
                userStart = at + "username=\"".length();
                break;
            }
        }
        if (userStart < 0) {
            return null;
        }
        int lastQuote = value.lastIndexOf('"');
        // Each separator is the last one that leaves a non-empty capture after it.
        int signature = lastSeparator(value, blankEnd, "signature", lastQuote - 1);
        int headers = signature < 0 ? -1 : lastSeparator(value, blankEnd, "headers", signature - 1);
        int algorithm = headers < 0 ? -1 : lastSeparator(value, blankEnd, "algorithm", headers - 1);
        if (algorithm < userStart + 1) {
            return null;
        }
        String username = value.substring(userStart, algorithm);
        int algorithmStart = valueStart(value, blankEnd, algorithm, "algorithm");
        int headersStart = valueStart(value, blankEnd, headers, "headers");
        int signatureStart = valueStart(value, blankEnd, signature, "signature");
        return new Params(
                username,
                value.substring(algorithmStart, headers),
                List.of(value.substring(headersStart, signature).split(" ", -1)),
                value.substring(signatureStart, lastQuote));
    }

    /**
     * The start of the last {@code ",\s*<name>="} whose value (what follows it) starts at or before
     * {@code latestValueStart}; -1 if none.
     */
    private static int lastSeparator(String value, int[] blankEnd, String name, int latestValueStart) {
        for (int i = value.lastIndexOf("\",", latestValueStart); i >= 0; i = value.lastIndexOf("\",", i - 1)) {
            int start = valueStart(value, blankEnd, i, name);
            if (start >= 0 && start <= latestValueStart) {
                return i;
            }
        }
        return -1;
    }

    /** Where the value after the separator {@code ",\s*<name>="} at {@code at} starts, or -1 if none is there. */
    private static int valueStart(String value, int[] blankEnd, int at, String name) {
        int word = blankEnd[at + 2];
        if (value.startsWith(name, word) && value.startsWith("=\"", word + name.length())) {
            return word + name.length() + 2;
        }
        return -1;
    }

    /** PCRE's {@code \s}. */
    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == 0x0B || c == '\f' || c == '\r';
    }

    /**
     * Kong's {@code validate_signature}: the HMAC over the request as the client sent it (Kong 3
     * removed 2.x's fallback to the path without the query, which left the query unsigned).
     */
    static boolean matches(HttpServletRequest request, Params params, byte[] secret, byte[] presented) {
        String query = com.gitinsight.gateway.http.RawQuery.of(request); // a bare "?" is signed too, as sent
        String sent = com.gitinsight.gateway.http.SentPath.raw(request) + (query == null ? "" : "?" + query);
        return MessageDigest.isEqual(hmac(params.algorithm(), secret, signingString(request, params, sent)), presented);
    }

    /** Whether a header the signature names (a real one, not a pseudo-header) came more than once. */
    static boolean signsARepeatedHeader(HttpServletRequest request, Params params) {
        for (String name : params.headers()) {
            if (!name.isEmpty()
                    && !name.equals("request-line")
                    && !name.equals("@request-target")
                    && com.gitinsight.gateway.http.HeaderLines.repeated(request, name.replace('_', '-'))) {
                return true;
            }
        }
        return false;
    }

    /** Kong's {@code create_hash} signing string, with {@code uri} in the request line. */
    static String signingString(HttpServletRequest request, Params params, String uri) {
        StringBuilder out = new StringBuilder();
        List<String> names = params.headers();
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            // nginx's header table: any case, and '_' read as '-'.
            String value = name.isEmpty() ? null : request.getHeader(name.replace('_', '-'));
            if (value != null) {
                out.append(name).append(": ").append(value);
            } else if (name.equals("@request-target")) {
                // Kong 2.4+'s pseudo-header: the method in lower case and the request target.
                out.append(name)
                        .append(": ")
                        .append(request.getMethod().toLowerCase(java.util.Locale.ROOT))
                        .append(' ')
                        .append(uri);
            } else if (name.equals("request-line")) {
                out.append(request.getMethod())
                        .append(' ')
                        .append(uri)
                        .append(" HTTP/")
                        .append(version(request));
            } else {
                out.append(name).append(':');
            }
            if (i < names.size() - 1) {
                out.append('\n');
            }
        }
        return out.toString();
    }

    /** Kong's {@code %.01f} of the HTTP version: {@code 1.1}, {@code 1.0}, {@code 2.0}. */
    private static String version(HttpServletRequest request) {
        String protocol = request.getProtocol();
        String v = protocol != null && protocol.startsWith("HTTP/") ? protocol.substring(5) : "1.1";
        return v.indexOf('.') < 0 ? v + ".0" : v;
    }

    /** The HMAC of {@code data} (its bytes as the client sent them: the container reads headers as ISO-8859-1). */
    static byte[] hmac(String algorithm, byte[] secret, String data) {
        String jca = JCA.get(algorithm);
        try {
            Mac mac = Mac.getInstance(jca);
            mac.init(new SecretKeySpec(secret, jca));
            return mac.doFinal(data.getBytes(StandardCharsets.ISO_8859_1));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(jca + " is part of every JDK", e);
        }
    }
}
