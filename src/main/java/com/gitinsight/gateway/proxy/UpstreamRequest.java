package com.gitinsight.gateway.proxy;

import java.net.URI;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.core5.http.HttpHeaders;

/**
 * A request to a backend. HttpClient's minimal client adds its own {@code User-Agent}
 * ({@code Apache-HttpClient/<version>}) to a request that has none, where Kong (nginx) sends the
 * backend only what the client sent: a request says it has one, so the client adds none, and
 * sends the client's own when there is one.
 */
final class UpstreamRequest extends HttpUriRequestBase {

    private static final long serialVersionUID = 1L;

    UpstreamRequest(String method, URI uri) {
        super(method, uri);
    }

    @Override
    public boolean containsHeader(String name) {
        return HttpHeaders.USER_AGENT.equalsIgnoreCase(name) || super.containsHeader(name);
    }
}
