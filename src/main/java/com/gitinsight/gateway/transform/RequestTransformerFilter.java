package com.gitinsight.gateway.transform;

import com.gitinsight.gateway.config.RouteSpec;
import com.gitinsight.gateway.http.ErrorResponses;
import com.gitinsight.gateway.http.LimitedInputStream;
import com.gitinsight.gateway.http.MultipartForm;
import com.gitinsight.gateway.http.SecretHeaders;
import com.gitinsight.gateway.http.UrlArgs;
import com.gitinsight.gateway.proxy.UpstreamHeaders;
import com.gitinsight.gateway.routing.RequestPath;
import com.gitinsight.gateway.runtime.PluginFilter;
import com.gitinsight.gateway.runtime.RequestContext;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Plugin {@code request-transformer}, in Kong's order: {@code replace.uri}, {@code http_method},
 * headers, body, query string (each: remove, rename, replace, add, append). Templates read the
 * request as the client sent it. The changes reach the upstream call through the {@link
 * RequestContext}: headers as {@link RequestContext#upstreamHeader} (so the proxy's header rules
 * still drop the client's forwarding and identity headers), path, query, method and body as its
 * overrides. A body is read and changed only when body operations apply to a JSON or form body
 * of at most {@code gateway.transformer.max-body-bytes}; a larger one goes on untouched, streamed.
 */
public class RequestTransformerFilter extends PluginFilter<RequestTransformerSchema.Config> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = Logger.getLogger(RequestTransformerFilter.class.getName());

    /** The largest request or response body the transformers buffer to change. */
    public static final String MAX_BODY_BYTES = "gateway.transformer.max-body-bytes";

    // Per request in flight: 200 request threads buffering 8 MiB each would be 1.6 GB of a 288 MB heap.
    public static final long DEFAULT_MAX_BODY_BYTES = 64L << 10;

    @Inject
    @ConfigProperty(name = MAX_BODY_BYTES, defaultValue = "65536")
    transient long maxBodyBytes = DEFAULT_MAX_BODY_BYTES;

    /** Routes whose oversized body was logged (once each; read without a lock on the common path). */
    private final transient Set<String> oversizeLogged = ConcurrentHashMap.newKeySet();

    public RequestTransformerFilter() {
        super(RequestTransformerSchema.NAME, RequestTransformerSchema.Config.class);
    }

    /** A request the transformation cannot be applied to: answered with Kong's status and message. */
    static final class Refusal extends Exception {
        private static final long serialVersionUID = 1L;
        final int status;

        Refusal(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    @Override
    protected void apply(
            RequestTransformerSchema.Config config,
            RequestContext context,
            HttpServletRequest request,
            HttpServletResponse response,
            FilterChain chain)
            throws IOException, ServletException {
        try {
            new Run(config, context, request).transform();
        } catch (Refusal r) {
            LOG.log(Level.FINE, "request-transformer refused the request: {0}", r.getMessage());
            ErrorResponses.write(request, response, r.status, r.getMessage());
            return;
        }
        chain.doFilter(request, response);
    }

    private void oversize(RequestContext context, long length) {
        String route = context.match().route().displayName();
        if (!oversizeLogged.contains(route) && oversizeLogged.add(route)) {
            LOG.log(
                    Level.INFO,
                    "request-transformer: a request body on route {0} ({1} bytes) is over {2}={3}; such bodies go"
                            + " to the backend untouched (logged once per route)",
                    new Object[] {route, length < 0 ? "more than " + maxBodyBytes : length, MAX_BODY_BYTES, maxBodyBytes
                    });
        }
    }

    /** One request's transformation: the template variables (read lazily) and the header table. */
    private final class Run implements Template.Variables {
        private final RequestTransformerSchema.Config config;
        private final RequestContext context;
        private final HttpServletRequest request;
        private Map<String, List<String>> query;
        private Captures captures;
        private boolean capturesLooked;
        /** The body as read (null: not read, or too large and left to stream). */
        private byte[] body;

        private boolean bodyRead;
        /** The Content-Type of a multipart body written again (null: none). */
        private String writtenType;
        /** The header table once the header step has run (null: before it, or no header step). */
        private Headers changed;
        /**
         * Whether templates read {@link #changed}: Kong loads a template's {@code headers} once, when
         * a template first reads them; before its header step writes its changes back, that is the
         * client's; after it (a body or query template reading them first), the changed ones (helper
         * review 266: {@code remove X-Role} with {@code add body role:$(headers['x-role'])} sent the
         * client's role on). Null until a template reads a header.
         */
        private Boolean readsChanged;

        Run(RequestTransformerSchema.Config config, RequestContext context, HttpServletRequest request) {
            this.config = config;
            this.context = context;
            this.request = request;
        }

        void transform() throws IOException, Refusal {
            if (config.uri() != null) {
                // A header's or query argument's value cannot bring escapes of its own: its '%' is
                // data ("%2e%2e" stays text). A path capture keeps the path's escapes, as in Kong.
                context.upstreamPath(path(config.uri().render(asText, v -> v.replace("%", "%25"))));
            }
            Map<String, List<String>> mergedArgs = null;
            if (config.httpMethod() != null) {
                context.upstreamMethod(config.httpMethod());
                String type = request.getHeader("Content-Type");
                if (isBodyless(config.httpMethod()) && contains(type, "application/x-www-form-urlencoded")) {
                    // Kong moves a form body's arguments into the query of a GET, HEAD or TRACE.
                    byte[] form = body();
                    if (form != null) {
                        mergedArgs = UrlArgs.decode(new String(form, StandardCharsets.UTF_8));
                        if (mergedArgs.isEmpty()) {
                            // Kong's "if next(parameters)": an empty form leaves the query as sent.
                            mergedArgs = null;
                        }
                    }
                }
            }
            // Kong rewrites every header; here only the touched ones are, so no table without header operations.
            Headers headers = config.headers().isEmpty() ? null : new Headers(request, context.upstreamHeaders());
            if (headers != null) {
                transformHeaders(headers);
                changed = headers;
            }
            transformBody(headers != null ? headers.first("content-type") : clients("content-type"));
            transformQuery(mergedArgs);
            if (headers != null) {
                // Written last; the templates above read the changed table where Kong's would.
                headers.writeTo(context);
            }
            if (writtenType != null) {
                // A multipart body written again goes with the one boundary it was read and written
                // with, nothing else a backend could take another boundary from.
                context.upstreamHeader("Content-Type", writtenType);
            }
        }

        private void transformHeaders(Headers h) throws Refusal {
            RequestTransformerSchema.Ops ops = config.headers();
            for (String name : ops.remove()) {
                h.remove(name);
            }
            for (RequestTransformerSchema.Rename r : ops.rename()) {
                if (isSecretHeader(r.from())) {
                    // A credential sent on under another name is still one: no log shows it.
                    context.credentialNames(List.of(), List.of(r.to()));
                }
                if (RequestTransformerSchema.isHost(r.to())) {
                    // Kong's set_headers: the value becomes upstream_host, the old name goes.
                    String value = h.first(r.from());
                    if (value != null) {
                        h.remove(r.from());
                        upstreamHost(value);
                    }
                    continue;
                }
                h.rename(r.from(), r.to());
            }
            // Kong's iter gives an entry written without a value ("X-Foo:") no value at all: replace,
            // add and append then leave the header as it is. A template that renders empty is set
            // through Kong's PDK (set_headers), which sends "" as one space (helper review 193: it
            // was removed, or not made).
            for (RequestTransformerSchema.Value v : ops.replace()) {
                if (RequestTransformerSchema.isHost(v.name())) {
                    // Kong replaces Host whether or not the table has it ("or name == HOST").
                    if (!writtenEmpty(v)) {
                        upstreamHost(headerValue(v));
                    }
                    continue;
                }
                if (h.has(v.name()) && !writtenEmpty(v)) {
                    h.replace(v.name(), pdkValue(headerValue(v)));
                }
            }
            for (RequestTransformerSchema.Value v : ops.add()) {
                if (!h.has(v.name()) && !writtenEmpty(v)) {
                    h.add(v.name(), pdkValue(headerValue(v)));
                }
            }
            for (RequestTransformerSchema.Value v : ops.append()) {
                if (!writtenEmpty(v)) {
                    h.append(v.name(), pdkValue(headerValue(v)));
                }
            }
        }

        /**
         * The Host the backend gets (Kong's upstream_host); an empty one leaves the route's rule in
         * place, as Kong's runloop takes an empty upstream_host for none.
         */
        private void upstreamHost(String value) throws Refusal {
            if (value.isEmpty()) {
                return;
            }
            if (!com.gitinsight.gateway.http.HostValue.valid(value)) {
                // A template fills it from client input: "admin.internal:" or "a b" would let a
                // client pick another virtual host than the one written (nginx ends the name at ':').
                throw new Refusal(400, "A transformed Host header is not a host name");
            }
            context.upstreamHost(value);
        }

        /** A header no log shows: a secret one, or one an auth plugin reads its credential from. */
        private boolean isSecretHeader(String name) {
            return SecretHeaders.isSecretName(name)
                    || context.credentialHeaders().contains(name);
        }

        /** Whether a template copies a credential (a secret header, an auth plugin's argument). */
        private boolean copiesCredential(Template t) {
            return t.copies(this::isSecretHeader, context.credentialArguments()::contains);
        }

        private static boolean writtenEmpty(RequestTransformerSchema.Value v) {
            return v.value().toString().isEmpty();
        }

        /** Kong's PDK sends an empty header value as one space. */
        private static String pdkValue(String value) {
            return value.isEmpty() ? " " : value;
        }

        private String headerValue(RequestTransformerSchema.Value v) throws Refusal {
            if (copiesCredential(v.value())) {
                // "X-Key:$(headers.apikey)" sends the client's key on under a new name: still a secret.
                context.credentialNames(List.of(), List.of(v.name()));
            }
            return headerValue(v.value());
        }

        private String headerValue(Template t) throws Refusal {
            String value = t.renderWire(this);
            if (!Entry.isHeaderValue(value)) {
                // A template filled from the query or path may carry CR/LF: never into a header.
                throw new Refusal(400, "A transformed header value may not hold control characters");
            }
            return value;
        }

        private void transformBody(String type) throws IOException, Refusal {
            RequestTransformerSchema.Ops ops = config.body();
            if (ops.isEmpty()) {
                return;
            }
            // The media type itself, as the backend reads it: "multipart/form-data; p=application/json"
            // is multipart (a substring test read it as JSON, and its fields passed unchanged).
            String media = mediaType(type);
            boolean strips = RequestBodies.strips(ops);
            boolean json = media.equals("application/json") || media.endsWith("+json");
            boolean form = media.equals("application/x-www-form-urlencoded");
            boolean multipart = media.equals("multipart/form-data");
            if (strips && (unclearType(type, json || form || multipart) || severalTypes())) {
                // PHP ends the media type at ',' or a space too, formidable takes any multipart/*:
                // a body such a backend parses would pass with the fields the route strips.
                throw new Refusal(400, "The request's Content-Type could not be read");
            }
            if (!json && !form && !multipart) {
                return;
            }
            byte[] in = body();
            if (in == null) {
                if (strips) {
                    // Too large to read: its fields would pass unchanged (see gateway.transformer.max-body-bytes).
                    throw new Refusal(
                            ErrorResponses.tooLargeStatus(request.getHeader("Expect")), ErrorResponses.TOO_LARGE);
                }
                return;
            }
            byte[] out;
            try {
                if (multipart) {
                    out = RequestBodies.multipart(in, type, ops, this::renderText);
                } else {
                    out = json
                            ? RequestBodies.json(in, ops, this::renderText)
                            : RequestBodies.form(in, ops, this::renderText);
                }
            } catch (RequestBodies.UnreadableBody e) {
                throw new Refusal(400, e.getMessage());
            }
            if (out != null) {
                context.upstreamBody(new ByteArrayInputStream(out), out.length);
                if (multipart) {
                    writtenType = MultipartForm.writtenType(type);
                }
            }
        }

        /**
         * Whether a Content-Type names a body type a backend may parse, but not plainly: one of the
         * types read here followed by something other than parameters, or another type that
         * mentions multipart, a form or JSON.
         */
        private static boolean unclearType(String type, boolean known) {
            if (type == null) {
                return false;
            }
            String lower = type.toLowerCase(Locale.ROOT);
            if (!known) {
                return lower.contains("multipart") || lower.contains("form") || lower.contains("json");
            }
            String media = mediaType(type);
            String rest = lower.substring(lower.indexOf(media) + media.length()).strip();
            return !rest.isEmpty() && !rest.startsWith(";") || lower.indexOf(',') >= 0;
        }

        /**
         * Whether the client sent Content-Type on more than one line: the type is read from the
         * first here, a backend may take the last (or join them), and parse the fields this route
         * strips from a body left alone as text/plain (the one-line comma list is refused too).
         */
        private boolean severalTypes() {
            java.util.Enumeration<String> types = request.getHeaders("Content-Type");
            if (types == null || !types.hasMoreElements()) {
                return false;
            }
            types.nextElement();
            return types.hasMoreElements();
        }

        /** The media type of a Content-Type: before any parameter, trimmed, lower case ("" when none). */
        private static String mediaType(String type) {
            if (type == null) {
                return "";
            }
            String t = type.strip();
            int end = 0;
            while (end < t.length() && ";, \t".indexOf(t.charAt(end)) < 0) {
                end++;
            }
            return t.substring(0, end).toLowerCase(Locale.ROOT);
        }

        private void transformQuery(Map<String, List<String>> mergedArgs) {
            RequestTransformerSchema.Ops ops = config.querystring();
            if (ops.isEmpty() && mergedArgs == null) {
                // Kong leaves the query byte for byte when it has nothing to do.
                return;
            }
            Map<String, List<String>> args = new LinkedHashMap<>();
            for (Map.Entry<String, List<String>> e : query().entrySet()) {
                args.put(e.getKey(), new ArrayList<>(e.getValue()));
            }
            if (mergedArgs != null) {
                for (Map.Entry<String, List<String>> e : mergedArgs.entrySet()) {
                    args.computeIfAbsent(e.getKey(), k -> new ArrayList<>(2)).addAll(e.getValue());
                }
            }
            for (RequestTransformerSchema.Rename r : ops.rename()) {
                if (context.credentialArguments().contains(r.from())) {
                    context.credentialNames(List.of(r.to()), List.of()); // still a credential
                }
            }
            for (List<RequestTransformerSchema.Value> values : List.of(ops.replace(), ops.add(), ops.append())) {
                for (RequestTransformerSchema.Value v : values) {
                    if (copiesCredential(v.value())) {
                        context.credentialNames(List.of(v.name()), List.of()); // ?k=$(headers.apikey)
                    }
                }
            }
            RequestBodies.stripFields(args, ops, this::renderText);
            RequestBodies.addAndAppend(args, ops, this::renderText);
            context.upstreamQuery(UrlArgs.encode(args, true));
        }

        /**
         * The rendered {@code replace.uri} as an upstream path: it must start with {@code /}
         * (Kong's {@code set_path} fails otherwise); what is not allowed raw is escaped, {@code ?}
         * too (a value from the client may not start a query); a dot segment is refused (a value
         * from the client may not climb the backend's paths).
         */
        private String path(String rendered) throws Refusal {
            if (!rendered.startsWith("/")) {
                throw new Refusal(500, "An unexpected error occurred");
            }
            String escaped = RequestPath.escape(rendered).replace("?", "%3F");
            // As the head filter judges a stripped path: also as lenient backends read it (";"
            // parameters dropped, "\" and "%2F" as separators), so "..;/" cannot climb either.
            if (RequestPath.hasDotSegment(escaped)
                    || RequestPath.hasDotSegment(RequestPath.asLenientBackendsRead(escaped.replace("%5C", "/")))) {
                throw new Refusal(400, "The request path would leave the service's path");
            }
            return escaped;
        }

        /**
         * The client's body, read whole when it fits the bound; null when it does not (it is then
         * handed on as a stream of what was read and the rest) or could not be read.
         */
        private byte[] body() throws IOException, Refusal {
            if (bodyRead) {
                return body;
            }
            bodyRead = true;
            // An earlier plugin that read the body (key-auth's key_in_body, hide_credentials) handed
            // on what the backend gets: start from that, so what it removed stays removed.
            InputStream handed = context.upstreamBody();
            long length = handed != null ? context.upstreamBodyLength() : request.getContentLengthLong();
            boolean chunked =
                    handed != null ? length < 0 : com.gitinsight.gateway.http.BodyFraming.unknownLength(request);
            if (length <= 0 && !chunked) {
                body = new byte[0];
                return body;
            }
            if (length > maxBodyBytes) {
                oversize(context, length);
                return null;
            }
            InputStream in = handed != null ? handed : request.getInputStream();
            if (context.maxBodyBytes() >= 0) {
                // request-size-limiting measures the body before this plugin changes it, as Kong's
                // (which runs first): counted here, not the body a change makes of it (what key-auth
                // handed on is counted as it handed it, as Kong's set_body comes first too).
                in = new LimitedInputStream(in, context.maxBodyBytes());
                context.maxBodyBytes(-1);
            }
            byte[] read;
            try {
                read = in.readNBytes(
                        length > 0 ? (int) length : (int) Math.min(Integer.MAX_VALUE - 8, maxBodyBytes + 1));
            } catch (LimitedInputStream.TooLarge e) {
                throw new Refusal(ErrorResponses.tooLargeStatus(request.getHeader("Expect")), ErrorResponses.TOO_LARGE);
            } catch (IOException e) {
                throw new Refusal(
                        com.gitinsight.gateway.http.ClientTooSlow.status(e),
                        com.gitinsight.gateway.http.ClientTooSlow.message(e));
            }
            if (length > 0 && read.length < length) {
                throw new Refusal(400, ErrorResponses.CLIENT_BODY);
            }
            if (read.length > maxBodyBytes) {
                oversize(context, -1);
                context.upstreamBody(new SequenceInputStream(new ByteArrayInputStream(read), in), -1);
                return null;
            }
            // What was read goes on as it is unless a change replaces it.
            context.upstreamBody(new ByteArrayInputStream(read), read.length);
            body = read;
            return body;
        }

        private String render(Template t) {
            return t.render(this);
        }

        /**
         * A value for a body, a query or a path: text, where a header is bytes (the container hands
         * a header's bytes as one char each, and a UTF-8 "José" written into JSON or a query would be
         * encoded twice). A header whose bytes are not UTF-8 is taken as it is.
         */
        private String renderText(Template t) {
            return t.render(asText);
        }

        private final Template.Variables asText = new Template.Variables() {
            @Override
            public String header(String foldedName) {
                String raw = Run.this.header(foldedName);
                String text = raw == null ? null : com.gitinsight.gateway.http.HeaderText.utf8(raw);
                return text != null ? text : raw;
            }

            @Override
            public String query(String name) {
                return Run.this.query(name);
            }

            @Override
            public String capture(String nameOrIndex) {
                return Run.this.capture(nameOrIndex);
            }
        };

        @Override
        public String header(String folded) {
            if (readsChanged == null) {
                readsChanged = changed != null;
            }
            if (!readsChanged) {
                return clients(folded);
            }
            if ("host".equals(folded) && context.upstreamHost() != null) {
                return context.upstreamHost(); // a replace host the header step made
            }
            // The table holds what the plugin may change; the gateway's own headers (Host, the
            // forwarding ones) are read as before.
            return UpstreamHeaders.isGatewayOwned(UpstreamHeaders.fold(folded))
                    ? clients(folded)
                    : changed.first(folded);
        }

        /** A header as the client sent it, or as an earlier plugin decided it. */
        private String clients(String folded) {
            Map<String, String> decided = context.upstreamHeaders();
            if (!decided.isEmpty() && decided.containsKey(folded)) {
                return decided.get(folded);
            }
            // The client's identity headers never reach the backend; a template does not read them either.
            return UpstreamHeaders.isIdentity(folded) ? null : request.getHeader(folded);
        }

        @Override
        public String query(String name) {
            List<String> values = query().get(name);
            if (values == null || values.isEmpty()) {
                return null;
            }
            return values.get(0) == null ? "true" : values.get(0);
        }

        private Map<String, List<String>> query() {
            if (query == null) {
                // As an earlier plugin left it (key-auth's hide_credentials removes the key).
                String current = context.upstreamQuery();
                query = UrlArgs.decode(
                        current != null ? (current.isEmpty() ? null : current) : request.getQueryString());
            }
            return query;
        }

        @Override
        public String capture(String key) {
            if (!capturesLooked) {
                capturesLooked = true;
                captures = match(context);
            }
            if (captures == null) {
                return null;
            }
            Matcher m = captures.matcher();
            if (m.groupCount() == 0) {
                // Kong's router keeps no uri_captures for a regex without a group, [0] included
                // (helper review 264: $(uri_captures[0]) was the whole match here).
                return null;
            }
            try {
                return key.chars().allMatch(Character::isDigit)
                        ? Integer.parseInt(key) <= m.groupCount() ? m.group(Integer.parseInt(key)) : null
                        : m.group(captures.path().javaGroup(key));
            } catch (IllegalArgumentException e) {
                return null; // no such group
            }
        }
    }

    /** The matcher of the route's regex path the request matched, or null (a prefix route: no captures). */
    private static Captures match(RequestContext context) {
        for (RouteSpec.RoutePath p : context.match().route().paths()) {
            if (p.isRegex()) {
                Matcher m;
                try {
                    m = com.gitinsight.gateway.routing.MatchBudget.found(p.regex(), context.path());
                } catch (com.gitinsight.gateway.routing.MatchBudget.Spent e) {
                    return null; // bounded as the router's search was: no captures
                }
                if (m != null) {
                    return new Captures(p, m);
                }
            }
        }
        return null;
    }

    /** The captures of the route path the request matched, read by Kong's names. */
    private record Captures(RouteSpec.RoutePath path, Matcher matcher) {}

    private static boolean isBodyless(String method) {
        return method.equals("GET") || method.equals("HEAD") || method.equals("TRACE");
    }

    private static boolean contains(String type, String what) {
        return type != null && type.toLowerCase(Locale.ROOT).contains(what);
    }

    /**
     * The request headers as request-transformer works on them (Kong's {@code get_headers} table):
     * the client's that reach the backend, with what earlier plugins decided, keyed by the folded
     * name; the names touched are written back to the context at the end.
     */
    static final class Headers {
        private static final class Header {
            String name;
            final List<String> values;

            Header(String name, List<String> values) {
                this.name = name;
                this.values = values;
            }
        }

        private final Map<String, Header> table = new LinkedHashMap<>();
        private final Map<String, String> touched = new LinkedHashMap<>();

        Headers(HttpServletRequest request, Map<String, String> decided) {
            for (Enumeration<String> names = request.getHeaderNames(); names.hasMoreElements(); ) {
                String name = names.nextElement();
                String folded = UpstreamHeaders.fold(name);
                if (UpstreamHeaders.isGatewayOwned(folded) || UpstreamHeaders.isIdentity(folded)) {
                    continue;
                }
                Header h = table.computeIfAbsent(folded, k -> new Header(name, new ArrayList<>(1)));
                for (Enumeration<String> values = request.getHeaders(name); values.hasMoreElements(); ) {
                    h.values.add(values.nextElement());
                }
            }
            for (Map.Entry<String, String> d : decided.entrySet()) {
                String folded = UpstreamHeaders.fold(d.getKey());
                if (d.getValue() == null) {
                    table.remove(folded);
                } else {
                    table.put(folded, new Header(d.getKey(), RequestBodies.one(d.getValue())));
                }
            }
        }

        boolean has(String name) {
            return table.containsKey(UpstreamHeaders.fold(name));
        }

        String first(String name) {
            Header h = table.get(UpstreamHeaders.fold(name));
            return h == null || h.values.isEmpty() ? null : h.values.get(0);
        }

        void remove(String name) {
            String folded = UpstreamHeaders.fold(name);
            if (table.remove(folded) != null) {
                touched.put(folded, name);
            }
        }

        /** Moves the value; overwrites a header of the new name. A change of case only renames. */
        void rename(String from, String to) {
            String f = UpstreamHeaders.fold(from);
            String t = UpstreamHeaders.fold(to);
            Header h = table.get(f);
            if (h == null || from.equals(to)) {
                return;
            }
            if (f.equals(t)) {
                h.name = to;
                touched.put(t, to);
                return;
            }
            table.remove(f);
            touched.put(f, from);
            table.put(t, new Header(to, h.values));
            touched.put(t, to);
        }

        void replace(String name, String value) {
            String folded = UpstreamHeaders.fold(name);
            Header h = table.get(folded);
            h.values.clear();
            h.values.add(value);
            touched.put(folded, name);
        }

        void add(String name, String value) {
            String folded = UpstreamHeaders.fold(name);
            table.put(folded, new Header(name, RequestBodies.one(value)));
            touched.put(folded, name);
        }

        void append(String name, String value) {
            String folded = UpstreamHeaders.fold(name);
            Header h = table.get(folded);
            if (h == null) {
                table.put(folded, new Header(name, RequestBodies.one(value)));
            } else {
                h.name = name;
                h.values.add(value);
            }
            touched.put(folded, name);
        }

        /**
         * The touched headers, set on the upstream request (several values as several header
         * lines, as Kong's {@code set_header} with a table sends them) or removed. Names go with
         * {@code -} for {@code _}: the proxy drops a client's copy under any spelling that folds to
         * the same name.
         */
        void writeTo(RequestContext context) {
            for (Map.Entry<String, String> e : touched.entrySet()) {
                Header h = table.get(e.getKey());
                String name = (h != null ? h.name : e.getValue()).replace('_', '-');
                context.upstreamHeader(
                        name, h == null ? null : String.join(String.valueOf(RequestContext.LINES), h.values));
            }
        }
    }
}
