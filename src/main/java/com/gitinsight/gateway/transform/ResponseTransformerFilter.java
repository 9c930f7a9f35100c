package com.gitinsight.gateway.transform;

import com.gitinsight.gateway.runtime.PluginFilter;
import com.gitinsight.gateway.runtime.RequestContext;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Plugin {@code response-transformer}: the header operations apply to the response's headers just
 * before it is committed (Kong's {@code header_filter}), the JSON operations to a JSON body
 * ({@code application/json} or {@code +json}, not content-encoded) of at most
 * {@code gateway.transformer.max-body-bytes}, buffered; any other body streams through untouched.
 * See {@link TransformingResponse}.
 */
public class ResponseTransformerFilter extends PluginFilter<ResponseTransformerSchema.Config> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = Logger.getLogger(ResponseTransformerFilter.class.getName());

    @Inject
    @ConfigProperty(name = RequestTransformerFilter.MAX_BODY_BYTES, defaultValue = "65536")
    transient long maxBodyBytes = RequestTransformerFilter.DEFAULT_MAX_BODY_BYTES;

    private final transient Set<String> oversizeLogged = ConcurrentHashMap.newKeySet();

    public ResponseTransformerFilter() {
        super(ResponseTransformerSchema.NAME, ResponseTransformerSchema.Config.class);
    }

    @Override
    protected void apply(
            ResponseTransformerSchema.Config config,
            RequestContext context,
            HttpServletRequest request,
            HttpServletResponse response,
            FilterChain chain)
            throws IOException, ServletException {
        String route = context.match().route().displayName();
        boolean hides = TransformingResponse.hides(config);
        if (hides) {
            // A compressed body cannot have a field taken out: ask the backend for the plain one
            // (one that compresses anyway is refused, not passed on with the field in it).
            context.upstreamHeader("Accept-Encoding", "identity");
        }
        TransformingResponse transforming = new TransformingResponse(
                response, request, config, maxBodyBytes, () -> oversize(route, hides), context::responseTruncated);
        chain.doFilter(request, transforming);
        transforming.finish();
    }

    private void oversize(String route, boolean hides) {
        if (!oversizeLogged.contains(route) && oversizeLogged.add(route)) {
            LOG.log(
                    hides ? Level.WARNING : Level.INFO,
                    "response-transformer: a JSON response body on route {0} is over {1}={2}; such bodies {3}"
                            + " (logged once per route)",
                    new Object[] {
                        route,
                        RequestTransformerFilter.MAX_BODY_BYTES,
                        maxBodyBytes,
                        hides
                                ? "are answered 502: the route's operations hide fields the body would show"
                                : "go to the client untouched"
                    });
        }
    }
}
