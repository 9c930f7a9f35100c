package com.gitinsight.gateway.termination;

import com.gitinsight.gateway.http.ErrorResponses;
import com.gitinsight.gateway.http.NginxDefaultContent;
import com.gitinsight.gateway.runtime.PluginFilter;
import com.gitinsight.gateway.runtime.RequestContext;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Plugin {@code request-termination}: answers at the gateway, as Kong's {@code kong.response.exit}
 * does: the raw {@code body} (with {@code content_type} when given, else no Content-Type), or
 * {@code {"message": ...}}, or, without either, what nginx sends for the status
 * ({@link NginxDefaultContent}: Kong's error handler, nginx's page, or nothing), or the
 * {@linkplain Echo echo} of the request. With a {@code trigger}, only requests carrying it.
 */
public class RequestTerminationFilter extends PluginFilter<RequestTerminationSchema.Config> {

    private static final long serialVersionUID = 1L;

    public RequestTerminationFilter() {
        super(RequestTerminationSchema.NAME, RequestTerminationSchema.Config.class);
    }

    @Override
    protected void apply(
            RequestTerminationSchema.Config config,
            RequestContext context,
            HttpServletRequest request,
            HttpServletResponse response,
            FilterChain chain)
            throws IOException, ServletException {
        if (config.trigger() != null && !Trigger.present(context, request, config.trigger())) {
            chain.doFilter(request, response);
            return;
        }
        response.setStatus(config.status());
        byte[] bytes;
        String contentType = null;
        if (config.echo()) {
            bytes = Echo.document(config, context, request);
            contentType = "application/json; charset=utf-8";
        } else if (config.body() != null) {
            bytes = config.body().getBytes(StandardCharsets.UTF_8);
            contentType = config.contentType();
        } else if (config.message() != null) {
            Map<String, String> body = new LinkedHashMap<>();
            body.put("message", config.message());
            // kong.response.exit: the message alone, no request id (that is kong.response.error's).
            bytes = ErrorResponses.body(body, null).getBytes(StandardCharsets.UTF_8);
            contentType = "application/json; charset=utf-8";
        } else if (NginxDefaultContent.kongErrorHandlerMessage(config.status()) != null) {
            // kong.response.exit(status) with no body: nginx sends its error_page, Kong's error handler
            // (helper review 285).
            ErrorResponses.writeNginx(
                    request,
                    response,
                    NginxDefaultContent.kongErrorHandlerStatus(config.status()),
                    NginxDefaultContent.kongErrorHandlerMessage(config.status()));
            return;
        } else {
            // nginx's own page for the status, or nothing when it has none.
            String page = NginxDefaultContent.nginxPage(config.status(), request.getHeader("User-Agent"));
            bytes = page == null ? new byte[0] : page.getBytes(StandardCharsets.US_ASCII);
            contentType = page == null ? null : "text/html";
        }
        if (contentType != null && config.status() != 204) { // nginx's header filter sends none with a 204
            response.setContentType(contentType);
        }
        if (config.status() == 204 || config.status() == 304) {
            return; // no body and no Content-Length, as nginx sends them
        }
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }
}
