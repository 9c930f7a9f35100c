package com.gitinsight.gateway.security;

import com.gitinsight.gateway.http.ErrorResponses;
import com.gitinsight.gateway.runtime.PluginFilter;
import com.gitinsight.gateway.runtime.RequestContext;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Plugin {@code basic-auth} (Kong 3.9): {@code Proxy-Authorization}, then {@code Authorization},
 * read as Kong reads them; a known username with its password identifies the consumer
 * ({@link ConsumerIdentity}, X-Credential-Identifier the username). Every failure is 401
 * {@code Unauthorized} with {@code WWW-Authenticate: Basic realm="<realm>"}, or the
 * {@code anonymous} consumer.
 */
public class BasicAuthFilter extends PluginFilter<BasicAuthSchema.Config> {

    private static final long serialVersionUID = 1L;
    /**
     * Kong's {@code \s*[Bb]asic\s*(.+)}, unanchored, without its leading {@code \s*}: the same
     * capture, but a header of 30,000 blanks no longer costs quadratic backtracking. PCRE's
     * {@code .} stops only at a line feed (UNIX_LINES; Java's also at 0x85, which cut the capture).
     */
    private static final Pattern SCHEME = Pattern.compile("[Bb]asic\\s*(.+)", Pattern.UNIX_LINES);

    private final transient AuthIndex.Current indexes = new AuthIndex.Current();

    /**
     * Password derivations running at once: half the cores. Every wrong password costs a PBKDF2
     * run, so a flood of them must not take every core; a check that cannot wait gets 503.
     */
    transient PasswordChecks checks =
            new PasswordChecks(PasswordChecks.forCores(Runtime.getRuntime().availableProcessors()));

    public BasicAuthFilter() {
        super(BasicAuthSchema.NAME, BasicAuthSchema.Config.class);
    }

    @Override
    protected void apply(
            BasicAuthSchema.Config config,
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
        AuthIndex.BasicCredential credential;
        try {
            credential = authenticate(config, context, request, index, checks);
        } catch (PasswordChecks.Busy busy) {
            if (config.anonymous() == null) {
                ErrorResponses.write(
                        request, response, 503, "Too many password checks in progress; try again", "Retry-After", "1");
                return;
            }
            credential = null; // unverified: the route's anonymous consumer, as for a failed check
        }
        if (credential != null) {
            ConsumerIdentity.identify(context, credential.consumer(), credential.username(), credential.id(), false);
            chain.doFilter(request, response);
            return;
        }
        ConsumerIdentity.refuseOrGoOnAnonymously(
                config.anonymous(),
                index,
                KeyAuthFilter.UNAUTHORIZED,
                config.challenge(),
                context,
                request,
                response,
                chain);
    }

    /** Kong's {@code do_authentication}: the credential, or null (401). */
    static AuthIndex.BasicCredential authenticate(
            BasicAuthSchema.Config config,
            RequestContext context,
            HttpServletRequest request,
            AuthIndex index,
            PasswordChecks checks) {
        String proxyHeader = request.getHeader("Proxy-Authorization");
        String header = request.getHeader("Authorization");
        if (proxyHeader == null && header == null) {
            return null;
        }
        String[] presented = credentials(config, context, "Proxy-Authorization", proxyHeader);
        AuthIndex.BasicCredential credential = presented == null ? null : index.basic(presented[0]);
        boolean fromAuthorization = false;
        if (credential == null) {
            String[] authorization = credentials(config, context, "Authorization", header);
            if (authorization != null) {
                presented = authorization;
                credential = index.basic(authorization[0]);
                fromAuthorization = true;
            }
        }
        if (presented == null) {
            return null;
        }
        if (credential == null || presented[1] == null) {
            // As long as a known username's check: the answer's timing does not tell which exist.
            // A password whose bytes are no UTF-8 matches no stored one (Kong compares the bytes),
            // and the Authorization header is not read after it (helper review 288).
            checks.unknownUser(index.decoy(), presented[1] == null ? "" : presented[1]);
            return null;
        }
        if (!index.verify(credential, presented[1], checks)) {
            return null;
        }
        if (fromAuthorization) {
            context.markAuthorizationVerified();
        }
        return credential;
    }

    /**
     * Kong's {@code retrieve_credentials}: username and password, or null. With
     * {@code hide_credentials} the header is dropped, except (as in Kong) when its decoded value has
     * no {@code user:password} shape.
     */
    private static String[] credentials(
            BasicAuthSchema.Config config, RequestContext context, String name, String value) {
        String[] out = null;
        if (value != null) {
            Matcher m = SCHEME.matcher(value);
            String decoded = m.find() ? decode(m.group(1)) : null;
            if (decoded != null) {
                out = pair(decoded);
                if (out == null) {
                    return null;
                }
                // Kong finds a credential by the username's bytes: one that is no UTF-8 names none
                // here; a password that is none is kept as null, which no check accepts.
                String username = utf8(out[0]);
                out = username == null ? null : new String[] {username, utf8(out[1])};
            }
        }
        if (config.hideCredentials()) {
            context.upstreamHeader(name, null);
        }
        return out;
    }

    /**
     * What Kong's unanchored {@code ([^:]+):(.*)} finds, in linear time (the regex backtracks
     * quadratically on a long value without a colon): leading colons skipped, the username up to
     * the next colon, the password the rest of that line. Null: no such shape.
     */
    static String[] pair(String decoded) {
        int start = 0;
        while (start < decoded.length() && decoded.charAt(start) == ':') {
            start++;
        }
        int colon = decoded.indexOf(':', start);
        if (start >= decoded.length() || colon < 0) {
            return null;
        }
        // PCRE's . stops at a newline: "bob:kong\n" (echo user:pass | base64) is password "kong".
        int newline = decoded.indexOf('\n', colon + 1);
        return new String[] {
            decoded.substring(start, colon), decoded.substring(colon + 1, newline < 0 ? decoded.length() : newline)
        };
    }

    /**
     * nginx's base64 decoding: the standard alphabet, up to the first {@code =}, padding optional;
     * anything else is no credential. The bytes one character each (split on ':' and '\n' as Kong
     * splits them, then read as UTF-8 by {@link #utf8}).
     */
    static String decode(String token) {
        int eq = token.indexOf('=');
        try {
            byte[] bytes = Base64.getDecoder().decode(eq < 0 ? token : token.substring(0, eq));
            return new String(bytes, StandardCharsets.ISO_8859_1);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * {@code bytes} (one character each) as the UTF-8 they spell, or null: Kong compares the raw
     * bytes, where a lenient decoding made {@code jos\xFF} the name {@code jos\uFFFD} (helper
     * review 212).
     */
    static String utf8(String bytes) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes.getBytes(StandardCharsets.ISO_8859_1)))
                    .toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            return null;
        }
    }
}
