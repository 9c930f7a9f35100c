package com.gitinsight.gateway.security;

import com.gitinsight.gateway.config.GatewayConfig;
import com.gitinsight.gateway.runtime.RequestContext;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.StringWriter;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;

import java.util.concurrent.atomic.AtomicReference;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

/**
 * Plugin {@code jwt}: finds the token (query, cookie, header, in Kong's order), verifies it
 * ({@link KongJwtVerifier}) and hands the consumer to the upstream as Kong's X-Consumer-* headers,
 * replacing any the client sent. Failures are 401 with {@code WWW-Authenticate}, or the
 * {@code anonymous} consumer when one is configured.
 */
public class JwtFilter extends HttpFilter {

    private static final long serialVersionUID = 1L;
    private static final JsonFactory JSON = new JsonFactory();
    private static final String[] CONSUMER_HEADERS = {"X-Consumer-ID", "X-Consumer-Custom-ID", "X-Consumer-Username",
        "X-Credential-Identifier", "X-Anonymous-Consumer"};

    /** Credentials of the running configuration, rebuilt when it changes. */
    private final transient AtomicReference<CredentialCache> cache = new AtomicReference<>();

    private record CredentialCache(GatewayConfig config, Credentials plain, Credentials base64) {
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        RequestContext context = RequestContext.of(request);
        JwtPlugin.Config config = context.plugin(JwtPlugin.NAME, JwtPlugin.Config.class);
        if (config == null || !config.runOnPreflight() && "OPTIONS".equals(request.getMethod())) {
            chain.doFilter(request, response);
            return;
        }
        Credentials credentials = credentials(context.snapshot().config(), config.secretIsBase64());
        for (String h : CONSUMER_HEADERS) {
            context.upstreamHeader(h, null);
        }
        List<String> tokens = tokens(request, config);
        KongJwtVerifier.Result result;
        if (tokens.isEmpty()) {
            result = new KongJwtVerifier.Rejected("Unauthorized");
        } else if (tokens.stream().distinct().count() > 1) {
            result = new KongJwtVerifier.Rejected("Multiple tokens provided");
        } else {
            result = KongJwtVerifier.verify(tokens.get(0), config, credentials, System.currentTimeMillis() / 1000);
        }
        if (result instanceof KongJwtVerifier.Verified v) {
            identify(context, v.credential().consumer(), v.credential().key(), false);
            chain.doFilter(request, response);
            return;
        }
        Credentials.Consumer anonymous = config.anonymous() == null ? null : credentials.consumer(config.anonymous());
        if (anonymous != null) {
            identify(context, anonymous, null, true);
            chain.doFilter(request, response);
            return;
        }
        KongJwtVerifier.Rejected r = (KongJwtVerifier.Rejected) result;
        unauthorized(response, r, !tokens.isEmpty());
    }

    private static void identify(RequestContext context, Credentials.Consumer c, String credential, boolean anonymous) {
        context.consumer(c.id());
        context.upstreamHeader("X-Consumer-ID", c.id());
        context.upstreamHeader("X-Consumer-Custom-ID", c.customId());
        context.upstreamHeader("X-Consumer-Username", c.username());
        context.upstreamHeader("X-Credential-Identifier", credential);
        context.upstreamHeader("X-Anonymous-Consumer", anonymous ? "true" : null);
    }

    private Credentials credentials(GatewayConfig config, boolean base64) {
        CredentialCache c = cache.get();
        if (c == null || c.config() != config) {
            c = new CredentialCache(config, Credentials.of(config, false), Credentials.of(config, true));
            cache.set(c);
        }
        return base64 ? c.base64() : c.plain();
    }

    /** Every token the request carries, in Kong's order: query, cookies, headers. */
    static List<String> tokens(HttpServletRequest request, JwtPlugin.Config config) {
        List<String> out = new ArrayList<>(1);
        String query = request.getQueryString();
        if (query != null && !config.uriParamNames().isEmpty()) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0 && config.uriParamNames().contains(decode(pair.substring(0, eq)))) {
                    out.add(decode(pair.substring(eq + 1)));
                }
            }
        }
        if (!config.cookieNames().isEmpty() && request.getCookies() != null) {
            for (Cookie c : request.getCookies()) {
                if (config.cookieNames().contains(c.getName())) {
                    out.add(c.getValue());
                }
            }
        }
        for (String name : config.headerNames()) {
            for (Enumeration<String> values = request.getHeaders(name); values.hasMoreElements();) {
                String value = values.nextElement().trim();
                if (value.length() > 7 && value.regionMatches(true, 0, "bearer ", 0, 7)) {
                    out.add(value.substring(7).trim());
                } else if (!"authorization".equals(name) && !value.isEmpty()) {
                    out.add(value);
                }
            }
        }
        return out;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }

    private static void unauthorized(HttpServletResponse response, KongJwtVerifier.Rejected r, boolean hadToken)
            throws IOException {
        StringWriter body = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(body)) {
            g.writeStartObject();
            g.writeStringField("message", r.message());
            if (r.claim() != null) {
                g.writeStringField(r.claim(), r.message());
            }
            g.writeEndObject();
        }
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        response.setStatus(401);
        response.setContentType("application/json");
        response.setContentLength(bytes.length);
        response.setHeader("WWW-Authenticate", hadToken ? "Bearer error=\"invalid_token\"" : "Bearer");
        response.getOutputStream().write(bytes);
    }

}
