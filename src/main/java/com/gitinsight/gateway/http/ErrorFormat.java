package com.gitinsight.gateway.http;

/**
 * The format of an error the gateway makes, as the request's {@code Accept} chooses it (Kong's
 * {@code kong.response.error}: {@code get_response_type} and its templates): JSON by default, HTML,
 * XML or plain text when asked. Of the listed types the first with the highest {@code q} wins; a
 * type Kong has no template for, or a wildcard, is JSON ({@code text/*} plain text).
 */
public enum ErrorFormat {
    JSON("application/json; charset=utf-8"),
    HTML("text/html; charset=utf-8"),
    XML("application/xml; charset=utf-8"),
    PLAIN("text/plain; charset=utf-8");

    private final String contentType;

    ErrorFormat(String contentType) {
        this.contentType = contentType;
    }

    public String contentType() {
        return contentType;
    }

    /**
     * The format of an error nginx makes in Kong ({@code kong/error_handlers.lua}): what Accept asks
     * for, else what the request's Content-Type names, else plain text ({@code error_default_type}).
     */
    public static ErrorFormat ofNginx(jakarta.servlet.http.HttpServletRequest request) {
        String accept = request.getHeader("Accept");
        if (accept == null) {
            accept = request.getHeader("Content-Type");
        }
        return accept == null ? PLAIN : of(accept);
    }

    /** The format {@code accept} (null: none) asks for. */
    public static ErrorFormat of(String accept) {
        if (accept == null || accept.isEmpty()) {
            return JSON;
        }
        ErrorFormat chosen = JSON;
        double best = 0;
        int start = 0;
        while (start <= accept.length()) {
            int comma = accept.indexOf(',', start);
            int end = comma < 0 ? accept.length() : comma;
            String item = accept.substring(start, end).trim();
            int semicolon = item.indexOf(';');
            String type = (semicolon < 0 ? item : item.substring(0, semicolon)).trim();
            if (type.indexOf('/') > 0) {
                double q = semicolon < 0 ? 1 : quality(item.substring(semicolon + 1));
                if (q > best) {
                    best = q;
                    chosen = forType(type);
                }
            }
            if (comma < 0) {
                break;
            }
            start = comma + 1;
        }
        return chosen;
    }

    /** The {@code q} among {@code params} (1 when absent or not a number Kong reads). */
    private static double quality(String params) {
        for (String p : params.split(";")) {
            String param = p.trim();
            if (param.length() > 2 && (param.charAt(0) == 'q' || param.charAt(0) == 'Q') && param.charAt(1) == '=') {
                try {
                    double q = Double.parseDouble(param.substring(2).trim());
                    return q >= 0 && q <= 1 ? q : 1;
                } catch (NumberFormatException e) {
                    return 1;
                }
            }
        }
        return 1;
    }

    /** Kong's get_mime_type with its default: exact (case-sensitive) names, then JSON. */
    private static ErrorFormat forType(String type) {
        return switch (type) {
            case "text/html" -> HTML;
            case "application/xml" -> XML;
            case "text/plain", "text/*" -> PLAIN;
            default -> JSON;
        };
    }

    /** The body: Kong's template for this format, with the message and the request id (escaped for HTML and XML). */
    public String body(String message, String requestId) {
        String id = requestId == null ? "" : requestId;
        return switch (this) {
            case JSON -> ErrorResponses.body(message, requestId);
            case HTML ->
                "<!doctype html>\n<html>\n  <head>\n    <meta charset=\"utf-8\">\n    <title>Error</title>\n"
                        + "  </head>\n  <body>\n    <h1>Error</h1>\n    <p>" + escape(message) + ".</p>\n"
                        + "    <p>request_id: " + escape(id) + "</p>\n  </body>\n</html>\n";
            case XML ->
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<error>\n  <message>" + escape(message)
                        + "</message>\n  <requestid>" + escape(id) + "</requestid>\n</error>\n";
            case PLAIN -> message + "\nrequest_id: " + id + "\n";
        };
    }

    /** Markup's five characters (Kong writes the message as it is; a message may hold a client's text). */
    private static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
