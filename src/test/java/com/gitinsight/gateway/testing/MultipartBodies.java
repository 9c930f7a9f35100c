package com.gitinsight.gateway.testing;

/** multipart/form-data bodies of plain fields, as a test sends them. */
public final class MultipartBodies {

    private MultipartBodies() {}

    /** The fields (name, value, name, value...) as parts with {@code boundary}, then the closing delimiter. */
    public static String of(String boundary, String... nameThenValue) {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < nameThenValue.length; i += 2) {
            body.append("--")
                    .append(boundary)
                    .append("\r\nContent-Disposition: form-data; name=\"")
                    .append(nameThenValue[i])
                    .append("\"\r\n\r\n")
                    .append(nameThenValue[i + 1])
                    .append("\r\n");
        }
        return body.append("--").append(boundary).append("--\r\n").toString();
    }
}
