package com.gitinsight.gateway.proxy;

import com.gitinsight.gateway.config.PluginRegistry;
import com.gitinsight.gateway.http.ErrorResponses;
import com.gitinsight.gateway.runtime.ChainOrder;
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
 * Request line plus headers larger than {@code gateway.max-header-bytes} (nginx's
 * large_client_header_buffers: 32k) get 431, after the security headers are in place, so the
 * refusal carries them and the request's id like every other gateway error.
 */
public class HeaderLimitFilter extends HttpFilter implements ChainOrder {

    private static final long serialVersionUID = 1L;

    @Inject
    @ConfigProperty(name = "gateway.max-header-bytes", defaultValue = "32768")
    transient int maxHeaderBytes;

    /**
     * Right after the security headers (so a 431 carries them), before every Kong plugin: nginx
     * refuses an oversized header block before Kong runs any.
     */
    @Override
    public long order(PluginRegistry plugins) {
        return ChainOrder.after(plugins, SecurityHeadersSchema.NAME);
    }

    private static int headerBytes(HttpServletRequest request) {
        String query = request.getQueryString();
        int total = request.getRequestURI().length() + (query == null ? 0 : query.length());
        for (Enumeration<String> names = request.getHeaderNames(); names.hasMoreElements(); ) {
            String name = names.nextElement();
            for (Enumeration<String> values = request.getHeaders(name); values.hasMoreElements(); ) {
                total += name.length() + values.nextElement().length() + 4;
            }
        }
        return total;
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (headerBytes(request) > maxHeaderBytes) {
            ErrorResponses.write(request, response, 431, "Request header fields too large");
            return;
        }
        chain.doFilter(request, response);
    }
}
