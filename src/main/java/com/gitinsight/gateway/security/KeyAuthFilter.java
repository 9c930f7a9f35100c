package com.gitinsight.gateway.security;

import com.gitinsight.gateway.http.ErrorResponses;
import com.gitinsight.gateway.http.HeaderText;
import com.gitinsight.gateway.runtime.PluginFilter;
import com.gitinsight.gateway.runtime.RequestContext;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Enumeration;
import java.util.List;

/**
 * Plugin {@code key-auth} (Kong 3.9): the key is looked for under each of {@code key_names} in
 * turn, in a header, the query, then the body (as configured); the first name that has a string
 * decides. A known key identifies its consumer ({@link ConsumerIdentity}); otherwise 401 with
 * {@code WWW-Authenticate: Key}, or the {@code anonymous} consumer. {@code hide_credentials}
 * removes the name from all three before the upstream sees the request.
 */
public class KeyAuthFilter extends PluginFilter<KeyAuthSchema.Config> {

    private static final long serialVersionUID = 1L;
    static final String NO_KEY = "No API key found in request";
    static final String DUPLICATE = "Duplicate API key found";
    static final String UNAUTHORIZED = "Unauthorized";
    static final String UNEXPECTED = "An unexpected error occurred";

    private final transient AuthIndex.Current indexes = new AuthIndex.Current();

    public KeyAuthFilter() {
        super(KeyAuthSchema.NAME, KeyAuthSchema.Config.class);
    }

    @Override
    protected void apply(
            KeyAuthSchema.Config config,
            RequestContext context,
            HttpServletRequest request,
            HttpServletResponse response,
            FilterChain chain)
            throws IOException, ServletException {
        if (!config.runOnPreflight() && "OPTIONS".equals(request.getMethod())) {
            chain.doFilter(request, response);
            return;
        }
        if (config.anonymous() != null && context.credentialAuthenticated()) {
            // Kong's logical OR: an earlier auth plugin has authenticated the request.
            chain.doFilter(request, response);
            return;
        }
        AuthIndex index = indexes.of(context.snapshot().config());
        String failure;
        try {
            failure = authenticate(config, context, request, index);
        } catch (IOException e) {
            // The body (key_in_body) could not be read whole: nothing of it goes on.
            ErrorResponses.write(
                    request,
                    response,
                    com.gitinsight.gateway.http.ClientTooSlow.status(e),
                    com.gitinsight.gateway.http.ClientTooSlow.message(e));
            return;
        }
        if (failure == null) {
            chain.doFilter(request, response);
            return;
        }
        ConsumerIdentity.refuseOrGoOnAnonymously(
                config.anonymous(), index, failure, config.challenge(), context, request, response, chain);
    }

    /** Kong's {@code do_authentication}: null when a consumer is identified, else the 401's message. */
    private static String authenticate(
            KeyAuthSchema.Config config, RequestContext context, HttpServletRequest request, AuthIndex index)
            throws IOException {
        FormArgs query = null;
        BodyArgs body = null;
        String key = null;
        boolean inHeader = false;
        List<String> fromArguments = List.of();
        List<String> fromHeaders = List.of();
        for (int i = 0; i < config.keyNames().size(); i++) {
            String name = config.keyNames().get(i);
            Object v = null;
            if (config.keyInHeader()) {
                v = header(request, name, config.headerFallbacks().get(i));
                inHeader = v != null;
            }
            if (v == null && config.keyInQuery()) {
                query = query != null ? query : FormArgs.parse(request.getQueryString());
                v = query.value(name);
            }
            if (v == null && config.keyInBody()) {
                body = body != null ? body : BodyArgs.read(request, context);
                v = body.value(name);
            }
            if (v != null) {
                // Wherever the key was, no log record shows it (hidden from the backend or not),
                // a refused duplicate's included.
                context.credentialNames(
                        List.of(name),
                        config.headerFallbacks().get(i) == null
                                ? List.of(name)
                                : List.of(name, config.headerFallbacks().get(i)));
            }
            if (v instanceof String s) {
                key = s;
                if (inHeader) {
                    fromHeaders = config.headerFallbacks().get(i) == null
                            ? List.of(name)
                            : List.of(name, config.headerFallbacks().get(i));
                } else if (query != null && query.has(name)) {
                    fromArguments = List.of(name);
                }
                if (config.hideCredentials()) {
                    query = query != null ? query : FormArgs.parse(request.getQueryString());
                    if (query.has(name)) {
                        String rest = query.without(name);
                        context.upstreamQuery(rest == null ? "" : rest);
                    }
                    context.upstreamHeader(name, null);
                    if (config.headerFallbacks().get(i) != null) {
                        context.upstreamHeader(config.headerFallbacks().get(i), null);
                    }
                    if (config.keyInBody()) {
                        body = body != null ? body : BodyArgs.read(request, context);
                        body.remove(name, context);
                    }
                }
                break;
            }
            if (v == FormArgs.DUPLICATE) {
                return DUPLICATE;
            }
        }
        if (key == null || key.isEmpty()) {
            return NO_KEY;
        }
        // A header's key is compared as the bytes sent (a UTF-8 key arrives decoded as ISO-8859-1).
        AuthIndex.KeyCredential credential = index.key(
                inHeader ? HeaderText.bytes(key) : key.getBytes(StandardCharsets.UTF_8), System.currentTimeMillis());
        if (credential == null) {
            return UNAUTHORIZED;
        }
        ConsumerIdentity.identify(context, credential.consumer(), credential.id(), false);
        context.credentialVerifiedFrom(fromArguments, fromHeaders);
        return null;
    }

    /**
     * The header's value as nginx looks it up: any case, and a name with {@code _} also under its
     * {@code -} spelling ({@code fallback}) when absent. Repeated: {@link FormArgs#DUPLICATE}.
     */
    private static Object header(HttpServletRequest request, String name, String fallback) {
        Object v = header(request, name);
        return v == null && fallback != null ? header(request, fallback) : v;
    }

    private static Object header(HttpServletRequest request, String name) {
        Enumeration<String> values = request.getHeaders(name);
        if (values == null || !values.hasMoreElements()) {
            return null;
        }
        String first = values.nextElement();
        return values.hasMoreElements() ? FormArgs.DUPLICATE : first;
    }
}
