package com.gitinsight.gateway.observability;

import com.gitinsight.gateway.http.ErrorResponses;
import com.gitinsight.gateway.runtime.RequestContext;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;

/**
 * {@code GET /_gateway/metrics}: the Prometheus text format, or OpenMetrics when the scraper's
 * {@code Accept} asks for it. Only for clients in {@code gateway.metrics.allow} (loopback and the
 * private ranges by default); others get 403.
 */
@Path("_gateway/metrics")
@ApplicationScoped
public class MetricsResource {

    @Inject
    GatewayMetrics metrics;

    @Inject
    Observers observers;

    private final ExpositionFormats formats = ExpositionFormats.init();

    @GET
    public Response scrape(@Context HttpServletRequest request, @HeaderParam("Accept") String accept) {
        if (!observers.mayObserve(request)) {
            return ErrorResponses.json(RequestContext.of(request), 403, "Metrics are not available from this address");
        }
        ExpositionFormatWriter writer = formats.findWriter(accept);
        StreamingOutput body = out -> writer.write(out, metrics.scrape());
        return Response.ok(body).type(writer.getContentType()).build();
    }
}
