package com.gitinsight.gateway.transform;

import com.gitinsight.gateway.runtime.PluginFilter;
import com.gitinsight.gateway.runtime.RequestContext;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Plugin {@code response-transformer}'s access phase: where its JSON operations hide a field, the
 * backend is asked for a whole, unencoded body. Its response phase, which changes the headers and
 * the JSON body, is {@link ResponseTransformerPhase}: it applies to every answer of the request,
 * also one a plugin that ran before this one gave, as Kong's {@code header_filter} does.
 */
public class ResponseTransformerFilter extends PluginFilter<ResponseTransformerSchema.Config> {

    private static final long serialVersionUID = 1L;

    public ResponseTransformerFilter() {
        super(ResponseTransformerSchema.NAME, ResponseTransformerSchema.Config.class);
    }

    /** Kong's response-transformer changes the response only (no access phase, no span of one). */
    @Override
    protected boolean hasAccessPhase() {
        return false;
    }

    @Override
    protected void apply(
            ResponseTransformerSchema.Config config,
            RequestContext context,
            HttpServletRequest request,
            HttpServletResponse response,
            FilterChain chain)
            throws IOException, ServletException {
        if (TransformingResponse.hides(config)) {
            // A compressed body cannot have a field taken out: ask the backend for the plain one
            // (one that compresses anyway is refused, not passed on with the field in it).
            context.upstreamHeader("Accept-Encoding", "identity");
            // Nor can it from a range of the body (a slice that does not parse, or a multipart of
            // slices): the whole body is asked for, as Kong's buffer sees it.
            context.upstreamHeader("Range", null);
            context.upstreamHeader("If-Range", null);
        }
        chain.doFilter(request, response);
    }
}
