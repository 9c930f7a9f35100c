package com.gitinsight.gateway.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CacheKeysTest {

    static ProxyCacheSchema.Config config(ProxyCacheSchema.VaryIdentity identity, List<String> varyHeaders) {
        return config(identity, varyHeaders, List.of("GET", "HEAD"));
    }

    static ProxyCacheSchema.Config config(
            ProxyCacheSchema.VaryIdentity identity, List<String> varyHeaders, List<String> methods) {
        return new ProxyCacheSchema.Config(
                Set.of(200, 301, 404),
                Set.copyOf(methods),
                Set.of("application/json"),
                300,
                false,
                varyHeaders,
                List.of(),
                false,
                ProxyCacheSchema.Config.STORAGE_TTL_UNSET,
                1024 * 1024,
                0,
                1000,
                identity);
    }

    private static String key(ProxyCacheSchema.Config config, FakeRequest r) {
        return CacheKeys.key(config, r.context, r.request, CacheKeys.path(config, r.request), "");
    }

    // Helper review 96: ignore_uri_case folds A-Z only, as Lua's string.lower (Java's folds the
    // Kelvin sign into k: /boo\u212As would have shared /books's entry).
    @Test
    void ignoreUriCaseFoldsOnlyAsciiLetters() {
        assertEquals("/api/books", CacheKeys.asciiLowerCase("/API/Books"));
        assertEquals("/api/boo\u212As", CacheKeys.asciiLowerCase("/API/Boo\u212As"));
        assertEquals("/\u00c5ngstr\u00f6m", CacheKeys.asciiLowerCase("/\u00c5ngstr\u00f6m"));
        String plain = "/already/lower";
        assertEquals(plain, CacheKeys.asciiLowerCase(plain));
    }

    // Attacker review 234: the backend gets the path as spelled (X-Forwarded-Path) and may echo it;
    // "/<script>/../items" stored its answer under /items's key, served to everyone.
    @Test
    void aPathSpelledOtherwiseThanItsNormalFormHasItsOwnKeyAndTheSameIndexPath() {
        ProxyCacheSchema.Config c = config(ProxyCacheSchema.VaryIdentity.CONSUMER, List.of());
        String plain = key(c, FakeRequest.get("/items"));
        FakeRequest dotted = FakeRequest.get("/%3Cscript%3E/../items").normalisedTo("/items");
        FakeRequest escaped = FakeRequest.get("/%69tems").normalisedTo("/items");
        FakeRequest doubled = FakeRequest.get("//items").normalisedTo("/items");
        assertNotEquals(plain, key(c, dotted));
        assertNotEquals(plain, key(c, escaped));
        assertNotEquals(plain, key(c, doubled));
        assertNotEquals(key(c, dotted), key(c, escaped));
        assertEquals(
                key(c, dotted), key(c, FakeRequest.get("/%3Cscript%3E/../items").normalisedTo("/items")));
        assertEquals(plain, key(c, FakeRequest.get("/items").normalisedTo("/items")), "as written: one key");
        // Indexed under the normalised path: a purge or an eviction of /items finds them all.
        assertEquals("/items", CacheKeys.path(c, dotted.request));
    }

    @Test
    void twoUsersOfOneConsumerGetTwoKeys() {
        ProxyCacheSchema.Config c = config(ProxyCacheSchema.VaryIdentity.SUBJECT, List.of());
        String u1 = key(c, FakeRequest.get("/me").authenticated("web-frontend", "u1", "token-1"));
        String u2 = key(c, FakeRequest.get("/me").authenticated("web-frontend", "u2", "token-2"));
        assertNotEquals(u1, u2, "u2 must not get u1's entry");
        assertEquals(
                u1,
                key(c, FakeRequest.get("/me").authenticated("web-frontend", "u1", "a-newer-token")),
                "one user's tokens share the user's entries");
    }

    @Test
    void tokensWithoutASubjectAreKeyedByTheirHash() {
        ProxyCacheSchema.Config c = config(ProxyCacheSchema.VaryIdentity.SUBJECT, List.of());
        FakeRequest a = FakeRequest.get("/me").authenticated("web-frontend", null, "token-a");
        assertNotEquals(key(c, a), key(c, FakeRequest.get("/me").authenticated("web-frontend", null, "token-b")));
        assertEquals(key(c, a), key(c, FakeRequest.get("/me").authenticated("web-frontend", null, "token-a")));
        assertFalse(a.context.subject().contains("token-a"), "the credential itself is not kept");
        assertNotEquals(
                key(c, a),
                key(c, FakeRequest.get("/me").authenticated("web-frontend", "", "token-a2")),
                "an empty sub is no subject");
    }

    @Test
    void consumerIdentitySharesAnEntryAcrossAnAppsUsers() {
        ProxyCacheSchema.Config c = config(ProxyCacheSchema.VaryIdentity.CONSUMER, List.of());
        String u1 = key(c, FakeRequest.get("/catalog").authenticated("web-frontend", "u1", "token-1"));
        assertEquals(u1, key(c, FakeRequest.get("/catalog").authenticated("web-frontend", "u2", "token-2")));
        assertNotEquals(
                u1,
                key(c, FakeRequest.get("/catalog").authenticated("mobile-app", "u1", "token-3")),
                "never across consumers");
    }

    @Test
    void anonymousRequestsShareOneKeyAndNeverAnAuthenticatedOne() {
        ProxyCacheSchema.Config c = config(ProxyCacheSchema.VaryIdentity.SUBJECT, List.of());
        String anonymous = key(c, FakeRequest.get("/x"));
        assertEquals(anonymous, key(c, FakeRequest.get("/x")));
        assertNotEquals(anonymous, key(c, FakeRequest.get("/x").authenticated("web-frontend", "u1", "t")));
    }

    @Test
    void theQueryIsKeyedAsTheBackendGetsIt() {
        // request-transformer ran first: a GET's form body merged into the query, or an argument
        // added per tenant, makes another request for the backend, so another entry (Kong keys on
        // kong.request.get_query(), which reads the query request-transformer set).
        ProxyCacheSchema.Config c = config(ProxyCacheSchema.VaryIdentity.SUBJECT, List.of());
        String plain = key(c, FakeRequest.get("/search"));
        FakeRequest merged = FakeRequest.get("/search");
        merged.context.upstreamQuery("q=attacker");
        assertNotEquals(plain, key(c, merged), "a query only the backend got is in the key");
        FakeRequest stripped = FakeRequest.get("/search?debug=1");
        stripped.context.upstreamQuery("");
        assertEquals(plain, key(c, stripped), "an argument removed before the backend is not");
    }

    @Test
    void varyHeadersAreKeyedAsTheBackendGetsThem() {
        ProxyCacheSchema.Config c = config(ProxyCacheSchema.VaryIdentity.SUBJECT, List.of("X-Tenant"));
        FakeRequest a = FakeRequest.get("/report");
        a.context.upstreamHeader("X-Tenant", "a");
        FakeRequest b = FakeRequest.get("/report", "X-Tenant", "a");
        b.context.upstreamHeader("x-tenant", "b");
        assertNotEquals(key(c, a), key(c, b), "the value a plugin set is keyed, not the client's");
        assertEquals(key(c, a), key(c, FakeRequest.get("/report", "X-Tenant", "a")));
        FakeRequest removed = FakeRequest.get("/report", "X-Tenant", "a");
        removed.context.upstreamHeader("X-Tenant", null);
        assertEquals(key(c, FakeRequest.get("/report")), key(c, removed), "a removed header is an absent one");
    }

    @Test
    void anEncodedArgumentNameIsTheNameTheBackendReads() {
        ProxyCacheSchema.Config c = new ProxyCacheSchema.Config(
                Set.of(200),
                Set.of("GET"),
                Set.of("application/json"),
                300,
                false,
                List.of(),
                List.of("page"),
                false,
                ProxyCacheSchema.Config.STORAGE_TTL_UNSET,
                1024 * 1024,
                0,
                1000,
                ProxyCacheSchema.VaryIdentity.SUBJECT);
        String plain = key(c, FakeRequest.get("/items"));
        assertNotEquals(plain, key(c, FakeRequest.get("/items?p%61ge=999")), "p%61ge is page to the backend");
        assertNotEquals(plain, key(c, FakeRequest.get("/items?pa+ge=1&page=2")));
        assertEquals(plain, key(c, FakeRequest.get("/items?other=1")), "not in vary_query_params");
    }

    // Helper review 131: Kong's key sorts a header's values (05-cache_key_spec: a=1,2); a coding
    // the client refuses (q=0) is neither taking it nor saying nothing (which takes any).
    @Test
    void aVaryHeadersValuesAreSortedAndARefusedCodingIsNotATakenOne() {
        ProxyCacheSchema.Config c = config(ProxyCacheSchema.VaryIdentity.SUBJECT, List.of("foo"));
        assertEquals(
                key(c, FakeRequest.get("/r", "foo", "1", "foo", "2")),
                key(c, FakeRequest.get("/r", "foo", "2", "foo", "1")));
        assertNotEquals(key(c, FakeRequest.get("/r", "foo", "1")), key(c, FakeRequest.get("/r", "foo", "2")));
        assertEquals("-gzip", CacheKeys.acceptEncoding(List.of("gzip;q=0")));
        assertEquals("-gzip,br", CacheKeys.acceptEncoding(List.of("br, gzip; q=0.000")));
        assertEquals("gzip", CacheKeys.acceptEncoding(List.of("gzip;q=0.5")));
        // Kong's normalize drops * as it drops an empty name (helper review 175).
        assertEquals("", CacheKeys.acceptEncoding(List.of("*")));
        assertEquals("gzip", CacheKeys.acceptEncoding(List.of("gzip, *")));
        assertEquals(key(c, FakeRequest.get("/r")), key(c, FakeRequest.get("/r", "Accept-Encoding", "*")));
        // As the backend gets it (attacker review 176): a value request-transformer set is keyed.
        FakeRequest renamed = FakeRequest.get("/r", "X-AE", "gzip");
        renamed.context.upstreamHeader("accept-encoding", "gzip");
        assertEquals(key(c, FakeRequest.get("/r", "Accept-Encoding", "gzip")), key(c, renamed));
        FakeRequest removed = FakeRequest.get("/r", "Accept-Encoding", "gzip");
        removed.context.upstreamHeader("Accept-Encoding", null);
        assertEquals(key(c, FakeRequest.get("/r")), key(c, removed));
        // accept-encoding named in vary_headers (Kong's default) is the normalised key, no second reading.
        ProxyCacheSchema.Config named = config(ProxyCacheSchema.VaryIdentity.SUBJECT, List.of("accept-encoding"));
        assertEquals(
                key(named, FakeRequest.get("/r", "Accept-Encoding", "gzip, br")),
                key(named, FakeRequest.get("/r", "Accept-Encoding", "br,gzip")));
        assertEquals("gzip", CacheKeys.acceptEncoding(List.of("gzip;q=0.0001")), "not a q-value: taken as given");
        assertNotEquals(
                key(c, FakeRequest.get("/r", "Accept-Encoding", "gzip")),
                key(c, FakeRequest.get("/r", "Accept-Encoding", "gzip;q=0")));
        assertNotEquals(key(c, FakeRequest.get("/r")), key(c, FakeRequest.get("/r", "Accept-Encoding", "gzip;q=0")));
    }

    @Test
    void aVaryHeaderIsKeyedUnderEverySpellingTheBackendReads() {
        ProxyCacheSchema.Config c = config(ProxyCacheSchema.VaryIdentity.SUBJECT, List.of("Accept-Language"));
        String none = key(c, FakeRequest.get("/page"));
        String german = key(c, FakeRequest.get("/page", "Accept_Language", "de"));
        assertNotEquals(none, german, "Accept_Language is HTTP_ACCEPT_LANGUAGE to a CGI backend");
        assertEquals(key(c, FakeRequest.get("/page", "accept-language", "de")), german);
    }

    // Helper review 90: what reaches the backend and shapes its answer is keyed: the path and
    // method a plugin sent, how the request came (scheme, forwarding headers), the codings the
    // client takes; duplicate arguments keep their order.
    @Test
    void whatShapesTheBackendsAnswerIsKeyed() {
        ProxyCacheSchema.Config c = config(ProxyCacheSchema.VaryIdentity.SUBJECT, List.of());
        String plain = key(c, FakeRequest.get("/items"));
        FakeRequest tenantA = FakeRequest.get("/items");
        tenantA.context.upstreamPath("/v2/a/items");
        FakeRequest tenantB = FakeRequest.get("/items");
        tenantB.context.upstreamPath("/v2/b/items");
        assertNotEquals(key(c, tenantA), key(c, tenantB), "replace.uri from a header: two backend paths");
        assertNotEquals(plain, key(c, tenantA));
        FakeRequest hostA = FakeRequest.get("/items");
        hostA.context.upstreamHost("a.internal");
        FakeRequest hostB = FakeRequest.get("/items");
        hostB.context.upstreamHost("b.internal");
        assertNotEquals(key(c, hostA), key(c, hostB), "replace host from a header: two virtual hosts");
        assertNotEquals(plain, key(c, hostA));
        assertNotEquals(plain, key(c, FakeRequest.get("/items").scheme("https")), "a redirect to https is not http's");
        // A trusted proxy's forwarding headers reach the backend as sent (attacker review 144); anyone
        // else's are replaced by the gateway's own, so they key nothing (attacker review 167).
        String proxied = key(c, FakeRequest.get("/items").trusted());
        assertNotEquals(
                proxied,
                key(
                        c,
                        FakeRequest.get("/items", "X-Forwarded-Host", "evil.example")
                                .trusted()));
        assertNotEquals(
                proxied,
                key(
                        c,
                        FakeRequest.get("/items", "X-Forwarded-Path", "/x\"><script>")
                                .trusted()));
        // Every forwarding header a trusted proxy's copy of reaches the backend (attacker review 168).
        for (String name : List.of("X-Host", "X-Original-Host", "X-Forwarded-Scheme", "X-Forwarded-Ssl")) {
            assertNotEquals(proxied, key(c, FakeRequest.get("/items", name, "x").trusted()), name);
        }
        assertEquals(plain, key(c, FakeRequest.get("/items", "X-Forwarded-Host", "evil.example")));
        assertEquals(plain, key(c, FakeRequest.get("/items", "X-Forwarded-Proto", "https")));
        assertNotEquals(plain, key(c, FakeRequest.get("/items", "Accept-Encoding", "gzip")));
        assertEquals(
                key(c, FakeRequest.get("/items", "Accept-Encoding", "gzip, deflate")),
                key(c, FakeRequest.get("/items", "Accept-Encoding", "DEFLATE;q=0.5,gzip")),
                "case, order and q-values aside, one set of codings");
        assertEquals(plain, key(c, FakeRequest.get("/items", "Accept-Encoding", "")), "empty is absent");
        assertNotEquals(
                key(c, FakeRequest.get("/items?page=2&page=1")), key(c, FakeRequest.get("/items?page=1&page=2")));
        assertEquals(key(c, FakeRequest.get("/items?b=1&a=2")), key(c, FakeRequest.get("/items?a=2&b=1")));
    }
}
