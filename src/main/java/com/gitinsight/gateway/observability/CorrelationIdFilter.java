package com.gitinsight.gateway.observability;

import com.gitinsight.gateway.http.IdentityHeaders;
import com.gitinsight.gateway.runtime.PluginFilter;
import com.gitinsight.gateway.runtime.RequestContext;
import com.gitinsight.gateway.runtime.Unproxied;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Plugin {@code correlation-id}'s access phase, at Kong's priority (1: after every other plugin,
 * just before the proxy): keeps a well-formed incoming id or makes one with the configured
 * generator, and sends it upstream. Its response phase (the echo to the client with
 * {@code echo_downstream}) is registered by {@link RequestIdFilter}, first of all, because Kong
 * runs it on every answer, a refusal by an earlier plugin included: then it echoes the incoming id
 * or a fresh one, as Kong's {@code header_filter} does.
 */
public class CorrelationIdFilter extends PluginFilter<IdPluginConfig> {

    private static final long serialVersionUID = 1L;
    private static final String ATTRIBUTE = CorrelationIdFilter.class.getName();

    @Inject
    transient IdSource ids;

    public CorrelationIdFilter() {
        super(CorrelationIdSchema.NAME, IdPluginConfig.class);
    }

    /** The injected beans' instances themselves: no client-proxy hop per request (see Unproxied). */
    @Override
    public void init() {
        ids = Unproxied.instance(ids);
    }

    @Override
    protected void apply(
            IdPluginConfig config,
            RequestContext context,
            HttpServletRequest request,
            HttpServletResponse response,
            FilterChain chain)
            throws IOException, ServletException {
        // Kong reads the header as the plugins before it left it (request-transformer, 801, may have
        // removed, renamed or added it; key-auth may have set an identity header of that name) and
        // sets one only when it makes the id: a kept id goes on as it is.
        String incoming = asSent(context, request, config.headerName());
        String id;
        if (IdGenerator.kept(incoming)) {
            id = incoming;
        } else {
            id = ids.generator().next(config.generator(), request);
            context.upstreamHeader(config.headerName(), id);
        }
        request.setAttribute(ATTRIBUTE, id);
        context.correlationId(id); // Kong: kong.log.set_serialize_value("correlation_id", id)
        chain.doFilter(request, response);
    }

    /**
     * The header's first value as the backend would get it now: a value a plugin set or removed,
     * else the client's, never a client's copy of a header the gateway does not forward. The name
     * is read as Kong's {@code kong.request.get_header} reads it (nginx's {@code $http_x_cid}):
     * {@code X_Cid} and {@code X-Cid} are one (helper review 240: an underscore in
     * {@code header_name} ignored the client's id).
     */
    private static String asSent(RequestContext context, HttpServletRequest request, String name) {
        String folded = IdentityHeaders.fold(name);
        for (java.util.Map.Entry<String, String> e : context.upstreamHeaders().entrySet()) {
            if (IdentityHeaders.foldsTo(e.getKey(), folded)) {
                String value = e.getValue();
                if (value == null) {
                    return null;
                }
                int line = value.indexOf(RequestContext.LINES);
                return line < 0 ? value : value.substring(0, line);
            }
        }
        return IdentityHeaders.isIdentity(folded) ? null : clientHeader(request, name);
    }

    /**
     * The client's header in the dash spelling, else in the first other spelling nginx's
     * {@code $http_} variable folds to the same name ({@code X_Cid-Id} for {@code X-Cid-Id}: each
     * {@code -} and {@code _} alike; helper review 242).
     */
    static String clientHeader(HttpServletRequest request, String name) {
        String dashed = name.replace('_', '-');
        String value = request.getHeader(dashed);
        if (value != null || dashed.indexOf('-') < 0) {
            return value;
        }
        RequestContext context = RequestContext.of(request);
        if (context != null && !context.mayHaveUnderscoredHeaderNames()) {
            return null; // the head's names were read once (HeaderLimitFilter): none has a '_'
        }
        String folded = IdentityHeaders.fold(dashed);
        String found = null;
        java.util.Enumeration<String> names = request.getHeaderNames();
        while (names != null && names.hasMoreElements()) {
            String sent = names.nextElement();
            if (sent.indexOf('_') >= 0 && IdentityHeaders.foldsTo(sent, folded)) {
                if (found != null && !found.equalsIgnoreCase(sent)) {
                    // Two underscore spellings: the gateway forwards neither (ServletRequestFacts),
                    // so neither is an id the backend would get (helper review 245).
                    return null;
                }
                found = sent;
            }
        }
        return found == null ? null : request.getHeader(found);
    }

    /**
     * The id echoed to the client: the one sent upstream when the access phase ran, otherwise (a
     * plugin refused the request first, or a cache hit answered it) the incoming one when
     * well-formed, else a fresh one.
     */
    static String echoed(ServletRequest request, IdPluginConfig config, IdGenerator generator) {
        Object sent = request.getAttribute(ATTRIBUTE);
        return sent instanceof String id
                ? id
                : keepOrMake(
                        request, clientHeader((HttpServletRequest) request, config.headerName()), config, generator);
    }

    static String keepOrMake(ServletRequest request, String incoming, IdPluginConfig config, IdGenerator generator) {
        return IdGenerator.kept(incoming) ? incoming : generator.next(config.generator(), request);
    }
}
