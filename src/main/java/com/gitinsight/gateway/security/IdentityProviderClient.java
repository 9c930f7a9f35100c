package com.gitinsight.gateway.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.spi.CDI;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.ClientBuilder;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.core.Form;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Fallback;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.lang.JoseException;

/**
 * The control plane's one HTTP client to OpenID Connect providers: discovery documents, key sets
 * (JWKS) and the console's code exchange, on the JAX-RS client API (the server's own client:
 * Jersey on Payara, RESTEasy on WildFly). Discovery and key fetches are guarded by MicroProfile
 * Fault Tolerance: a timeout per attempt, two retries with a jittered delay, a circuit breaker so
 * a provider that is down is not called on every token, and a fallback to the last good answer
 * for the same address, so tokens signed by keys already seen keep verifying while the provider
 * is down (a token naming a key never seen still fails).
 *
 * <p>The guards act only on calls through the CDI proxy: inject this bean, or take
 * {@link #current()}; a method of this class calling another does not pass them. The Fault
 * Tolerance specification keeps one breaker per method, not per provider: with several
 * providers, one that is down opens the breaker for all of them for {@code delay}, during which
 * every provider's last good answer serves. Each setting can be changed through MicroProfile
 * Config ({@code com.gitinsight.gateway.security.IdentityProviderClient/keys/CircuitBreaker/delay=60000}).
 */
@ApplicationScoped
public class IdentityProviderClient {

    private static final Logger LOG = Logger.getLogger(IdentityProviderClient.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Discovery documents and key sets are small; a provider sending more is refused. */
    static final int MAX_BODY_BYTES = 1 << 20;

    private static final MediaType JWK_SET = new MediaType("application", "jwk-set+json");

    /** What the gateway needs from a provider's discovery document ({@code jwksUri} is required). */
    public record Metadata(String issuer, String jwksUri, String authorizationEndpoint, String tokenEndpoint) {}

    /** The token endpoint's answer: its status and body as sent. */
    public record TokenAnswer(int status, String body) {}

    /** The provider answered, but not usably (a 4xx, or a body that is not what was asked for): not retried. */
    public static class Refused extends IOException {
        private static final long serialVersionUID = 1L;

        public Refused(String message) {
            super(message);
        }
    }

    private final LastGood<Metadata> discovered = new LastGood<>();
    private final LastGood<JsonWebKeySet> keySets = new LastGood<>();
    private volatile Client http;

    /**
     * The bean (its CDI proxy, so the guards act), or an unguarded instance where there is no CDI
     * container (unit tests): for code that is not a CDI bean and cannot have it injected.
     */
    public static IdentityProviderClient current() {
        try {
            return CDI.current().select(IdentityProviderClient.class).get();
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "no CDI container; the identity provider client is unguarded: {0}", e.toString());
            return Unmanaged.INSTANCE;
        }
    }

    private static final class Unmanaged {
        static final IdentityProviderClient INSTANCE = new IdentityProviderClient();
    }

    /** {@code issuer/.well-known/openid-configuration}. */
    public static String discoveryUrl(String issuer) {
        return issuer.endsWith("/")
                ? issuer + ".well-known/openid-configuration"
                : issuer + "/.well-known/openid-configuration";
    }

    /** The issuer's discovery document; while the issuer does not answer, the last one it sent. */
    @Timeout(5_000)
    @Retry(
            maxRetries = 2,
            delay = 200,
            jitter = 100,
            maxDuration = 15_000,
            abortOn = {Refused.class, CircuitBreakerOpenException.class})
    @CircuitBreaker(requestVolumeThreshold = 4, failureRatio = 0.75, delay = 30_000)
    @Fallback(fallbackMethod = "lastDiscovery")
    public Metadata discovery(String issuer) throws IOException {
        String url = discoveryUrl(issuer);
        try {
            JsonNode doc;
            String body = get(url);
            try {
                doc = JSON.readTree(body);
            } catch (IOException e) {
                throw new Refused("not JSON at " + url + ": " + e.getMessage());
            }
            String jwksUri = doc.path("jwks_uri").asText(null);
            if (jwksUri == null) {
                throw new Refused("no jwks_uri in " + url);
            }
            return discovered.remember(
                    issuer,
                    new Metadata(
                            doc.path("issuer").asText(issuer),
                            jwksUri,
                            doc.path("authorization_endpoint").asText(null),
                            doc.path("token_endpoint").asText(null)));
        } catch (IOException | RuntimeException e) {
            discovered.failed(issuer, e);
            throw e;
        }
    }

    /** {@link #discovery}'s fallback: the last good document of the issuer, else an exception. */
    Metadata lastDiscovery(String issuer) throws IOException {
        return recall(discovered, issuer, "discovery document");
    }

    /** The key set at {@code jwksUri}; while it does not answer, the last one it sent. */
    @Timeout(5_000)
    @Retry(
            maxRetries = 2,
            delay = 200,
            jitter = 100,
            maxDuration = 15_000,
            abortOn = {Refused.class, CircuitBreakerOpenException.class})
    @CircuitBreaker(requestVolumeThreshold = 4, failureRatio = 0.75, delay = 30_000)
    @Fallback(fallbackMethod = "lastKeys")
    public JsonWebKeySet keys(String jwksUri) throws IOException {
        try {
            String body = get(jwksUri);
            JsonWebKeySet keys;
            try {
                keys = new JsonWebKeySet(body);
            } catch (JoseException | RuntimeException e) {
                throw new Refused("not a JSON Web Key Set at " + jwksUri + ": " + e.getMessage());
            }
            return keySets.remember(jwksUri, keys);
        } catch (IOException | RuntimeException e) {
            keySets.failed(jwksUri, e);
            throw e;
        }
    }

    /** {@link #keys}'s fallback: the last good key set from the address, else an exception. */
    JsonWebKeySet lastKeys(String jwksUri) throws IOException {
        return recall(keySets, jwksUri, "key set");
    }

    private static <V> V recall(LastGood<V> last, String address, String what) throws IOException {
        V value = last.recall(address);
        String failure = last.failure(address);
        LOG.warning(() -> "identity provider " + address + " failed" + (failure == null ? "" : " (" + failure + ")")
                + "; using its last good " + what + " (" + last.ageSeconds(address) + " s old)");
        return value;
    }

    /**
     * Exchanges a form at a provider's token endpoint (the console's authorization code). Not
     * retried: a code is good once, and a second try after a lost answer would be refused anyway.
     */
    @Timeout(10_000)
    public TokenAnswer exchange(String tokenEndpoint, Map<String, String> form) throws IOException {
        Form entity = new Form();
        form.forEach(entity::param);
        try (Response r = client().target(tokenEndpoint)
                .request(MediaType.APPLICATION_JSON_TYPE)
                .post(Entity.form(entity))) {
            return new TokenAnswer(r.getStatus(), body(r, tokenEndpoint));
        } catch (ProcessingException e) {
            throw new IOException(tokenEndpoint + ": " + cause(e), e);
        }
    }

    /**
     * A GET's body when the answer is 200 (the address is a URL from the configuration or from
     * discovery). A 4xx is {@link Refused} (asking again will not help); a 5xx is not.
     */
    String get(String url) throws IOException {
        try (Response r = client().target(url)
                .request(MediaType.APPLICATION_JSON_TYPE, JWK_SET)
                .get()) {
            if (r.getStatus() != 200) {
                String message = "HTTP " + r.getStatus() + " from " + url;
                throw r.getStatus() >= 400 && r.getStatus() < 500 ? new Refused(message) : new IOException(message);
            }
            return body(r, url);
        } catch (ProcessingException e) {
            throw new IOException(url + ": " + cause(e), e);
        } catch (IllegalArgumentException e) {
            throw new Refused("not a URL: " + url);
        }
    }

    private static String body(Response r, String url) throws IOException {
        if (!r.hasEntity()) {
            return "";
        }
        try (InputStream in = r.readEntity(InputStream.class)) {
            byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
            if (bytes.length > MAX_BODY_BYTES) {
                throw new Refused("more than " + MAX_BODY_BYTES + " bytes from " + url);
            }
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    private static String cause(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.toString();
    }

    private Client client() {
        Client c = http;
        if (c == null) {
            synchronized (this) {
                c = http;
                if (c == null) {
                    c = ClientBuilder.newBuilder()
                            .connectTimeout(3, TimeUnit.SECONDS)
                            .readTimeout(5, TimeUnit.SECONDS)
                            .build();
                    http = c;
                }
            }
        }
        return c;
    }

    @PreDestroy
    void close() {
        Client c = http;
        http = null;
        if (c != null) {
            c.close();
        }
    }
}
