package com.gitinsight.gateway.proxy;

import com.gitinsight.gateway.http.ErrorResponses;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * The container's error page (web.xml): an error the container answers itself (an uncaught
 * {@code Error}, a path it refuses before any filter) leaves as the gateway's JSON, not as the
 * server's HTML, which names the server and its version. Also answers the path a request with a
 * malformed escape is sent to ({@link MalformedUriGuard}).
 */
public class ErrorPage extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (MalformedUriGuard.MALFORMED.equals(request.getServletPath())) {
            ErrorResponses.write(request, response, 400, "The request path has a malformed percent-escape");
            return;
        }
        if (MalformedUriGuard.NO_HOST.equals(request.getServletPath())) {
            ErrorResponses.write(request, response, 400, "Bad request");
            return;
        }
        if (MalformedUriGuard.NOT_UTF8.equals(request.getServletPath())) {
            ErrorResponses.write(request, response, 404, ErrorResponses.NO_ROUTE);
            return;
        }
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status = code instanceof Integer c && c >= 400 ? c : 404;
        if (response.isCommitted()) {
            return;
        }
        response.resetBuffer();
        ErrorResponses.write(request, response, status, message(status));
    }

    private static String message(int status) {
        return switch (status) {
            case 400 -> "Bad request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not found";
            case 405 -> "Method not allowed";
            case 413 -> "Request size limit exceeded";
            case 414 -> "URI too long"; // Kong's error handler's words
            case 431 -> "Request header fields too large";
            default -> status >= 500 ? ErrorMapper.UNEXPECTED : "The request cannot be served";
        };
    }
}
