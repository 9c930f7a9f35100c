package com.gitinsight.gateway.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The console's login, open to the allowed networks without a token: which methods exist, and for
 * OpenID Connect the provider's endpoints (from discovery) and the code exchange. The browser runs
 * the authorization code flow with PKCE (a public client, no secret); the gateway only relays the
 * exchange, so the provider need not allow the console's origin (CORS).
 */
@Path("_gateway/admin/login")
@ApplicationScoped
@AdminOnly
public class LoginResource {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    AdminSettings settings;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private volatile JsonNode discovery;

    @GET
    public Response methods() {
        ObjectNode body = JSON.createObjectNode();
        body.put("token", settings.adminToken() != null);
        settings.oidc().ifPresentOrElse(o -> {
            ObjectNode oidc = body.putObject("oidc");
            oidc.put("issuer", o.issuer()).put("client_id", o.clientId()).put("scope", o.scope());
            try {
                oidc.put("authorization_endpoint", discovery().path("authorization_endpoint").asText(null));
            } catch (IOException e) {
                oidc.put("error", "the identity provider cannot be reached: " + e.getMessage());
            }
        }, () -> body.putNull("oidc"));
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
            if (in == null || !in.hasNonNull("code") || !in.hasNonNull("code_verifier") || !in.hasNonNull("redirect_uri")) {
                return message(400, "code, code_verifier and redirect_uri are required");
            }
            String form = "grant_type=authorization_code"
                    + "&code=" + enc(in.path("code").asText())
                    + "&code_verifier=" + enc(in.path("code_verifier").asText())
                    + "&redirect_uri=" + enc(in.path("redirect_uri").asText())
                    + "&client_id=" + enc(oidc.clientId());
            String endpoint = discovery().path("token_endpoint").asText(null);
            if (endpoint == null) {
                return message(502, "the identity provider's discovery has no token_endpoint");
            }
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(endpoint))
                    .timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != 200) {
                return message(401, "the identity provider refused the code (HTTP " + answer.statusCode() + ")");
            }
            JsonNode tokens = JSON.readTree(answer.body());
            ObjectNode out = JSON.createObjectNode();
            // The access token is what the admin API verifies; an id_token serves when the provider issues no JWT access token.
            String access = tokens.path("access_token").asText("");
            out.put("token", access.chars().filter(c -> c == '.').count() == 2 ? access : tokens.path("id_token").asText(null));
            out.put("expires_in", tokens.path("expires_in").asLong(0));
            return Response.ok(out.toString(), MediaType.APPLICATION_JSON_TYPE).build();
        } catch (IOException e) {
            return message(502, "the identity provider cannot be reached: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return message(503, "interrupted");
        }
    }

    private JsonNode discovery() throws IOException {
        JsonNode d = discovery;
        if (d != null) {
            return d;
        }
        String issuer = settings.oidc().orElseThrow().issuer();
        String url = issuer.endsWith("/") ? issuer + ".well-known/openid-configuration"
                : issuer + "/.well-known/openid-configuration";
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IOException("HTTP " + r.statusCode() + " from " + url);
            }
            discovery = JSON.readTree(r.body());
            return discovery;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static Response message(int status, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON)
                .entity(JSON.createObjectNode().put("message", message).toString()).build();
    }
}
