package com.gitinsight.gateway.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.gitinsight.gateway.http.ErrorResponses;
import com.gitinsight.gateway.security.IdentityProviderClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.microprofile.faulttolerance.exceptions.FaultToleranceException;

/**
 * The console's login, open to the allowed networks without a token: which methods exist, and for
 * OpenID Connect the provider's endpoints (from discovery) and the code exchange. The browser runs
 * the authorization code flow with PKCE (a public client, no secret); the gateway only relays the
 * exchange, so the provider need not allow the console's origin (CORS). Both calls go through
 * {@link IdentityProviderClient} (discovery with its guards and last good answer).
 */
@Path("_gateway/admin/login")
@ApplicationScoped
@AdminOnly
public class LoginResource {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    AdminSettings settings;

    @Inject
    IdentityProviderClient idp;

    private volatile IdentityProviderClient.Metadata discovery;

    @GET
    public Response methods() {
        ObjectNode body = JSON.createObjectNode();
        body.put("token", settings.adminToken() != null);
        settings.oidc()
                .ifPresentOrElse(
                        o -> {
                            ObjectNode oidc = body.putObject("oidc");
                            oidc.put("issuer", o.issuer())
                                    .put("client_id", o.clientId())
                                    .put("scope", o.scope());
                            try {
                                oidc.put("authorization_endpoint", discovery().authorizationEndpoint());
                            } catch (IOException e) {
                                oidc.put("error", "the identity provider cannot be reached: " + e.getMessage());
                            }
                        },
                        () -> body.putNull("oidc"));
        return Response.ok(body.toString(), MediaType.APPLICATION_JSON_TYPE).build();
    }

    /** Exchanges an authorization code (with its PKCE verifier) at the provider's token endpoint. */
    @POST
    @Path("token")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response token(String text) {
        AdminSettings.Oidc oidc = settings.oidc().orElse(null);
        if (oidc == null) {
            return message(404, "OpenID Connect login is not configured");
        }
        try {
            JsonNode in = text == null || text.isBlank() ? null : JSON.readTree(text);
            if (in == null
                    || !in.hasNonNull("code")
                    || !in.hasNonNull("code_verifier")
                    || !in.hasNonNull("redirect_uri")) {
                return message(400, "code, code_verifier and redirect_uri are required");
            }
            Map<String, String> form = new LinkedHashMap<>();
            form.put("grant_type", "authorization_code");
            form.put("code", in.path("code").asText());
            form.put("code_verifier", in.path("code_verifier").asText());
            form.put("redirect_uri", in.path("redirect_uri").asText());
            form.put("client_id", oidc.clientId());
            String endpoint = discovery().tokenEndpoint();
            if (endpoint == null) {
                return message(502, "the identity provider's discovery has no token_endpoint");
            }
            IdentityProviderClient.TokenAnswer answer = idp.exchange(endpoint, form);
            if (answer.status() != 200) {
                return message(401, "the identity provider refused the code (HTTP " + answer.status() + ")");
            }
            JsonNode tokens = JSON.readTree(answer.body());
            ObjectNode out = JSON.createObjectNode();
            // The access token is what the admin API verifies; an id_token serves when the provider issues no JWT
            // access token.
            String access = tokens.path("access_token").asText("");
            out.put(
                    "token",
                    access.chars().filter(c -> c == '.').count() == 2
                            ? access
                            : tokens.path("id_token").asText(null));
            out.put("expires_in", tokens.path("expires_in").asLong(0));
            return Response.ok(out.toString(), MediaType.APPLICATION_JSON_TYPE).build();
        } catch (IOException | FaultToleranceException e) {
            // FaultToleranceException: the exchange's timeout.
            return message(502, "the identity provider cannot be reached: " + e.getMessage());
        }
    }

    /** The provider's endpoints, kept once found (the client falls back to its last good document too). */
    private IdentityProviderClient.Metadata discovery() throws IOException {
        IdentityProviderClient.Metadata d = discovery;
        if (d == null) {
            d = idp.discovery(settings.oidc().orElseThrow().issuer());
            discovery = d;
        }
        return d;
    }

    private static Response message(int status, String message) {
        return Response.status(status)
                .type(MediaType.APPLICATION_JSON)
                .entity(ErrorResponses.body(java.util.Map.of("message", message), null))
                .build();
    }
}
