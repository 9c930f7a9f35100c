package com.gitinsight.gateway.http;

import java.util.Map;

/**
 * What a client gets from Kong when a plugin ends a request with {@code kong.response.exit(status)}
 * and no body: the PDK prints nothing and calls {@code ngx.exit(status)}, so nginx answers with
 * its own content for that status. A status Kong's {@code error_page} directive names goes to
 * Kong's error handler ({@link #kongErrorHandlerMessage}: its words, formatted as the request
 * asks); one nginx has a page for gets that page ({@link #nginxPage}: OpenResty's, with
 * {@code server_tokens off} as Kong configures it); any other is empty.
 */
public final class NginxDefaultContent {

    /** Kong's error handler's words for the statuses {@code nginx_kong.lua}'s error_page sends it. */
    private static final Map<Integer, String> KONG_ERROR_HANDLER = Map.ofEntries(
            Map.entry(400, "Bad request"),
            Map.entry(404, "Not found"),
            Map.entry(405, "Method not allowed"),
            Map.entry(408, "Request timeout"),
            Map.entry(411, "Length required"),
            Map.entry(412, "Precondition failed"),
            Map.entry(413, "Payload too large"),
            Map.entry(414, "URI too long"),
            Map.entry(417, "Expectation failed"),
            Map.entry(494, "Request header or cookie too large"),
            Map.entry(500, "An unexpected error occurred"),
            Map.entry(502, ErrorResponses.BAD_GATEWAY),
            Map.entry(503, "The upstream server is currently unavailable"),
            Map.entry(504, ErrorResponses.TIMEOUT));

    /** nginx's page titles (ngx_http_special_response.c) for the statuses it has a page for. */
    private static final Map<Integer, String> NGINX_PAGES = Map.ofEntries(
            Map.entry(301, "301 Moved Permanently"),
            Map.entry(302, "302 Found"),
            Map.entry(303, "303 See Other"),
            Map.entry(307, "307 Temporary Redirect"),
            Map.entry(308, "308 Permanent Redirect"),
            Map.entry(401, "401 Authorization Required"),
            Map.entry(402, "402 Payment Required"),
            Map.entry(403, "403 Forbidden"),
            Map.entry(406, "406 Not Acceptable"),
            Map.entry(409, "409 Conflict"),
            Map.entry(410, "410 Gone"),
            Map.entry(415, "415 Unsupported Media Type"),
            Map.entry(416, "416 Requested Range Not Satisfiable"),
            Map.entry(421, "421 Misdirected Request"),
            Map.entry(429, "429 Too Many Requests"),
            Map.entry(501, "501 Not Implemented"),
            Map.entry(505, "505 HTTP Version Not Supported"),
            Map.entry(507, "507 Insufficient Storage"));

    private NginxDefaultContent() {}

    /** Kong's error handler's message for {@code status}, or null when its error_page does not name it. */
    public static String kongErrorHandlerMessage(int status) {
        return KONG_ERROR_HANDLER.get(status);
    }

    /**
     * The status Kong's error handler answers {@code status} with: nginx's 494 (a request header
     * too large) is sent as 400, as Kong's handler converts it back (attacker review 292).
     */
    public static int kongErrorHandlerStatus(int status) {
        return status == 494 ? 400 : status;
    }

    private static final String PADDING =
            "<!-- a padding to disable MSIE and Chrome friendly error page -->\r\n".repeat(6);

    /**
     * nginx's own HTML page for {@code status} (text/html), or null when it has none; for an error
     * status and a client nginx takes for MSIE or Chrome ({@code userAgent}, may be null), with the
     * padding its {@code msie_padding} (on by default) adds, which keeps those browsers from showing
     * a page of their own.
     */
    public static String nginxPage(int status, String userAgent) {
        String title = NGINX_PAGES.get(status);
        if (title == null) {
            return null;
        }
        String page = "<html>\r\n<head><title>" + title + "</title></head>\r\n<body>\r\n<center><h1>" + title
                + "</h1></center>\r\n<hr><center>openresty</center>\r\n</body>\r\n</html>\r\n";
        return status >= 400 && msieOrChrome(userAgent) ? page + PADDING : page;
    }

    /**
     * nginx's reading of the User-Agent (ngx_http_process_user_agent): MSIE when "MSIE " is followed
     * by at least a version, unless "Opera" is in it; else Chrome when "Chrome/" is in it and
     * "Gecko/" is not.
     */
    static boolean msieOrChrome(String userAgent) {
        if (userAgent == null || userAgent.contains("Opera")) {
            return false;
        }
        int msie = userAgent.indexOf("MSIE ");
        if (msie >= 0 && msie + 7 < userAgent.length()) {
            return true;
        }
        return !userAgent.contains("Gecko/") && userAgent.contains("Chrome/");
    }
}
