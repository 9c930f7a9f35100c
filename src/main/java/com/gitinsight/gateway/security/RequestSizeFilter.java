package com.gitinsight.gateway.security;

import com.gitinsight.gateway.proxy.ErrorResponses;
import com.gitinsight.gateway.runtime.RequestContext;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Plugin {@code request-size-limiting}: a declared Content-Length over the limit is refused at
 * once (413); a chunked body is counted as it streams to the backend and the exchange fails with
 * 413 when it passes the limit (never buffered to measure).
 */
public class RequestSizeFilter extends HttpFilter {

    private static final long serialVersionUID = 1L;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        RequestContext context = RequestContext.of(request);
        RequestSizePlugin.Config config = context.plugin(RequestSizePlugin.NAME, RequestSizePlugin.Config.class);
        if (config == null) {
            chain.doFilter(request, response);
            return;
        }
        long length = request.getContentLengthLong();
        boolean chunked = request.getHeader("Transfer-Encoding") != null;
        if (length > config.maxBytes()) {
            ErrorResponses.write(request, response, 413, ErrorResponses.TOO_LARGE);
            return;
        }
        if (config.requireContentLength() && length < 0 && chunked) {
            ErrorResponses.write(request, response, 411, "A valid Content-Length header is required");
            return;
        }
        if (chunked) {
            context.maxBodyBytes(config.maxBytes());
        }
        chain.doFilter(request, response);
    }
}
