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
        TransformingResponse transforming = new TransformingResponse(
                response, config, maxBodyBytes, () -> oversize(route), context::responseTruncated);
        chain.doFilter(request, transforming);
        transforming.finish();
    }

    private void oversize(String route) {
        if (!oversizeLogged.contains(route) && oversizeLogged.add(route)) {
            LOG.log(
                    Level.INFO,
                    "response-transformer: a JSON response body on route {0} is over {1}={2}; such bodies go to the"
                            + " client untouched (logged once per route)",
                    new Object[] {route, RequestTransformerFilter.MAX_BODY_BYTES, maxBodyBytes});
        }
    }
}
