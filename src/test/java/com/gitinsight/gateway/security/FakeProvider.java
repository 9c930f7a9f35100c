package com.gitinsight.gateway.security;

import java.io.IOException;
import java.net.ConnectException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jose4j.jwk.JsonWebKeySet;

/**
 * An {@link IdentityProviderClient} whose provider is a map of documents, stopped and started at
 * will, with the fallback the {@code @Fallback} interceptor applies in the server done by hand
 * (the Fault Tolerance annotations do nothing outside a container).
 */
class FakeProvider extends IdentityProviderClient {

    final Map<String, String> documents = new ConcurrentHashMap<>();
    final AtomicInteger requests = new AtomicInteger();
    volatile boolean up = true;

    @Override
    String get(String url) throws IOException {
        requests.incrementAndGet();
        if (!up) {
            throw new IOException(url + ": " + new ConnectException("Connection refused"));
        }
        String body = documents.get(url);
        if (body == null) {
            throw new Refused("HTTP 404 from " + url);
        }
        return body;
    }

    @Override
    public Metadata discovery(String issuer) throws IOException {
        try {
            return super.discovery(issuer);
        } catch (IOException | RuntimeException e) {
            return lastDiscovery(issuer);
        }
    }

    @Override
    public JsonWebKeySet keys(String jwksUri) throws IOException {
        try {
            return super.keys(jwksUri);
        } catch (IOException | RuntimeException e) {
            return lastKeys(jwksUri);
        }
    }
}
