package com.gitinsight.gateway.runtime;

import com.gitinsight.gateway.config.PluginConfig;
import com.gitinsight.gateway.routing.RouteMatch;
import com.google.common.hash.Hashing;
import jakarta.servlet.ServletRequest;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the filters of one request share: the snapshot and route matched once at the head of the
 * chain, and what they decide for the upstream request (consumer headers to set, client copies to
 * drop, a body size limit). Lives in a request attribute; one thread at a time.
 */
public final class RequestContext {

    private static final String ATTRIBUTE = RequestContext.class.getName();

    private final GatewaySnapshot snapshot;
    private final RouteMatch match;
    private final String path;
    private final boolean fromTrustedProxy;
    /**
     * Header names ordered as the backend's copy compares them ({@code http.IdentityHeaders.fold}):
     * case-blind (as {@link String#CASE_INSENSITIVE_ORDER}) with {@code _} taken as {@code -}, so a
     * client's {@code X_Corr_Id} is the header a plugin set as {@code X-Corr-Id} or {@code X_Corr_Id}.
     */
    public static final java.util.Comparator<String> HEADER_ORDER = RequestContext::compareHeaderNames;

    /**
     * {@link String#CASE_INSENSITIVE_ORDER} with {@code _} taken as {@code -}, character by
     * character: every upstream header set and every client header forwarded is compared, so no
     * folded copy is made.
     */
    private static int compareHeaderNames(String a, String b) {
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            char x = a.charAt(i);
            char y = b.charAt(i);
            if (x != y) {
                x = foldHeaderChar(x);
                y = foldHeaderChar(y);
                if (x != y) {
                    return x - y;
                }
            }
        }
        return a.length() - b.length();
    }

    private static char foldHeaderChar(char c) {
        return c == '_' ? '-' : Character.toLowerCase(Character.toUpperCase(c));
    }

    private Map<String, String> upstreamHeaders;
    private String consumer;
    /** The authenticated consumer as the file names it (username, else custom id), or null. */
    private String consumerReference;

    private String clientAddress;
    private String subject;
    /** A credential whose hash is the subject, kept until the subject is read. */
    private String subjectCredential;

    private String requestId;
    /** Kong's request id: the gateway's own, never a client's (the request-id plugin may adopt one as {@link #requestId}). */
    private String kongRequestId;
    /** Whether {@link #kongRequestId} goes to the client and to the upstream (gateway.headers, gateway.headers-upstream). */
    private boolean kongRequestIdDownstream;

    private boolean sendsUpstreamStatus;

    private boolean kongRequestIdUpstream;
    private String consumerLabel;
    private String target;
    private long upstreamNanos = -1;
    private long upstreamSentNanos;
    private long maxBodyBytes = -1;
    private boolean responseTruncated;
    private boolean answerTypedByPlugin;
    private boolean headerNamesRead;
    private int headRefusal = -1;
    private HeadLines headLines;
    private boolean underscoredHeaderNames;
    private boolean responseUnframed;
    private boolean requestLineRefused;
    private boolean authorizationVerified;
    /** Kong's {@code kong.client.get_credential() ~= nil}: an auth plugin verified a real credential. */
    private boolean credentialAuthenticated;
    /** Kong's {@code authenticated_groups}: groups an auth plugin vouched for (SSO roles), or null. */
    private List<String> authenticatedGroups;

    // Upstream request overrides (hide_credentials, request-transformer); null: the client's, as routed.
    private String upstreamMethod;
    /** The Host the backend gets, set by a plugin (Kong's {@code set_header("host")}: upstream_host). */
    private String upstreamHost;

    private String upstreamPath;
    private String upstreamQuery;
    private InputStream upstreamBody;
    private long upstreamBodyLength = -1;
    /** The bytes read of a client's body sent without a length (chunked); -1 when none was. */
    private long chunkedBodyBytes = -1;

    private RequestTrace trace = RequestTrace.NONE;
    private String upstreamUri;
    private String upstreamUriQuery;
    private String credentialId;
    private int upstreamStatus;

    private String upstreamReason;
    /** Tries at targets, kept only when a log plugin asked ({@link #keepTries()}). */
    private List<TargetTry> tries;

    private boolean keepTries;
    /** Query argument and header names (lower-case) that carried a credential; null: none. */
    private java.util.Set<String> credentialArguments;

    private List<String> verifiedArguments = List.of();
    private List<String> verifiedHeaders = List.of();

    private java.util.Set<String> credentialHeaders;
    /** The request's log record once a log plugin made it (the next one ships the same). */
    private Object logRecord;
    /** The custom fields the log plugins that ran so far set (Kong's kong.log.set_serialize_value). */
    private Object logFields;
    /** correlation-id's id, for the log record's {@code correlation_id}; null: the plugin did not run. */
    private String correlationId;

    private final long startedMillis = System.currentTimeMillis();
    private final long startedNanos = System.nanoTime();
    /** When routing began and ended ({@link System#nanoTime}): Kong's router span. */
    private long routingStartNanos = startedNanos;

    private long routingEndNanos = startedNanos;

    /** The port the client reached ({@code gateway.port-maps} applied), or -1 when not set. */
    private int hostPort = -1;

    /** The container's {@code getServerName()}, read once (it parses the Host header at each asking). */
    private String serverName;

    private RequestContext(GatewaySnapshot snapshot, RouteMatch match, String path, boolean fromTrustedProxy) {
        this.snapshot = snapshot;
        this.match = match;
        this.path = path;
        this.fromTrustedProxy = fromTrustedProxy;
    }

    /**
     * Attaches the route matched once for the request's normalised {@code path} (see
     * {@code routing.RequestPath}); {@code fromTrustedProxy} when the socket peer is in
     * {@code gateway.trusted-ips}.
     */
    public static RequestContext attach(
            ServletRequest request, GatewaySnapshot snapshot, RouteMatch match, String path, boolean fromTrustedProxy) {
        RequestContext context = new RequestContext(snapshot, match, path, fromTrustedProxy);
        request.setAttribute(ATTRIBUTE, context);
        return context;
    }

    /**
     * The Host header's name as the container reads it ({@code request.getServerName()}, the same
     * through every wrapper), asked of the container once per request: the proxy's
     * {@code X-Forwarded-Host} and the log record both need it.
     */
    public String serverName(ServletRequest request) {
        if (serverName == null) {
            serverName = request.getServerName();
        }
        return serverName;
    }

    /** Kong's {@code ctx.host_port}: the port the client reached, or -1 when not known. */
    public int hostPort() {
        return hostPort;
    }

    public RequestContext hostPort(int port) {
        this.hostPort = port;
        return this;
    }

    /** The context attached at the head of the chain (never null behind it). */
    public static RequestContext of(ServletRequest request) {
        return (RequestContext) request.getAttribute(ATTRIBUTE);
    }

    /**
     * This request's id (in every gateway error body): the one the request-id plugin kept or made,
     * else {@link #kongRequestId()}.
     */
    public String requestId() {
        return requestId != null ? requestId : kongRequestId();
    }

    /**
     * Kong's {@code kong.request.id}: made by the gateway for each request (32 hex digits), never
     * taken from a client; {@code X-Kong-Request-Id}, the log record's {@code request.id}, the
     * span's {@code kong.request.id}.
     */
    public String kongRequestId() {
        if (kongRequestId == null) {
            kongRequestId = RequestIds.next();
        }
        return kongRequestId;
    }

    /** Adopts the id the head of the chain made (and may already have sent) and where it goes. */
    public RequestContext kongRequestId(String id, boolean downstream, boolean upstream) {
        this.kongRequestId = id;
        this.kongRequestIdDownstream = downstream;
        this.kongRequestIdUpstream = upstream;
        return this;
    }

    /** Whether a proxied answer gets {@code X-Kong-Upstream-Status} (gateway.headers names it). */
    public boolean sendsUpstreamStatus() {
        return sendsUpstreamStatus;
    }

    public RequestContext sendsUpstreamStatus(boolean send) {
        this.sendsUpstreamStatus = send;
        return this;
    }

    /** Whether the client gets {@code X-Kong-Request-Id} (gateway.headers). */
    public boolean kongRequestIdDownstream() {
        return kongRequestIdDownstream;
    }

    /** Whether the upstream gets {@code X-Kong-Request-Id} (gateway.headers-upstream). */
    public boolean kongRequestIdUpstream() {
        return kongRequestIdUpstream;
    }

    /**
     * The consumer as metrics name it: a configured consumer's username, or {@code sso} for any
     * identity only the token knows (label values stay bounded by the configuration).
     */
    public String consumerLabel() {
        return consumerLabel;
    }

    public void consumerLabel(String label) {
        this.consumerLabel = label;
    }

    /** The upstream target that answered ({@code host:port}), or null. */
    public String target() {
        return target;
    }

    /** Records the target that answered and how long its response headers took. */
    public void answeredBy(String target, long nanos) {
        this.target = target;
        this.upstreamNanos = nanos;
        this.upstreamSentNanos = System.nanoTime() - nanos;
    }

    /**
     * When (System.nanoTime) the request that got the upstream's answer was sent, or 0 when none
     * answered: the gateway's own time is what came before it (Kong's latencies.kong).
     */
    public long upstreamSentNanos() {
        return upstreamSentNanos;
    }

    /** Nanoseconds from sending to the upstream's response headers, or -1 when none answered. */
    public long upstreamNanos() {
        return upstreamNanos;
    }

    /** Adopts an id (a well-formed one the client or a front proxy sent). */
    public void requestId(String id) {
        this.requestId = id;
    }

    /** The normalised request path the route was matched on (not yet escaped for the wire). */
    public String path() {
        return path;
    }

    /** Whether the request is for the gateway's own endpoints ({@code /_gateway}), which no plugin sees. */
    public boolean gatewayOwn() {
        return gatewayOwn(path);
    }

    /** Whether a normalised path is {@code /_gateway} or under it (not {@code /_gatewayX}). */
    public static boolean gatewayOwn(String path) {
        return path != null && path.startsWith("/_gateway") && (path.length() == 9 || path.charAt(9) == '/');
    }

    /** Whether the socket peer is a trusted proxy, whose forwarding headers are kept. */
    public boolean fromTrustedProxy() {
        return fromTrustedProxy;
    }

    public GatewaySnapshot snapshot() {
        return snapshot;
    }

    /** The matched route and service, or null when no route matched (the proxy answers 404). */
    public RouteMatch match() {
        return match;
    }

    /**
     * This request's config of {@code plugin}, or null when the plugin does not apply. Requests no
     * route matched (404s, the gateway's own {@code /_gateway} endpoints) run no plugin's access
     * phase, as in Kong (global log plugins and opentelemetry still see a 404: {@link #pluginOnEveryResponse}).
     */
    public <T extends PluginConfig> T plugin(String plugin, Class<T> type) {
        return match == null ? null : snapshot.plugins().config(match.route(), consumerReference, plugin, type);
    }

    /**
     * The plugin instance {@code config} (a config {@link #plugin} returned) belongs to:
     * {@code global}, {@code service:<name>} or {@code route:<name>}.
     */
    public String pluginInstance(PluginConfig config) {
        return snapshot.plugins().instance(config);
    }

    /** Like {@link #plugin}, but a global plugin also applies to unmatched requests (security headers). */
    public <T extends PluginConfig> T pluginOnEveryResponse(String plugin, Class<T> type) {
        return snapshot.plugins().config(match == null ? null : match.route(), plugin, type);
    }

    /** Between the values of an upstream header sent as several lines (no header value holds it). */
    public static final char LINES = '\n';

    /**
     * Sets a header on the upstream request, replacing any the client sent; a null value only
     * removes the client's copy; values joined by {@link #LINES} go as one header line each.
     */
    public void upstreamHeader(String name, String value) {
        if (upstreamHeaders == null) {
            // In HEADER_ORDER, so the proxy can ask about each client header as it folds it (case, _ as -).
            upstreamHeaders = new TreeMap<>(HEADER_ORDER);
        }
        // A TreeMap keeps the first key put and only swaps the value: the last spelling set is sent.
        upstreamHeaders.remove(name);
        upstreamHeaders.put(name, value);
    }

    /** Header name (case-insensitive map) to value (null: removed); empty when no filter set any. */
    public Map<String, String> upstreamHeaders() {
        return upstreamHeaders == null ? Map.of() : upstreamHeaders;
    }

    /** The client's address as gateway.trusted-ips lets it be known ({@code unknown} when unreadable). */
    public String clientAddress() {
        return clientAddress;
    }

    public RequestContext clientAddress(String address) {
        this.clientAddress = address;
        return this;
    }

    /** The authenticated consumer's id (for hashing and rate limits), or null. */
    public String consumer() {
        return consumer;
    }

    public void consumer(String id) {
        this.consumer = id;
    }

    /**
     * The authenticated consumer as the file names it (its username, else its custom id): the
     * plugins scoped to it apply to the plugins that run after authentication, as in Kong.
     */
    public void consumerReference(String reference) {
        this.consumerReference = reference;
    }

    /**
     * The authenticated user, or null when no auth plugin authenticated one (none ran, or the
     * request fell back to an anonymous consumer). A consumer is an application (web-frontend,
     * mobile-app) with many users; this is one of them, so per-user state (the response cache's
     * entries) is not shared across the users of one app.
     */
    public String subject() {
        if (subject == null && subjectCredential != null) {
            // Hashed when first read (only the cache reads it), not on every authenticated request.
            subject = "credential:" + Hashing.sha256().hashString(subjectCredential, StandardCharsets.UTF_8);
            subjectCredential = null;
        }
        return subject;
    }

    /** Whether an auth plugin recorded the request's user ({@link #subject()} is then not null). */
    public boolean hasSubject() {
        return subject != null || subjectCredential != null;
    }

    /**
     * Records the authenticated user: the verified token's {@code sub}, or, for a token without
     * one, a SHA-256 hash of the credential itself (two such tokens are never taken for one user;
     * the hash, not the token, is what {@link #subject()} gives, since it may end up in cache keys).
     */
    public void subject(String sub, String credential) {
        if (sub != null && !sub.isEmpty()) {
            this.subject = "sub:" + sub;
            this.subjectCredential = null;
        } else {
            this.subject = null;
            this.subjectCredential = credential;
        }
    }

    /**
     * The backend failed mid-body, so the client's response was cut short: whatever a filter kept
     * of the body is not the backend's response and must not be stored or reused as one.
     */
    public boolean responseTruncated() {
        return responseTruncated;
    }

    public void markResponseTruncated() {
        this.responseTruncated = true;
    }

    /**
     * A plugin's response phase (response-transformer) sets or removes the answer's Content-Type
     * itself: the proxy's rule that an untyped backend answer gets none (JAX-RS would label it
     * octet-stream) no longer holds it back.
     */
    public boolean answerTypedByPlugin() {
        return answerTypedByPlugin;
    }

    public void markAnswerTypedByPlugin() {
        this.answerTypedByPlugin = true;
    }

    /**
     * The status the request's head is refused with (nginx's 414 or 400), 0 for none, or -1 when
     * it was not checked where the request was routed. A refused head is routed nowhere: nginx
     * refuses it before Kong routes, so only global plugins see it (helper review 249).
     */
    public int headRefusal() {
        return headRefusal;
    }

    public RequestContext headRefusal(int status) {
        this.headRefusal = status;
        return this;
    }

    /** The client's header lines kept where the head was checked (a log plugin is on), or null. */
    public HeadLines headLines() {
        return headLines;
    }

    public void headLines(HeadLines lines) {
        this.headLines = lines;
    }

    /** What the one pass over the request head's names found: whether any holds a {@code _}. */
    public void headerNamesRead(boolean underscored) {
        this.headerNamesRead = true;
        this.underscoredHeaderNames = underscored;
    }

    /**
     * Whether a header name with {@code _} may be in the request (true until the head was read):
     * a lookup of nginx's other spellings of a name is skipped when none can be there.
     */
    public boolean mayHaveUnderscoredHeaderNames() {
        return !headerNamesRead || underscoredHeaderNames;
    }

    /**
     * The backend's body had neither a length nor chunks: it ended when the backend closed its
     * connection, so one cut short by a crash looks whole and must not be stored as the response.
     */
    public boolean responseUnframed() {
        return responseUnframed;
    }

    public void markResponseUnframed() {
        this.responseUnframed = true;
    }

    /**
     * Whether the request line was refused as too long (414): nginx parses no header then, so
     * Kong's log record has none.
     */
    public boolean requestLineRefused() {
        return requestLineRefused;
    }

    public void markRequestLineRefused() {
        this.requestLineRefused = true;
    }

    /**
     * Whether an auth plugin verified the credential in the {@code Authorization} header itself
     * (not one from the query, a cookie, another header or {@code Proxy-Authorization}): only then
     * is the request's user the one that header names, for the cache.
     */
    public boolean authorizationVerified() {
        return authorizationVerified;
    }

    public void markAuthorizationVerified() {
        this.authorizationVerified = true;
    }

    /**
     * Whether an auth plugin authenticated a real credential on this request (not an anonymous
     * fallback): Kong's logical OR, where a later auth plugin with {@code anonymous} then does nothing.
     */
    public boolean credentialAuthenticated() {
        return credentialAuthenticated;
    }

    public void credentialAuthenticated(boolean authenticated) {
        this.credentialAuthenticated = authenticated;
    }

    /** The groups the authentication itself vouched for (SSO roles), or null when it named none. */
    public List<String> authenticatedGroups() {
        return authenticatedGroups;
    }

    public void authenticatedGroups(List<String> groups) {
        this.authenticatedGroups = groups == null ? null : List.copyOf(groups);
    }

    /** Bytes of request body allowed (-1: no limit). */
    public long maxBodyBytes() {
        return maxBodyBytes;
    }

    public void maxBodyBytes(long max) {
        this.maxBodyBytes = max;
    }

    /** The method the backend gets, or null: the client's. */
    public String upstreamMethod() {
        return upstreamMethod;
    }

    public void upstreamMethod(String method) {
        this.upstreamMethod = method;
    }

    /**
     * The Host the backend gets as a plugin set it (request-transformer's {@code replace host:...},
     * as Kong's PDK sets {@code upstream_host}), or null: the route's rule (preserve_host,
     * host_header, the target's name).
     */
    public String upstreamHost() {
        return upstreamHost;
    }

    public void upstreamHost(String host) {
        this.upstreamHost = host;
    }

    /** The upstream path (escaped for the wire), or null: the route's join of service and request path. */
    public String upstreamPath() {
        return upstreamPath;
    }

    public void upstreamPath(String path) {
        this.upstreamPath = path;
    }

    /**
     * The upstream query string (without {@code ?}; empty: none), or null: the client's byte for byte.
     * A plugin that changes it starts from this one, not the client's: what an earlier plugin removed
     * ({@code hide_credentials}) stays removed.
     */
    public String upstreamQuery() {
        return upstreamQuery;
    }

    public void upstreamQuery(String query) {
        this.upstreamQuery = query;
    }

    /**
     * The body the backend gets instead of the client's stream, or null: the client's. A filter that
     * read the client's body sets it (the bytes it changed, or those it read and left alone, and the
     * rest of the stream); a later filter reads this one, not the client's stream.
     */
    public InputStream upstreamBody() {
        return upstreamBody;
    }

    /** Its length, or -1 when unknown (sent chunked). */
    public long upstreamBodyLength() {
        return upstreamBodyLength;
    }

    /**
     * The bytes read so far of a client's body sent without a length (chunked), as decoded; -1
     * when the body had a length or none came. Kong's log record counts them in
     * {@code request.size} (nginx's {@code $request_length}).
     */
    public long chunkedBodyBytes() {
        return chunkedBodyBytes;
    }

    /** {@code n} more bytes of a chunked body were read (on the request's thread). */
    public void chunkedBodyRead(long n) {
        chunkedBodyBytes = Math.max(0, chunkedBodyBytes) + n;
    }

    public void upstreamBody(InputStream body, long length) {
        this.upstreamBody = body;
        this.upstreamBodyLength = length;
    }

    /** The request's trace ({@link RequestTrace#NONE} when it is not traced). */
    public RequestTrace trace() {
        return trace;
    }

    public void trace(RequestTrace trace) {
        this.trace = trace;
    }

    /** When the gateway took the request (epoch milliseconds; Kong's {@code started_at}). */
    public long startedMillis() {
        return startedMillis;
    }

    /** {@link System#nanoTime()} when the gateway took the request. */
    public long startedNanos() {
        return startedNanos;
    }

    /** Routing ran from {@code startNanos} to {@code endNanos} ({@link System#nanoTime}). */
    public RequestContext routed(long startNanos, long endNanos) {
        this.routingStartNanos = startNanos;
        this.routingEndNanos = endNanos;
        return this;
    }

    public long routingStartNanos() {
        return routingStartNanos;
    }

    public long routingEndNanos() {
        return routingEndNanos;
    }

    /**
     * One try at a target as Kong's log records it: where, when (ns), how long, the status it
     * answered (0: none) and, for a try with no answer, the status nginx records for it
     * ({@code failureStatus}: 502, 504 for a timeout; 0 when the gateway answered in its place).
     */
    public record TargetTry(
            String ip, int port, long startNanos, long endNanos, int status, int failureStatus, long balancerNanos) {}

    /** Asks that each try at a target be kept for the log ({@link #tries()}). */
    public void keepTries() {
        keepTries = true;
    }

    /**
     * Records a try at {@code ip:port} that was answered with {@code status} (kept only when a log
     * plugin asked); {@code balancerNanos} its target's choosing (Kong's balancer phase).
     */
    public void tried(String ip, int port, long startNanos, long endNanos, int status, long balancerNanos) {
        keep(new TargetTry(ip, port, startNanos, endNanos, status, 0, balancerNanos));
    }

    /** Records a try with no answer; {@code failureStatus} as nginx records it (502, 504), or 0. */
    public void triedAndFailed(
            String ip, int port, long startNanos, long endNanos, int failureStatus, long balancerNanos) {
        keep(new TargetTry(ip, port, startNanos, endNanos, 0, failureStatus, balancerNanos));
    }

    private void keep(TargetTry t) {
        if (keepTries) {
            if (tries == null) {
                tries = new java.util.ArrayList<>(2);
            }
            tries.add(t);
        }
    }

    /** The tries at targets, in order (empty unless kept). */
    public List<TargetTry> tries() {
        return tries == null ? List.of() : tries;
    }

    /** The path and query sent upstream (Kong's {@code upstream_uri}), or null when nothing was sent. */
    public String upstreamUri() {
        return upstreamUri;
    }

    /**
     * The id of the credential that authenticated the request (Kong's
     * {@code authenticated_credential.id}, logged as {@code authenticated_entity.id}); null: none.
     */
    public String credentialId() {
        return credentialId;
    }

    public void credentialId(String id) {
        this.credentialId = id;
    }

    /**
     * Who an auth plugin identified (Kong's {@code authenticated_consumer} and credential), kept
     * apart from the X-Consumer-* headers a request-transformer may remove or rename for the
     * backend: the log record names the consumer either way, as Kong's serializer does.
     * {@code credential} is X-Credential-Identifier's value, null for the anonymous consumer;
     * {@code entity} the consumer's tags and created_at (Kong's serializer writes the entity whole;
     * null: a consumer the file does not have, an SSO login's own).
     */
    public record Identity(
            String consumerId,
            String username,
            String customId,
            String credential,
            com.gitinsight.gateway.config.EntityMeta entity) {}

    private Identity identity;

    /** The trace headers the last try carried upstream, name then value (null: none injected). */
    private java.util.List<String> injectedTrace;

    public java.util.List<String> injectedTrace() {
        return injectedTrace;
    }

    /**
     * The trace context injected into the last try ({@code name, value, ...}): the log record shows
     * the request headers as the backend got them, these included, as Kong's set_header does.
     */
    public void injectedTrace(java.util.List<String> headers) {
        this.injectedTrace = headers;
    }

    /** The identified consumer, or null when none is. */
    public Identity identity() {
        return identity;
    }

    public void identity(Identity identity) {
        this.identity = identity;
    }

    /** The query part of {@link #upstreamUri()} (null: none, or nothing sent). */
    public String upstreamUriQuery() {
        return upstreamUriQuery;
    }

    /** Records what is sent upstream: {@code path}, then {@code ?query} unless {@code query} is null. */
    public void upstreamUri(String path, String query) {
        this.upstreamUri = query == null ? path : path + "?" + query;
        this.upstreamUriQuery = query;
    }

    /** The status the backend answered with (0: none answered). */
    public int upstreamStatus() {
        return upstreamStatus;
    }

    public void upstreamStatus(int status) {
        this.upstreamStatus = status;
    }

    /**
     * The backend's reason phrase, kept only for a status the container names none for (nginx
     * passes the backend's status line on): null otherwise.
     */
    public String upstreamReason() {
        return upstreamReason;
    }

    public void upstreamReason(String reason) {
        this.upstreamReason = reason;
    }

    /**
     * Records where an auth plugin read a credential (query argument names, header names), so that
     * no log record shows it, whether or not the plugin hides it from the backend (cookies are never
     * logged). The names any configured plugin reads credentials from are redacted anyway
     * ({@link PluginIndex#credentialArguments()}); these add the ones a plugin read on this request.
     */
    public void credentialNames(java.util.Collection<String> arguments, java.util.Collection<String> headers) {
        if (!arguments.isEmpty() && !snapshot.plugins().credentialArguments().containsAll(arguments)) {
            if (credentialArguments == null) {
                credentialArguments = new java.util.HashSet<>(snapshot.plugins().credentialArguments());
            }
            credentialArguments.addAll(arguments);
        }
        if (!headers.isEmpty() && !snapshot.plugins().credentialHeaders().containsAll(headers)) {
            if (credentialHeaders == null) {
                credentialHeaders = new java.util.TreeSet<>(HEADER_ORDER); // x_jwt is X-Jwt too
                credentialHeaders.addAll(snapshot.plugins().credentialHeaders());
            }
            credentialHeaders.addAll(headers);
        }
    }

    /**
     * Records where the credential an auth plugin verified on this request was read from (its
     * query argument names, its header names): only those carry this request's own user, who is
     * in the cache key (the names any plugin reads, {@link #credentialArguments()}, do not).
     */
    public void credentialVerifiedFrom(java.util.Collection<String> arguments, java.util.Collection<String> headers) {
        this.verifiedArguments = List.copyOf(arguments);
        this.verifiedHeaders = List.copyOf(headers);
    }

    /** Whether the verified credential was read from query argument {@code name} (exact, as nginx). */
    public boolean credentialVerifiedFromArgument(String name) {
        return verifiedArguments.contains(name);
    }

    /** Whether the verified credential was read from header {@code name} (compared as {@link #HEADER_ORDER}). */
    public boolean credentialVerifiedFromHeader(String name) {
        for (String h : verifiedHeaders) {
            if (HEADER_ORDER.compare(h, name) == 0) {
                return true;
            }
        }
        return false;
    }

    /** Query argument names that carry a credential (exact names, as nginx compares them). */
    public java.util.Set<String> credentialArguments() {
        return credentialArguments == null ? snapshot.plugins().credentialArguments() : credentialArguments;
    }

    /** Header names that carry a credential, compared as {@link #HEADER_ORDER} compares them. */
    public java.util.Set<String> credentialHeaders() {
        return credentialHeaders == null ? snapshot.plugins().credentialHeaders() : credentialHeaders;
    }

    /** The log record a log plugin made for this request, or null (typed by the logging package). */
    public Object logRecord() {
        return logRecord;
    }

    public void logRecord(Object record) {
        this.logRecord = record;
    }

    /** The custom fields earlier log plugins set on this request, or null (typed by the logging package). */
    public Object logFields() {
        return logFields;
    }

    public void logFields(Object fields) {
        this.logFields = fields;
    }

    /** correlation-id's id (Kong's set_serialize_value("correlation_id", ...)), or null. */
    public String correlationId() {
        return correlationId;
    }

    public void correlationId(String id) {
        this.correlationId = id;
    }
}
