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
 * {@code gateway.response-transformer.max-body-bytes}, buffered; any other body streams through untouched.
 * See {@link TransformingResponse}.
 */
public class ResponseTransformerFilter extends PluginFilter<ResponseTransformerSchema.Config> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = Logger.getLogger(ResponseTransformerFilter.class.getName());

    /** The largest JSON body one response buffers to change. */
    static final String MAX_BODY_BYTES = "gateway.response-transformer.max-body-bytes";
    /** What all responses in flight buffer together. */
    static final String BUFFER_BUDGET_BYTES = "gateway.response-transformer.buffer-budget-bytes";

    // Kong buffers any body; its own specs change 1 MiB bodies. Together bounded: 16 MiB held (about
    // three times that at the peak of a change: the bytes, the tree, the new bytes) in a 288 MB heap.
    @Inject
    @ConfigProperty(name = MAX_BODY_BYTES, defaultValue = "4194304")
    transient long maxBodyBytes = 4L << 20;

    @Inject
    @ConfigProperty(name = BUFFER_BUDGET_BYTES, defaultValue = "16777216")
    transient long bufferBudgetBytes = 16L << 20;

    private transient volatile BufferBudget budget;

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
            // Nor can it from a range of the body (a slice that does not parse, or a multipart of
            // slices): the whole body is asked for, as Kong's buffer sees it.
            context.upstreamHeader("Range", null);
            context.upstreamHeader("If-Range", null);
        }
        TransformingResponse transforming = new TransformingResponse(
                response,
                request,
                config,
                maxBodyBytes,
                budget(),
                () -> oversize(route, hides),
                context::responseTruncated);
        try {
            chain.doFilter(request, transforming);
            transforming.finish();
        } finally {
            transforming.release();
        }
    }

    /** Made at first use: the budget's size is injected after construction. */
    private BufferBudget budget() {
        BufferBudget b = budget;
        if (b == null) {
            synchronized (this) {
                if (budget == null) {
                    budget = new BufferBudget(bufferBudgetBytes);
                }
                b = budget;
            }
        }
        return b;
    }

    private void oversize(String route, boolean hides) {
        if (!oversizeLogged.contains(route) && oversizeLogged.add(route)) {
            LOG.log(
                    hides ? Level.WARNING : Level.INFO,
                    "response-transformer: a JSON response body on route {0} is over {1}={2} (or all bodies"
                            + " in flight over {3}); such bodies {4} (logged once per route)",
                    new Object[] {
                        route,
                        MAX_BODY_BYTES,
                        maxBodyBytes,
                        BUFFER_BUDGET_BYTES,
                        hides
                                ? "are answered 502: the route's operations hide fields the body would show"
                                : "go to the client untouched"
                    });
        }
    }
}
