package com.gitinsight.gateway.proxy;

import com.gitinsight.gateway.http.ErrorResponses;
import com.gitinsight.gateway.runtime.RequestContext;
import com.gitinsight.gateway.runtime.Unproxied;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.util.function.Consumer;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Routes a request on the current snapshot and forwards it; owns the upstream connection pool. */
@ApplicationScoped
public class ProxyEngine implements Unproxied<ProxyEngine> {

    @Inject
    @ConfigProperty(name = "gateway.upstream.max-connections", defaultValue = "2048")
    int maxConnections;

    @Inject
    @ConfigProperty(name = "gateway.upstream.max-connections-per-target", defaultValue = "512")
    int maxPerTarget;

    /** Whether a service without {@code tls_verify} has its backends' certificates checked (Kong: no). */
    @Inject
    @ConfigProperty(name = "gateway.upstream.tls-verify", defaultValue = "false")
    boolean tlsVerify;

    /** Kong's request_buffering: the most of a body of unknown length read ahead, and of all such bodies at once. */
    @Inject
    @ConfigProperty(name = "gateway.request-buffering.max-bytes", defaultValue = "1048576")
    int bufferingMaxBytes;

    @Inject
    @ConfigProperty(name = "gateway.request-buffering.total-bytes", defaultValue = "67108864")
    long bufferingTotalBytes;

    private UpstreamClient client;
    private WriteWatchdog watchdog;
    private Forwarder forwarder;

    @PostConstruct
    void start() {
        client = new UpstreamClient(maxConnections, maxPerTarget, tlsVerify);
        watchdog = new WriteWatchdog(100);
        forwarder = new Forwarder(client, watchdog, new RequestBuffering(bufferingMaxBytes, bufferingTotalBytes));
    }

    public Response handle(Exchange exchange, InputStream body) {
        RequestContext context = RequestContext.of(exchange.request());
        if (context.match() == null) {
            return ErrorResponses.json(exchange.request(), 404, ErrorResponses.NO_ROUTE);
        }
        if (context.match().service() == null) {
            return ErrorResponses.json(exchange.request(), 503, ErrorResponses.NO_SERVICE);
        }
        return forwarder.forward(context, exchange, body);
    }

    @PreDestroy
    void stop() {
        watchdog.close();
        client.close();
    }

    @Override
    public void passInstance(Consumer<? super ProxyEngine> receiver) {
        receiver.accept(this);
    }
}
