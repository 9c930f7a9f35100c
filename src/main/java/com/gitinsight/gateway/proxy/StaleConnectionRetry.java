package com.gitinsight.gateway.proxy;

import java.io.IOException;
import org.apache.hc.client5.http.HttpRequestRetryStrategy;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.Method;
import org.apache.hc.core5.http.NoHttpResponseException;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.util.TimeValue;

/**
 * A pooled keep-alive connection that the backend closed just as it was reused answers nothing;
 * like nginx, send such a request once more on a fresh connection, but only an idempotent one whose
 * body (if any) can be sent again (HttpClient never retries a streamed body). Responses are never
 * retried: a 503 from the backend is the client's answer.
 */
final class StaleConnectionRetry implements HttpRequestRetryStrategy {

    @Override
    public boolean retryRequest(HttpRequest request, IOException exception, int execCount, HttpContext context) {
        return execCount <= 1
                && exception instanceof NoHttpResponseException
                && Method.isIdempotent(request.getMethod());
    }

    @Override
    public boolean retryRequest(HttpResponse response, int execCount, HttpContext context) {
        return false;
    }

    @Override
    public TimeValue getRetryInterval(HttpResponse response, int execCount, HttpContext context) {
        return TimeValue.ZERO_MILLISECONDS;
    }
}
