package com.gitinsight.gateway.http;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;

/**
 * A request's path as the client sent it, where the servlet container would change it: Payara's
 * Catalina takes {@code ;jsessionid=...} out of every path (URL session tracking, whatever the
 * application's tracking modes), which Kong keeps, routes on and sends upstream ({@code ;} is a
 * reserved character to Kong's normaliser). {@code proxy.MalformedUriGuard}'s probe hides the
 * parameter from Catalina and keeps the path as sent in {@link #ATTRIBUTE}; this puts it back.
 */
public final class SentPath extends HttpServletRequestWrapper {

    /** Request attribute: the request target's path as sent, when the container would rewrite it. */
    public static final String ATTRIBUTE = "com.gitinsight.gateway.sentPath";

    /** Catalina's session path parameter, as it searches for it. */
    public static final String SESSION_PARAMETER = ";jsessionid=";

    /** What the probe turns {@link #SESSION_PARAMETER} into: the same path once its escape is decoded. */
    public static final String HIDDEN_SESSION_PARAMETER = ";%6Asessionid=";

    private final String path;

    private SentPath(HttpServletRequest request, String path) {
        super(request);
        this.path = path;
    }

    /** {@code request} with its path as sent, when the container would have changed it. */
    public static HttpServletRequest of(HttpServletRequest request) {
        return request.getAttribute(ATTRIBUTE) instanceof String sent ? new SentPath(request, sent) : request;
    }

    @Override
    public String getRequestURI() {
        return path;
    }
}
