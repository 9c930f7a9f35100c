package com.gitinsight.gateway.security;

import com.gitinsight.gateway.http.ErrorResponses;
import com.gitinsight.gateway.runtime.PluginFilter;
import com.gitinsight.gateway.runtime.RequestContext;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Plugin {@code request-size-limiting}, with Kong's answers: a declared Content-Length over the
 * limit is refused at once, {@code 413 Request size limit exceeded}, or 417 when the client sent
 * {@code Expect: 100-continue}; with {@code require_content_length}, a request with neither a
 * Content-Length nor a chunked body gets {@code 411}. A chunked body is counted as it streams to
 * the backend (never buffered to measure, unlike Kong) and the exchange fails with the same
 * 413/417 when it passes the limit.
 */
public class RequestSizeFilter extends PluginFilter<RequestSizeSchema.Config> {

    private static final long serialVersionUID = 1L;

    public RequestSizeFilter() {
        super(RequestSizeSchema.NAME, RequestSizeSchema.Config.class);
    }

    @Override
    protected void apply(
            RequestSizeSchema.Config config,
            RequestContext context,
            HttpServletRequest request,
            HttpServletResponse response,
            FilterChain chain)
            throws IOException, ServletException {
        long length = request.getContentLengthLong();
        if (length >= 0) {
            if (length > config.maxBytes()) {
                ErrorResponses.write(
                        request,
                        response,
                        ErrorResponses.tooLargeStatus(request.getHeader("Expect")),
                        ErrorResponses.TOO_LARGE);
                return;
            }
            chain.doFilter(request, response);
            return;
        }
        // The framing check already refused any Transfer-Encoding but "chunked" in some case; Kong's
        // handler compares it exactly (headers["Transfer-Encoding"] ~= "chunked"): "Chunked" is 411.
        String te = request.getHeader("Transfer-Encoding");
        boolean chunked = te != null && te.trim().equals("chunked");
        if (!chunked && config.requireContentLength()) {
            ErrorResponses.write(request, response, 411, "A valid Content-Length header is required");
            return;
        }
        // A chunked body, or an HTTP/2 one (framed by its stream, no length needed), is counted as
        // it streams (http/BodyFraming); a request without one has no body to count.
        if (com.gitinsight.gateway.http.BodyFraming.unknownLength(request)) {
            context.maxBodyBytes(config.maxBytes());
        }
        chain.doFilter(request, response);
    }
}
