package com.gitinsight.gateway.security;

import com.gitinsight.gateway.http.ErrorResponses;
import com.gitinsight.gateway.http.HeaderText;
import com.gitinsight.gateway.runtime.RequestContext;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Kong's {@code set_consumer(consumer, credential)}, shared by jwt, key-auth and basic-auth: the
 * request's consumer and Kong's X-Consumer-* headers for the upstream (a null value drops the
 * client's copy; {@code proxy.UpstreamHeaders} drops client copies anyway).
 */
final class ConsumerIdentity {

    static final String[] HEADERS = {
        "X-Consumer-ID",
        "X-Consumer-Custom-ID",
        "X-Consumer-Username",
        "X-Credential-Identifier",
        "X-Anonymous-Consumer"
    };

    private ConsumerIdentity() {}

    /** Drops every consumer header the client sent. */
    static void clear(RequestContext context) {
        for (String h : HEADERS) {
            context.upstreamHeader(h, null);
        }
        context.identity(null);
        context.credentialVerifiedFrom(java.util.List.of(), java.util.List.of());
    }

    /**
     * {@code c} is the request's consumer: authenticated by {@code credential} (Kong's
     * X-Credential-Identifier), or the {@code anonymous} fallback (no credential).
     */
    static void identify(RequestContext context, Credentials.Consumer c, String credential, boolean anonymous) {
        identify(context, c, credential, null, anonymous);
    }

    /** As above; {@code credentialId} the credential's id (Kong's authenticated_entity.id) when it differs. */
    static void identify(
            RequestContext context, Credentials.Consumer c, String credential, String credentialId, boolean anonymous) {
        // Where the credential was read from is the calling plugin's to say, after this.
        context.credentialVerifiedFrom(java.util.List.of(), java.util.List.of());
        context.credentialId(anonymous ? null : credentialId != null ? credentialId : credential);
        context.consumer(c.id());
        context.consumerReference(c.username() != null ? c.username() : c.customId());
        // Kong's prometheus label is the username: a consumer with a custom_id only is counted under "".
        context.consumerLabel(c.username() != null ? c.username() : "");
        context.credentialAuthenticated(!anonymous);
        context.identity(new RequestContext.Identity(
                c.id(), c.username(), c.customId(), anonymous ? null : credential, c.entity()));
        // Their UTF-8 bytes, as Kong sends them (HeaderText.wire: "иван" is not "????").
        context.upstreamHeader("X-Consumer-ID", HeaderText.wire(c.id()));
        context.upstreamHeader("X-Consumer-Custom-ID", HeaderText.wire(c.customId()));
        context.upstreamHeader("X-Consumer-Username", HeaderText.wire(c.username()));
        context.upstreamHeader("X-Credential-Identifier", anonymous ? null : HeaderText.wire(credential));
        context.upstreamHeader("X-Anonymous-Consumer", anonymous ? "true" : null);
        String verified = credentialId != null ? credentialId : credential;
        if (!anonymous && verified != null && !context.hasSubject()) {
            // The user, for the cache: the verified credential (basic-auth's, hmac-auth's, a key),
            // so a request whose Authorization header a plugin checked is cached per credential
            // instead of never (the jwt plugin sets the token's own subject).
            context.subject(null, "credential\n" + verified);
        }
    }

    /**
     * An auth plugin's failure, as Kong's: 401 {@code failure} with the plugin's
     * {@code WWW-Authenticate} challenge, or, with {@code anonymousRef}, the request goes on as that
     * consumer (500 when the configuration lacks it, as Kong 3.9 answers; the file loads, warned).
     */
    static void refuseOrGoOnAnonymously(
            String anonymousRef,
            AuthIndex index,
            String failure,
            String challenge,
            RequestContext context,
            HttpServletRequest request,
            HttpServletResponse response,
            FilterChain chain)
            throws IOException, ServletException {
        if (anonymousRef == null) {
            ErrorResponses.write(request, response, 401, failure, "WWW-Authenticate", challenge);
            return;
        }
        Credentials.Consumer anonymous = index.consumer(anonymousRef);
        if (anonymous == null) {
            ErrorResponses.write(request, response, 500, KeyAuthFilter.UNEXPECTED);
            return;
        }
        identify(context, anonymous, null, true);
        chain.doFilter(request, response);
    }
}
