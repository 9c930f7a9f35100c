package com.gitinsight.gateway.logging;

import com.gitinsight.gateway.runtime.RequestContext;
import com.gitinsight.gateway.runtime.Unproxied;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Plugin {@code http-log}: each request's Kong log record, offered to the endpoint's queue
 * ({@link HttpLogQueues}), which sends it in batches off the request thread.
 */
public class HttpLogFilter extends LogPluginFilter<HttpLogSchema.Config> {

    private static final long serialVersionUID = 1L;

    @Inject
    transient HttpLogQueues queues;

    public HttpLogFilter() {
        super(HttpLogSchema.NAME, HttpLogSchema.Config.class);
    }

    @Override
    public void init() {
        queues = Unproxied.instance(queues);
    }

    @Override
    protected CustomFields customFields(HttpLogSchema.Config config) {
        return config.customFields();
    }

    @Override
    protected void log(
            HttpLogSchema.Config config,
            RequestContext context,
            HttpServletRequest request,
            HttpServletResponse response,
            KongLogRecord.Outcome outcome) {
        queues.offer(config, record(context, request, response, outcome, config.customFields()), context.snapshot());
    }
}
