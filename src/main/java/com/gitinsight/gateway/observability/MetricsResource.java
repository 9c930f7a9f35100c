package com.gitinsight.gateway.observability;

import com.gitinsight.gateway.http.ErrorResponses;
import com.gitinsight.gateway.runtime.RequestContext;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
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
 * {@code GET /_gateway/metrics}: the Prometheus text format with Kong's series as Kong writes them
 * ({@link KongTextFormat}), or OpenMetrics when the scraper's {@code Accept} asks for it and not for
 * the text format. Only for clients in {@code gateway.metrics.allow} (loopback and the
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

    static final String KONG_TEXT = "text/plain; charset=UTF-8";

    @GET
    public Response scrape(@Context HttpServletRequest request, @HeaderParam("Accept") String accept) {
        if (!observers.mayObserve(request)) {
            return ErrorResponses.json(RequestContext.of(request), 403, "Metrics are not available from this address");
        }
        // Kong serves its text format whatever is asked; OpenMetrics only to a scraper that does not
        // take the text format (Prometheus takes both: it gets Kong's names, kong_bandwidth_bytes).
        boolean onlyOpenMetrics = accept != null && accept.contains("openmetrics") && !accept.contains("text/plain");
        ExpositionFormatWriter writer = formats.findWriter(onlyOpenMetrics ? accept : "text/plain");
        // Kong's series as Kong writes them in the text format Kong serves; OpenMetrics as the client writes it.
        StreamingOutput body = writer instanceof PrometheusTextFormatWriter
                ? out -> KongTextFormat.write(out, metrics.scrape(), writer)
                : out -> writer.write(out, metrics.scrape());
        // Kong's exporter labels its text "text/plain; charset=UTF-8" (no format version).
        return Response.ok(body)
                .type(writer instanceof PrometheusTextFormatWriter ? KONG_TEXT : writer.getContentType())
                .build();
    }
}
