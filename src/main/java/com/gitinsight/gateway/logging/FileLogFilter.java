package com.gitinsight.gateway.logging;

import com.gitinsight.gateway.runtime.RequestContext;
import com.gitinsight.gateway.runtime.Unproxied;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Plugin {@code file-log}: each request's Kong log record, one JSON object per line, appended to
 * {@code path} by the path's writer thread ({@link FileLogWriters}); the request only queues it.
 */
public class FileLogFilter extends LogPluginFilter<FileLogSchema.Config> {

    private static final long serialVersionUID = 1L;

    @Inject
    transient FileLogWriters writers;

    public FileLogFilter() {
        super(FileLogSchema.NAME, FileLogSchema.Config.class);
    }

    @Override
    public void init() {
        writers = Unproxied.instance(writers);
    }

    @Override
    protected CustomFields customFields(FileLogSchema.Config config) {
        return config.customFields();
    }

    @Override
    protected void log(
            FileLogSchema.Config config,
            RequestContext context,
            HttpServletRequest request,
            HttpServletResponse response,
            KongLogRecord.Outcome outcome) {
        writers.write(config, record(context, request, response, outcome, config.customFields()), context.snapshot());
    }
}
