package com.gitinsight.gateway.transform;

import com.gitinsight.gateway.config.PluginRegistry;
import com.gitinsight.gateway.http.BufferBudget;
import com.gitinsight.gateway.runtime.ChainOrder;
import com.gitinsight.gateway.runtime.RequestContext;
import com.gitinsight.gateway.security.BotDetectionSchema;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * response-transformer's response phase (Kong's {@code header_filter} and {@code body_filter}),
 * apart from its access phase ({@link ResponseTransformerFilter}, at priority 800): Kong runs a
 * plugin's response phase on every answer of a request it applies to, also one a plugin that ran
 * before it gave (key-auth's 401, a CORS preflight, rate limiting's 429), and a global instance on
 * a request no route matched (the 404). So the response is wrapped before any Kong plugin runs,
 * and the instance is looked up when the response is about to be committed, with the consumer the
 * request was authenticated as by then (none after an auth plugin's refusal).
 */
public class ResponseTransformerPhase extends HttpFilter implements ChainOrder {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = Logger.getLogger(ResponseTransformerPhase.class.getName());

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
    @ConfigProperty(name = BUFFER_BUDGET_BYTES, defaultValue = "33554432")
    transient long bufferBudgetBytes = 32L << 20;

    private transient volatile BufferBudget budget;

    private final transient Set<String> oversizeLogged = ConcurrentHashMap.newKeySet();

    /**
     * Before every Kong plugin (bot-detection is the first), inside the header limits (nginx's
     * refusals run no plugin in Kong), and outside cors's response phase: in Kong cors's
     * header_filter (2000) runs before response-transformer's (800), so the headers it sets are
     * there to be changed.
     */
    @Override
    public long order(PluginRegistry plugins) {
        return ChainOrder.before(plugins, BotDetectionSchema.NAME) + 1;
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        RequestContext context = RequestContext.of(request);
        if (context == null
                || !context.snapshot().plugins().uses(ResponseTransformerSchema.NAME)
                || context.gatewayOwn()) {
            chain.doFilter(request, response);
            return;
        }
        TransformingResponse transforming = new TransformingResponse(
                response,
                request,
                () -> config(context),
                maxBodyBytes,
                budget(),
                hides -> oversize(context, hides),
                context::responseTruncated);
        try {
            chain.doFilter(request, transforming);
            transforming.finish();
        } finally {
            transforming.release();
        }
    }

    /** The instance that applies to the request as it stands (a global one where no route matched). */
    private static ResponseTransformerSchema.Config config(RequestContext context) {
        return context.match() == null
                ? context.pluginOnEveryResponse(ResponseTransformerSchema.NAME, ResponseTransformerSchema.Config.class)
                : context.plugin(ResponseTransformerSchema.NAME, ResponseTransformerSchema.Config.class);
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

    private void oversize(RequestContext context, boolean hides) {
        String route =
                context.match() == null ? "(no route)" : context.match().route().displayName();
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
