package com.gitinsight.gateway.config;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * A route's and a service's JSON as Kong's entities are written where Kong shows them whole (the
 * log serializer's {@code route} and {@code service}, request-termination's echo of the matched
 * ones): the file's fields, Kong's defaults where it says nothing, a field it does not set left out
 * (Kong's DAO drops nulls), sets each value once, in the file's order. One writer, so the log and
 * the echo never disagree.
 */
public final class KongEntityJson {

    /** Kong's default workspace's id in DB-less mode (a constant: every DB-less Kong shows this one). */
    public static final String DEFAULT_WORKSPACE_ID = "0dc6f45b-8f8d-40d2-a504-473544ee190b";

    private static final JsonFactory JSON = new JsonFactory();

    private KongEntityJson() {}

    /**
     * The route entity; {@code service} its service (null: a route without one), {@code loadedAt}
     * when its configuration was loaded (epoch seconds): Kong stamps {@code updated_at} so, and
     * {@code created_at} where the file gives none.
     */
    public static void writeRoute(JsonGenerator g, RouteSpec route, ServiceSpec service, long loadedAt)
            throws IOException {
        g.writeStartObject();
        g.writeStringField("id", route.kongId());
        if (route.name() != null) {
            g.writeStringField("name", route.name());
        }
        RouteSpec.Entity entity = route.entity();
        // Kong's route entity leaves an unset field out (a route of hosts only has no paths); a
        // list the file gave empty is there, empty.
        if (!route.paths().isEmpty() || entity.givenEmpty().contains("paths")) {
            g.writeArrayFieldStart("paths");
            for (RouteSpec.RoutePath p : route.paths()) {
                g.writeString(p.raw());
            }
            g.writeEndArray();
        }
        writeStrings(g, "methods", route.methods(), entity.givenEmpty().contains("methods"));
        writeStrings(g, "hosts", route.hosts(), entity.givenEmpty().contains("hosts"));
        if (!route.headers().isEmpty() || entity.givenEmpty().contains("headers")) {
            g.writeObjectFieldStart("headers");
            for (Map.Entry<String, List<RouteSpec.HeaderValue>> h :
                    route.headers().entrySet()) {
                g.writeArrayFieldStart(h.getKey());
                for (RouteSpec.HeaderValue v : h.getValue()) {
                    g.writeString(v.written());
                }
                g.writeEndArray();
            }
            g.writeEndObject();
        }
        writeStrings(g, "snis", entity.snis(), entity.givenEmpty().contains("snis"));
        writeStrings(g, "protocols", entity.protocols(), false);
        g.writeBooleanField("strip_path", route.stripPath());
        g.writeBooleanField("preserve_host", route.preserveHost());
        g.writeNumberField("regex_priority", route.regexPriority());
        g.writeNumberField("https_redirect_status_code", entity.httpsRedirectStatusCode());
        g.writeStringField("path_handling", route.pathHandling() == RouteSpec.PathHandling.V1 ? "v1" : "v0");
        g.writeBooleanField("request_buffering", route.requestBuffering());
        g.writeBooleanField("response_buffering", entity.responseBuffering());
        writeStrings(g, "tags", entity.tags(), entity.givenEmpty().contains("tags"));
        writeTimes(g, entity.createdAt(), loadedAt);
        g.writeStringField("ws_id", DEFAULT_WORKSPACE_ID);
        // Kong's route names its service by id alone (a foreign key: {"id": ...}).
        if (service != null) {
            g.writeObjectFieldStart("service");
            g.writeStringField("id", service.kongId());
            g.writeEndObject();
        } // (none: Kong's entity leaves the unset foreign key out)
        g.writeEndObject();
    }

    /** The service entity (no credentials of a URL: the spec keeps none); {@code loadedAt} as for a route. */
    public static void writeService(JsonGenerator g, ServiceSpec service, long loadedAt) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", service.kongId());
        if (service.fileName() != null) { // Kong's entity leaves an unset name out
            g.writeStringField("name", service.fileName());
        }
        g.writeStringField("protocol", service.protocol());
        g.writeStringField("host", service.host());
        g.writeNumberField("port", service.port());
        if (service.path() != null) {
            g.writeStringField("path", service.path());
        }
        g.writeNumberField("retries", service.retries());
        g.writeNumberField("connect_timeout", service.connectTimeoutMs());
        g.writeNumberField("write_timeout", service.writeTimeoutMs());
        g.writeNumberField("read_timeout", service.readTimeoutMs());
        g.writeBooleanField("enabled", true); // a disabled service's routes are not loaded
        writeTls(g, service.tls());
        writeMeta(g, service.entity(), loadedAt);
        g.writeStringField("ws_id", DEFAULT_WORKSPACE_ID);
        g.writeEndObject();
    }

    /**
     * The service's own TLS fields as its Kong entity holds them (an upstream's client certificate
     * is the upstream's): the certificate entities by id; those the file leaves unset are left out.
     */
    private static void writeTls(JsonGenerator g, ServiceTls tls) throws IOException {
        if (tls.clientCertificate() != null && tls.clientCertificate().id() != null) {
            g.writeObjectFieldStart("client_certificate");
            g.writeStringField("id", tls.clientCertificate().id());
            g.writeEndObject();
        }
        if (tls.verify() != null) {
            g.writeBooleanField("tls_verify", tls.verify());
        }
        if (tls.verifyDepth() != null) {
            g.writeNumberField("tls_verify_depth", tls.verifyDepth());
        }
        if (!tls.caCertificateIds().isEmpty()) {
            g.writeArrayFieldStart("ca_certificates");
            for (String id : tls.caCertificateIds()) {
                g.writeString(id);
            }
            g.writeEndArray();
        }
    }

    /** The route entity as JSON text. */
    public static String route(RouteSpec route, ServiceSpec service, long loadedAt) {
        return text(g -> writeRoute(g, route, service, loadedAt));
    }

    /** The service entity as JSON text. */
    public static String service(ServiceSpec service, long loadedAt) {
        return text(g -> writeService(g, service, loadedAt));
    }

    /** A service's or consumer's tags and Kong's timestamps ({@code loadedAt} as for a route). */
    public static void writeMeta(JsonGenerator g, EntityMeta meta, long loadedAt) throws IOException {
        writeStrings(g, "tags", meta.tags(), meta.tagsGivenEmpty());
        writeTimes(g, meta.createdAt(), loadedAt);
    }

    /**
     * Kong's timestamps of an entity loaded from a declarative file: {@code created_at} the file's,
     * else the load time; {@code updated_at} the load time always ({@code process_auto_fields} on
     * insert).
     */
    private static void writeTimes(JsonGenerator g, long createdAt, long loadedAt) throws IOException {
        g.writeNumberField("created_at", createdAt >= 0 ? createdAt : loadedAt);
        g.writeNumberField("updated_at", loadedAt);
    }

    private interface Part {
        void write(JsonGenerator g) throws IOException;
    }

    private static String text(Part part) {
        StringWriter out = new StringWriter(256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            part.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** A list field, left out when empty unless the file gave it empty (Kong's entity has no such field then). */
    private static void writeStrings(JsonGenerator g, String name, Collection<String> values, boolean givenEmpty)
            throws IOException {
        if (values.isEmpty() && !givenEmpty) {
            return;
        }
        g.writeArrayFieldStart(name);
        for (String v : values) {
            g.writeString(v);
        }
        g.writeEndArray();
    }
}
