package com.gitinsight.gateway.http;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Response headers that gateway plugins own (security headers, CORS), applied just before the
 * response is committed, whoever writes it: the proxied backend, a cached copy, or an error from a
 * filter. A {@link Mode#DEFAULT} header yields to a value set downstream (the backend's own),
 * {@link Mode#OVERRIDE} replaces it, {@link Mode#APPEND} adds a token to it ({@code Vary}).
 * One wrapper per request, shared by the filters that need it.
 */
public final class ManagedHeaders extends HttpServletResponseWrapper {

    public enum Mode {
        DEFAULT,
        OVERRIDE,
        APPEND
    }

    private static final String ATTRIBUTE = ManagedHeaders.class.getName();

    private record Rule(String name, Supplier<String> value, Mode mode) {}

    // Case-insensitive without lower-casing: every header the backend sends is looked up here.
    private final Map<String, Rule> rules = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    private final Set<String> setDownstream = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    private boolean applied;

    private ManagedHeaders(HttpServletResponse response) {
        super(response);
    }

    /** This request's wrapper, made on first use; pass the result down the chain. */
    public static ManagedHeaders of(ServletRequest request, HttpServletResponse response) {
        Object existing = request.getAttribute(ATTRIBUTE);
        if (existing instanceof ManagedHeaders m) {
            return m;
        }
        ManagedHeaders m = new ManagedHeaders(response);
        request.setAttribute(ATTRIBUTE, m);
        return m;
    }

    /** This request's wrapper, or null when no filter made one. */
    public static ManagedHeaders existing(ServletRequest request) {
        return request.getAttribute(ATTRIBUTE) instanceof ManagedHeaders m ? m : null;
    }

    /**
     * What a filter passes down the chain, and writes its own answer to: this wrapper where the
     * filter just made it around {@code received}, else {@code received}. The wrapper made by an
     * outer filter would skip the wrappers made between that filter and this one (response-
     * transformer's, which changes every answer, a refusal included).
     */
    public HttpServletResponse over(HttpServletResponse received) {
        return getResponse() == received ? this : received;
    }

    /** {@code value} null with OVERRIDE removes the header altogether. */
    public void manage(String name, String value, Mode mode) {
        manage(name, () -> value, mode);
    }

    /**
     * A header whose value is known only when the response is committed (a plugin's response
     * phase, as Kong's {@code header_filter}: it runs even when a later plugin refused the request).
     */
    public void manage(String name, Supplier<String> value, Mode mode) {
        rules.put(name, new Rule(name, value, mode));
    }

    /** Applies the rules if nothing has been sent yet; filters call it when the chain returns. */
    public void apply() {
        if (applied || isCommitted()) {
            return;
        }
        applied = true;
        HttpServletResponse out = (HttpServletResponse) getResponse();
        for (Rule r : rules.values()) {
            String value = r.value().get();
            switch (r.mode()) {
                case DEFAULT -> {
                    if (!setDownstream.contains(r.name()) && value != null) {
                        out.setHeader(r.name(), value);
                    }
                }
                case OVERRIDE -> out.setHeader(r.name(), value);
                case APPEND -> {
                    // Kong's add_header: a line of its own after every line the backend sent
                    // (cors 01-access_spec reads Vary as {"Accept-Encoding", "Origin"}), unless
                    // one of them names the token already.
                    java.util.Collection<String> lines = out.getHeaders(r.name());
                    String current = lines == null ? null : String.join(", ", lines);
                    if (current == null || current.isBlank()) {
                        out.setHeader(r.name(), value);
                    } else if (!containsToken(current, value)) {
                        out.addHeader(r.name(), value);
                    }
                }
            }
        }
    }

    private static boolean containsToken(String list, String token) {
        for (String t : list.split(",")) {
            if (t.trim().equalsIgnoreCase(token) || t.trim().equals("*")) {
                return true;
            }
        }
        return false;
    }

    private boolean intercept(String name) {
        if (rules.isEmpty() || applied) {
            // Once applied, what a later phase changes (response-transformer's header operations,
            // which run after these in Kong) goes through.
            return false;
        }
        Rule r = rules.get(name);
        if (r == null) {
            return false;
        }
        setDownstream.add(r.name());
        return r.mode() == Mode.OVERRIDE;
    }

    @Override
    public void setHeader(String name, String value) {
        if (!intercept(name)) {
            super.setHeader(name, value);
        }
    }

    @Override
    public void addHeader(String name, String value) {
        if (!intercept(name)) {
            super.addHeader(name, value);
        }
    }

    @Override
    public ServletOutputStream getOutputStream() throws IOException {
        apply();
        return super.getOutputStream();
    }

    @Override
    public PrintWriter getWriter() throws IOException {
        apply();
        return super.getWriter();
    }

    @Override
    public void flushBuffer() throws IOException {
        apply();
        super.flushBuffer();
    }

    @Override
    public void sendError(int sc, String msg) throws IOException {
        apply();
        super.sendError(sc, msg);
    }

    @Override
    public void sendError(int sc) throws IOException {
        apply();
        super.sendError(sc);
    }
}
