package com.gitinsight.gateway.security;

import com.gitinsight.gateway.proxy.ErrorResponses;
import com.gitinsight.gateway.runtime.PluginFilter;
import com.gitinsight.gateway.runtime.RequestContext;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Plugin {@code request-size-limiting}: a declared Content-Length over the limit is refused at
 * once (413); a chunked body is counted as it streams to the backend and the exchange fails with
 * 413 when it passes the limit (never buffered to measure).
 */
public class RequestSizeFilter extends PluginFilter<RequestSizePlugin.Config> {

    private static final long serialVersionUID = 1L;

    public RequestSizeFilter() {
        super(RequestSizePlugin.NAME, RequestSizePlugin.Config.class);
    }

    @Override
    protected void apply(RequestSizePlugin.Config config, RequestContext context, HttpServletRequest request,
            HttpServletResponse response, FilterChain chain) throws IOException, ServletException {
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
