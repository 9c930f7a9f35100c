package com.gitinsight.gateway.proxy;

import com.gitinsight.gateway.config.PluginRegistry;
import com.gitinsight.gateway.http.ErrorResponses;
import com.gitinsight.gateway.http.HeaderNames;
import com.gitinsight.gateway.runtime.ChainOrder;
import com.gitinsight.gateway.runtime.HeadLines;
import com.gitinsight.gateway.runtime.RequestContext;
import com.gitinsight.gateway.security.SecurityHeadersSchema;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Enumeration;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * nginx's header buffers, as Kong runs with nginx's defaults ({@code large_client_header_buffers
 * 4 8k}): a request line longer than one buffer ({@code gateway.max-header-line-bytes}, 8192
 * with its CRLF) gets 414 {@code URI too long}; a header line longer than one buffer, or a request
 * line and headers together over {@code gateway.max-header-bytes} (32768, the four buffers), get
 * 400 {@code Bad request} (nginx's 494, which Kong's error handler answers as 400). Both answers
 * are Kong's error handler's (formatted by Accept, plain text by default, with the request id),
 * and close the connection, as nginx does. Runs after the security headers are in place, so the
 * refusal carries them, and inside the log plugins, which log it as Kong's do (a refused request
 * line with no headers: nginx parsed none).
 */
public class HeaderLimitFilter extends HttpFilter implements ChainOrder {

    private static final long serialVersionUID = 1L;
    static final String URI_TOO_LONG = "URI too long";
    static final String HEADERS_TOO_LARGE = "Bad request";

    @Inject
    @ConfigProperty(name = "gateway.max-header-bytes", defaultValue = "32768")
    transient int maxHeaderBytes;

    @Inject
    @ConfigProperty(name = "gateway.max-header-line-bytes", defaultValue = "8192")
    transient int maxLineBytes;

    /**
     * Right after the security headers (so a refusal carries them), before every Kong plugin:
     * nginx refuses an oversized request head before Kong runs any.
     */
    @Override
    public long order(PluginRegistry plugins) {
        return ChainOrder.after(plugins, SecurityHeadersSchema.NAME);
    }

    /** The request line's length with its CRLF, as the client sent it. */
    static int requestLineBytes(HttpServletRequest request) {
        String query = request.getQueryString();
        return request.getMethod().length()
                + 1
                + request.getRequestURI().length()
                + (query == null ? 0 : query.length() + 1)
                + 1
                + request.getProtocol().length()
                + 2;
    }

    /**
     * The status refusing the request head, or 0: 414 for the request line, 400 for one header
     * line over a buffer, the whole head over the buffers, or a value nginx would not parse.
     */
    static int refusal(HttpServletRequest request, int maxLineBytes, int maxHeaderBytes) {
        return check(request, maxLineBytes, maxHeaderBytes) & STATUS;
    }

    /** As above; {@code context} (null: none) is told whether a name holds a {@code _}. */
    static int refusal(HttpServletRequest request, int maxLineBytes, int maxHeaderBytes, RequestContext context) {
        int head = check(request, maxLineBytes, maxHeaderBytes);
        if (context != null && (head & STATUS) == 0) {
            context.headerNamesRead((head & UNDERSCORED) != 0);
        }
        return head & STATUS;
    }

    /** {@link #check}'s bits: the refusal's status. */
    static final int STATUS = 0xFFFF;
    /** {@link #check}'s bit: a header name holds a {@code _} (set only when nothing was refused). */
    static final int UNDERSCORED = 1 << 16;

    /**
     * The one pass over the request head: the refusal's status ({@link #STATUS} bits, 0 for none)
     * and {@link #UNDERSCORED}. Made where the request is routed (nginx refuses the head before Kong
     * routes: helper review 249), and read again here from the context.
     */
    static int check(HttpServletRequest request, int maxLineBytes, int maxHeaderBytes) {
        return check(request, maxLineBytes, maxHeaderBytes, null);
    }

    /** As above, keeping the header lines in {@code kept} (null: none kept) for a log plugin. */
    static int check(HttpServletRequest request, int maxLineBytes, int maxHeaderBytes, HeadLines kept) {
        int total = requestLineBytes(request);
        if (total > maxLineBytes) {
            return 414;
        }
        boolean underscored = false;
        for (Enumeration<String> names = request.getHeaderNames(); names.hasMoreElements(); ) {
            String name = names.nextElement();
            underscored |= name.indexOf('_') >= 0;
            String keptName = kept == null || kept.full() || kept.has(name) ? null : HeaderNames.shared(name);
            for (Enumeration<String> values = request.getHeaders(name); values.hasMoreElements(); ) {
                String value = values.nextElement();
                if (keptName != null) {
                    kept.add(keptName, value);
                }
                int line = name.length() + 2 + value.length() + 2;
                if (line > maxLineBytes) {
                    return 400;
                }
                // nginx's header parser refuses a NUL and a CR not ending the line; bytes beyond
                // ASCII it takes (RFC 9110's obs-text), and so does Payara's listener as the
                // gateway sets it up (org.glassfish.grizzly.http.STRICT_HEADER_VALUE_VALIDATION_RFC_9110
                // off: on, a UTF-8 cookie got a bare 400; off, it lets these two through as well).
                if (value.indexOf('\r') >= 0 || value.indexOf('\0') >= 0) {
                    return 400;
                }
                total += line;
            }
        }
        if (total > maxHeaderBytes) {
            return 400;
        }
        return underscored ? UNDERSCORED : 0;
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        RequestContext context = RequestContext.of(request);
        int refusal = context != null && context.headRefusal() >= 0
                ? context.headRefusal()
                : refusal(request, maxLineBytes, maxHeaderBytes, context);
        if (refusal == 0) {
            chain.doFilter(request, response);
            return;
        }
        if (refusal == 414 && context != null) {
            context.markRequestLineRefused();
        }
        // nginx refuses these while reading the head and closes: the body is never read.
        response.setHeader("Connection", "close");
        ErrorResponses.writeNginx(request, response, refusal, refusal == 414 ? URI_TOO_LONG : HEADERS_TOO_LARGE);
    }
}
