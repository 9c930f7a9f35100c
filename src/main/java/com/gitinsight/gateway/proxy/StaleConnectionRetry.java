package com.gitinsight.gateway.proxy;

import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.Method;

/**
 * A pooled keep-alive connection that the backend closed just as it was reused answers nothing
 * ({@code NoHttpResponseException}); like nginx, send such a request once more on a fresh
 * connection, but only an idempotent one whose body (if any) can be sent again: a streamed body is
 * gone. Responses are never retried: a 503 from the backend is the client's answer.
 */
final class StaleConnectionRetry {

    private StaleConnectionRetry() {}

    /** Whether the request went out on a connection that had carried another before it. */
    static boolean reused(org.apache.hc.client5.http.protocol.HttpClientContext context) {
        org.apache.hc.core5.http.EndpointDetails details = context.getEndpointDetails();
        return details != null && details.getRequestCount() > 1;
    }

    static boolean retryable(ClassicHttpRequest request) {
        HttpEntity body = request.getEntity();
        return Method.isIdempotent(request.getMethod()) && (body == null || body.isRepeatable());
    }
}
