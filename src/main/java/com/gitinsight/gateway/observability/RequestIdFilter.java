package com.gitinsight.gateway.observability;

import com.gitinsight.gateway.config.PluginRegistry;
import com.gitinsight.gateway.http.ManagedHeaders;
import com.gitinsight.gateway.runtime.ChainOrder;
import com.gitinsight.gateway.runtime.RequestContext;
import com.gitinsight.gateway.runtime.Unproxied;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Plugin {@code request-id}, first of the plugins (its priority is above every Kong plugin's), so
 * every later refusal (401, 429, ...) already carries the id: keeps a well-formed incoming id or
 * makes one, sends it upstream and (when echoed) back to the client, replacing a backend's copy,
 * and binds it to this thread's log lines. It also registers {@code correlation-id}'s response
 * phase (the echo), which Kong runs on every answer; the access phase is {@link CorrelationIdFilter},
 * at Kong's priority.
 */
public class RequestIdFilter extends HttpFilter implements ChainOrder {

    private static final long serialVersionUID = 1L;

    @Inject
    transient IdSource ids;

    @Inject
    transient RequestLogContext logs;

    @Override
    public long order(PluginRegistry plugins) {
        return ChainOrder.at(plugins, RequestIdSchema.NAME);
    }

    /** The injected beans' instances themselves: no client-proxy hop per request (see Unproxied). */
    @Override
    public void init() {
        ids = Unproxied.instance(ids);
        logs = Unproxied.instance(logs);
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        RequestContext context = RequestContext.of(request);
        if (context == null) {
            chain.doFilter(request, response);
            return;
        }
        ManagedHeaders headers = null;
        IdPluginConfig rid = context.pluginOnEveryResponse(RequestIdSchema.NAME, IdPluginConfig.class);
        if (rid != null) {
            String id = keepOrMake(request, request.getHeader(rid.headerName()), rid.generator());
            context.requestId(id);
            context.upstreamHeader(rid.headerName(), id);
            if (rid.echoDownstream()) {
                headers = ManagedHeaders.of(request, response);
                headers.manage(rid.headerName(), id, ManagedHeaders.Mode.OVERRIDE);
            }
        }
        // As Kong's: a global instance's header_filter runs on the no-route 404 too.
        IdPluginConfig cid = context.gatewayOwn()
                ? null
                : context.match() == null
                        ? context.pluginOnEveryResponse(CorrelationIdSchema.NAME, IdPluginConfig.class)
                        : context.plugin(CorrelationIdSchema.NAME, IdPluginConfig.class);
        if (cid != null && cid.echoDownstream()) {
            IdGenerator generator = ids.generator();
            headers = headers != null ? headers : ManagedHeaders.of(request, response);
            // correlation-id's header_filter runs after response-transformer's (priority 1 and 800).
            com.gitinsight.gateway.http.LateResponseHeader.name(request, cid.headerName());
            headers.manage(
                    cid.headerName(),
                    () -> CorrelationIdFilter.echoed(request, cid, generator),
                    ManagedHeaders.Mode.OVERRIDE);
        }
        logs.bind(context.requestId());
        try {
            chain.doFilter(request, headers != null ? headers.over(response) : response);
        } finally {
            logs.unbind();
            if (headers != null) {
                headers.apply();
            }
        }
    }

    private String keepOrMake(jakarta.servlet.ServletRequest request, String incoming, IdGenerator.Kind kind) {
        return IdGenerator.wellFormed(incoming) ? incoming : ids.requestIds().next(kind, request);
    }
}
