package com.gitinsight.gateway.http;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * A request header's bytes as the client sent them. Containers decode header bytes as ISO-8859-1
 * (one char per byte); Kong and nginx compare bytes, and a file's names and keys are UTF-8 text.
 */
public final class HeaderText {

    private HeaderText() {}

    /**
     * A value the gateway makes (a consumer's name from the file, a token's claim) as the header
     * strings here hold values: one char per byte, its UTF-8 bytes, as Kong sends it. Sent as it
     * is, each character past Latin-1 became '?' on the wire, so "иван" and "петр" reached the
     * backend as one user "????" (attacker review 178). ASCII is returned as it is.
     */
    public static String wire(String value) {
        if (value == null) {
            return null;
        }
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) >= 0x80) {
                return new String(value.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
            }
        }
        return value;
    }

    /** The bytes a header value was sent as (a container that decoded it otherwise: its UTF-8). */
    public static byte[] bytes(String value) {
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) > 0xFF) {
                return value.getBytes(StandardCharsets.UTF_8);
            }
        }
        return value.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The header value read as UTF-8 ({@code josé} sent as UTF-8), or null when its bytes are not UTF-8. */
    public static String utf8(String value) {
        boolean ascii = true;
        for (int i = 0; i < value.length() && ascii; i++) {
            ascii = value.charAt(i) < 0x80;
        }
        if (ascii) {
            return value;
        }
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes(value)))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
