package com.gitinsight.gateway.security;

import com.gitinsight.gateway.http.HeaderLines;
import com.gitinsight.gateway.http.HeaderText;
import com.gitinsight.gateway.http.HttpDates;
import com.gitinsight.gateway.runtime.PluginFilter;
import com.gitinsight.gateway.runtime.RequestContext;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.Base64;

/**
 * Plugin {@code hmac-auth} (Kong 3.9): a request signed with a credential's secret
 * ({@code Authorization: hmac username="...", algorithm="...", headers="...", signature="..."}, or
 * the same in {@code Proxy-Authorization}, read first) identifies the credential's consumer, as
 * Kong's access.lua decides it and in its order: no header at all is 401 {@code Unauthorized};
 * a {@code X-Date} or {@code Date} more than {@code clock_skew} seconds away (or neither) is 401
 * {@code HMAC signature cannot be verified, a valid date or x-date header is required for HMAC
 * Authentication}; a header without Kong's shape, an algorithm not allowed, an enforced header not
 * signed or an unknown username is 401 {@code HMAC signature cannot be verified}; a wrong signature
 * or body digest is 401 {@code HMAC signature does not match}. Every 401 carries
 * {@code WWW-Authenticate: hmac} (with the realm when set), unless {@code anonymous} names the
 * consumer to go on as.
 */
public class HmacAuthFilter extends PluginFilter<HmacAuthSchema.Config> {

    private static final long serialVersionUID = 1L;
    static final String SIGNATURE_NOT_VALID = "HMAC signature cannot be verified";
    static final String SIGNATURE_NOT_SAME = "HMAC signature does not match";
    static final String DATE_REQUIRED =
            "HMAC signature cannot be verified, a valid date or x-date header is required for HMAC Authentication";

    private final transient AuthIndex.Current indexes = new AuthIndex.Current();

    public HmacAuthFilter() {
        super(HmacAuthSchema.NAME, HmacAuthSchema.Config.class);
    }

    @Override
    protected void apply(
            HmacAuthSchema.Config config,
            RequestContext context,
            HttpServletRequest request,
            HttpServletResponse response,
            FilterChain chain)
            throws IOException, ServletException {
        if (config.anonymous() != null && context.credentialAuthenticated()) {
            // Kong's logical OR: an earlier auth plugin has authenticated the request.
            chain.doFilter(request, response);
            return;
        }
        AuthIndex index = indexes.of(context.snapshot().config());
        Outcome outcome = authenticate(config, context, request, index, System.currentTimeMillis() / 1000);
        if (outcome.credential() != null) {
            AuthIndex.HmacCredential c = outcome.credential();
            ConsumerIdentity.identify(context, c.consumer(), c.username(), c.id(), false);
            chain.doFilter(request, response);
            return;
        }
        ConsumerIdentity.refuseOrGoOnAnonymously(
                config.anonymous(), index, outcome.failure(), config.challenge(), context, request, response, chain);
    }

    /** The credential the request is signed by, or the 401's message. */
    record Outcome(AuthIndex.HmacCredential credential, String failure) {
        static Outcome refused(String message) {
            return new Outcome(null, message);
        }
    }

    /** Kong's {@code do_authentication}, at {@code nowSeconds}. */
    static Outcome authenticate(
            HmacAuthSchema.Config config,
            RequestContext context,
            HttpServletRequest request,
            AuthIndex index,
            long nowSeconds)
            throws IOException {
        String authorization = request.getHeader("Authorization");
        String proxyAuthorization = request.getHeader("Proxy-Authorization");
        if (authorization == null && proxyAuthorization == null) {
            return Outcome.refused(KeyAuthFilter.UNAUTHORIZED);
        }
        if (!withinSkew(request.getHeader("X-Date"), config.clockSkew(), nowSeconds)
                && !withinSkew(request.getHeader("Date"), config.clockSkew(), nowSeconds)) {
            return Outcome.refused(DATE_REQUIRED);
        }
        HmacSignature.Params params = HmacSignature.parse(proxyAuthorization);
        boolean fromAuthorization = params == null;
        if (params == null) {
            params = HmacSignature.parse(authorization);
            if (config.hideCredentials()) {
                context.upstreamHeader("Authorization", null);
            }
        } else if (config.hideCredentials()) {
            context.upstreamHeader("Proxy-Authorization", null);
        }
        if (params == null
                || !params.headers().containsAll(config.enforceHeaders())
                || !config.algorithms().contains(params.algorithm())) {
            return Outcome.refused(SIGNATURE_NOT_VALID);
        }
        if (HmacSignature.signsARepeatedHeader(request, params)
                || config.validateRequestBody() && HeaderLines.repeated(request, "Digest")) {
            // Only the first copy is signed, and a backend may read the last (helper review 255: a
            // captured signed X-Amount: 100 went on with X-Amount: 999999 after it). Kong passes it.
            return Outcome.refused(SIGNATURE_NOT_VALID);
        }
        // The username as its UTF-8 bytes spell it (a header's bytes arrive one char each).
        String username = HeaderText.utf8(params.username());
        AuthIndex.HmacCredential credential = username == null ? null : index.hmac(username);
        if (credential == null) {
            return Outcome.refused(SIGNATURE_NOT_VALID);
        }
        byte[] presented = decode(params.signature());
        if (presented == null || !HmacSignature.matches(request, params, credential.secret(), presented)) {
            return Outcome.refused(SIGNATURE_NOT_SAME);
        }
        if (config.validateRequestBody() && !bodyMatchesDigest(request, context)) {
            return Outcome.refused(SIGNATURE_NOT_SAME);
        }
        if (fromAuthorization) {
            context.markAuthorizationVerified();
        }
        return new Outcome(credential, null);
    }

    /** Kong's {@code validate_clock_skew}: the header is an HTTP date at most {@code skew} seconds away. */
    private static boolean withinSkew(String date, double skew, long nowSeconds) {
        long at = HttpDates.epochSeconds(date);
        return at != HttpDates.INVALID && Math.abs((double) nowSeconds - at) <= skew;
    }

    /** nginx's base64 decoding (Kong's {@code ngx.decode_base64}): up to the first {@code =}; null if not base64. */
    private static byte[] decode(String value) {
        int eq = value.indexOf('=');
        try {
            return Base64.getDecoder().decode(eq < 0 ? value : value.substring(0, eq));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * nginx keeps a body whose {@code Content-Length} is under a quarter more than
     * {@code client_body_buffer_size} (8 KiB) in memory, in one buffer of its size
     * ({@code ngx_http_read_client_request_body}: {@code size += size >> 2}); a larger or chunked
     * body beyond 8 KiB goes to a file, where Kong's {@code get_raw_body} cannot read it.
     */
    static final int DECLARED_IN_MEMORY = BodyArgs.MAX_BYTES + (BodyArgs.MAX_BYTES >> 2);

    /**
     * Kong's {@code validate_body}: the body's {@code SHA-256=<base64>} is the {@code Digest}
     * header's value, or there is neither body nor digest. As in Kong, only a body nginx keeps in
     * memory can be checked (declared shorter than {@link #DECLARED_IN_MEMORY}, or chunked within
     * 8 KiB); a larger one never matches. What was read goes on to the upstream as it came.
     */
    private static boolean bodyMatchesDigest(HttpServletRequest request, RequestContext context) throws IOException {
        InputStream handed = context.upstreamBody();
        long length = handed != null ? context.upstreamBodyLength() : request.getContentLengthLong();
        boolean chunked = length < 0 && com.gitinsight.gateway.http.BodyFraming.unknownLength(request);
        byte[] body = new byte[0];
        if (handed != null || length > 0 || chunked) {
            InputStream in = handed != null ? handed : request.getInputStream();
            int max = length > 0 && !chunked ? DECLARED_IN_MEMORY - 1 : BodyArgs.MAX_BYTES;
            byte[] read = in.readNBytes(max + 1);
            if (length > 0 && read.length < length) {
                // Ended before its declared length: no digest holds for a body not whole. What was
                // read goes on (an anonymous fallback sends it), so the upstream sees the body cut
                // short and fails, never a whole request with an empty body (helper review 255).
                context.upstreamBody(new SequenceInputStream(new ByteArrayInputStream(read), in), length);
                return false;
            }
            if (read.length > max) {
                context.upstreamBody(new SequenceInputStream(new ByteArrayInputStream(read), in), length);
                return false;
            }
            context.upstreamBody(new ByteArrayInputStream(read), read.length);
            body = read;
        }
        String digest = request.getHeader("Digest");
        if (digest == null) {
            return body.length == 0;
        }
        String expected = "SHA-256=" + Base64.getEncoder().encodeToString(AuthIndex.sha256(body));
        return expected.equals(digest);
    }
}
