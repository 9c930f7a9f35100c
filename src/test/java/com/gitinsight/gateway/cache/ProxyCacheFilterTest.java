package com.gitinsight.gateway.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The cache filter over a fake backend: what it answers from entries, and what it refuses to keep. */
class ProxyCacheFilterTest {

    private final ResponseCache cache = new ResponseCache(100, 8);
    private final ProxyCacheFilter filter = new ProxyCacheFilter();

    ProxyCacheFilterTest() {
        filter.cache = cache;
    }

    @AfterEach
    void stop() {
        cache.stop();
    }

    private static ProxyCacheSchema.Config config(ProxyCacheSchema.VaryIdentity identity, String... varyHeaders) {
        return CacheKeysTest.config(identity, List.of(varyHeaders));
    }

    private static ProxyCacheSchema.Config config(String... varyHeaders) {
        return config(ProxyCacheSchema.VaryIdentity.SUBJECT, varyHeaders);
    }

    /** {@code all} with other freshness ({@code cache_ttl}), storage_ttl and stale_if_error. */
    private static ProxyCacheSchema.Config timed(ProxyCacheSchema.Config all, long ttl, long storage, long stale) {
        return new ProxyCacheSchema.Config(
                all.responseCodes(),
                all.methods(),
                all.contentTypes(),
                ttl,
                all.cacheControl(),
                all.varyHeaders(),
                all.varyQueryParams(),
                all.ignoreUriCase(),
                storage,
                all.maxBodyBytes(),
                stale,
                all.lockTimeoutMillis(),
                all.varyIdentity(),
                all.responseHeaders());
    }

    /** {@code all} with other {@code vary_query_params} and {@code lock_timeout}. */
    private static ProxyCacheSchema.Config varied(
            ProxyCacheSchema.Config all, List<String> queryParams, long lockTimeoutMillis) {
        return new ProxyCacheSchema.Config(
                all.responseCodes(),
                all.methods(),
                all.contentTypes(),
                all.ttlSeconds(),
                all.cacheControl(),
                all.varyHeaders(),
                queryParams,
                all.ignoreUriCase(),
                all.storageTtlSeconds(),
                all.maxBodyBytes(),
                all.staleIfErrorSeconds(),
                lockTimeoutMillis,
                all.varyIdentity(),
                all.responseHeaders());
    }

    private FakeResponse send(ProxyCacheSchema.Config config, FakeRequest request, FakeBackend backend)
            throws Exception {
        FakeResponse response = new FakeResponse();
        filter.apply(config, request.context, request.request, response.response, backend);
        return response;
    }

    /** As the head of the chain does: the request's X-Kong-Request-Id already on the response. */
    private FakeResponse sendWithId(ProxyCacheSchema.Config config, FakeRequest request, FakeBackend backend, String id)
            throws Exception {
        request.context.kongRequestId(id, true, true);
        FakeResponse response = new FakeResponse();
        response.response.setHeader("X-Kong-Request-Id", id);
        filter.apply(config, request.context, request.request, response.response, backend);
        return response;
    }

    @Test
    void theGatewaysOwnRequestIdIsNotStoredSoAHitCarriesOnlyItsOwn() throws Exception {
        FakeBackend backend = new FakeBackend();
        ProxyCacheSchema.Config c = config();
        assertEquals(
                "Miss",
                sendWithId(c, FakeRequest.get("/ids"), backend, "a".repeat(32)).cacheStatus());
        FakeResponse hit = sendWithId(c, FakeRequest.get("/ids"), backend, "b".repeat(32));
        assertEquals("Hit", hit.cacheStatus());
        assertEquals(java.util.List.of("b".repeat(32)), hit.headers("X-Kong-Request-Id"));
    }

    // A plugin that answers inside the cache (request-termination, priority 2, with a trigger header
    // no key holds) answers that request only: stored, it would answer everyone's.
    @Test
    void aPluginsOwnAnswerIsNotStored() throws Exception {
        ProxyCacheSchema.Config c = config();
        jakarta.servlet.FilterChain terminate = (req, res) -> {
            jakarta.servlet.http.HttpServletResponse r = (jakarta.servlet.http.HttpServletResponse) res;
            r.setStatus(200);
            r.setContentType("application/json");
            byte[] body = "{\"message\":\"echo of the attacker's headers\"}".getBytes();
            r.setContentLength(body.length);
            r.getOutputStream().write(body);
            r.getOutputStream().close();
        };
        FakeResponse local = new FakeResponse();
        FakeRequest first = FakeRequest.get("/terminated", "X-Debug", "1");
        filter.apply(c, first.context, first.request, local.response, terminate);
        assertEquals("Miss", local.cacheStatus());
        FakeBackend backend = new FakeBackend();
        FakeResponse next = send(c, FakeRequest.get("/terminated"), backend);
        assertEquals("Miss", next.cacheStatus(), "the local answer was not stored");
        assertEquals(1, backend.calls);
        assertEquals("Hit", send(c, FakeRequest.get("/terminated"), backend).cacheStatus(), "the backend's is");
    }

    @Test
    void requestsWithDifferentBodiesAreDifferentEntriesAndTheBackendGetsEachBodyWhole() throws Exception {
        // Kong's key has no body: two logins (or searches) by POST would share one entry.
        FakeBackend backend = new FakeBackend();
        ProxyCacheSchema.Config c =
                CacheKeysTest.config(ProxyCacheSchema.VaryIdentity.SUBJECT, List.of(), List.of("GET", "HEAD", "POST"));
        FakeRequest alice = FakeRequest.of("POST", "/login").body("{\"user\":\"alice\",\"password\":\"a\"}");
        assertEquals("Miss", send(c, alice, backend).cacheStatus());
        assertEquals(
                "{\"user\":\"alice\",\"password\":\"a\"}",
                new String(alice.context.upstreamBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8),
                "the body read for the key goes on to the backend");
        assertEquals(31, alice.context.upstreamBodyLength());
        FakeRequest bob = FakeRequest.of("POST", "/login").body("{\"user\":\"bob\",\"password\":\"b\"}");
        assertEquals("Miss", send(c, bob, backend).cacheStatus(), "bob never gets alice's answer");
        assertEquals(2, backend.calls);
        FakeRequest again = FakeRequest.of("POST", "/login").body("{\"user\":\"bob\",\"password\":\"b\"}");
        assertEquals("Hit", send(c, again, backend).cacheStatus(), "the same body is the same entry (Kong's spec)");
        assertEquals("Miss", send(c, FakeRequest.of("POST", "/login"), backend).cacheStatus(), "no body");
        FakeRequest big = FakeRequest.of("POST", "/login").body("x".repeat(KeyedBody.MAX_BYTES + 1));
        assertEquals("Bypass", send(c, big, backend).cacheStatus(), "too large to key");
        assertNull(big.context.upstreamBody(), "declared too large: not read, it streams on as sent");
        int calls = backend.calls;
        FakeRequest cut = FakeRequest.of("POST", "/login").truncatedBody("{\"user\":\"al", 31);
        FakeResponse refused = send(c, cut, backend);
        assertEquals(400, refused.status(), "a body shorter than declared never goes on as whole");
        assertEquals(calls, backend.calls, "the backend never saw it");
    }

    // stale_if_error serves an entry past its freshness when the backend fails, but not one a gap in
    // the eviction feed may have left unevicted: served stale, it would outlive the missed event
    // (helper review 109). The same entry is served stale while the feed is trusted.
    @Test
    void aStaleAnswerIsNotServedFromAnEntryTheEventFeedNoLongerVouchesFor() throws Exception {
        boolean[] trusted = {true};
        cache.feed(new EvictionFeed() {
            @Override
            public boolean covers(String path) {
                return true;
            }

            @Override
            public boolean trusted() {
                return trusted[0];
            }

            @Override
            public long distrustedLifeMillis() {
                return 0;
            }
        });
        ProxyCacheSchema.Config all = config();
        ProxyCacheSchema.Config c = timed(all, 1, 600, 600);
        FakeBackend backend = new FakeBackend();
        assertEquals("Miss", send(c, FakeRequest.get("/stale"), backend).cacheStatus());
        long stored = System.currentTimeMillis();
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(5))
                .until(() -> System.currentTimeMillis() > stored + 1_100);
        backend.status(503);
        assertEquals("Stale", send(c, FakeRequest.get("/stale"), backend).cacheStatus(), "the feed vouches for it");
        // A close the head of the chain decided (after a chunked request) outlives the answer's
        // replacement (attacker review 119).
        FakeResponse closing = new FakeResponse();
        closing.response.setHeader("Connection", "close");
        filter.apply(
                c, FakeRequest.get("/stale").context, FakeRequest.get("/stale").request, closing.response, backend);
        assertEquals("Stale", closing.cacheStatus());
        assertEquals("close", closing.response.getHeader("Connection"));
        trusted[0] = false;
        FakeResponse failed = send(c, FakeRequest.get("/stale"), backend);
        assertNotEquals("Stale", failed.cacheStatus());
        assertEquals(503, failed.status(), "the backend's failure, not the distrusted entry");
    }

    // An eviction event that arrives while the backend is asked removes the entry: the backend's
    // error then is the answer, not the entry the event retired (helper review 194).
    @Test
    void anEntryEvictedWhileTheBackendWasAskedIsNoStaleAnswer() throws Exception {
        ProxyCacheSchema.Config c = timed(config(), 1, 600, 600);
        FakeBackend backend = new FakeBackend();
        assertEquals("Miss", send(c, FakeRequest.get("/evicted"), backend).cacheStatus());
        long stored = System.currentTimeMillis();
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(5))
                .until(() -> System.currentTimeMillis() > stored + 1_100);
        backend.status(503);
        jakarta.servlet.FilterChain evictedMeanwhile = (req, res) -> {
            cache.purge(PathPattern.compile("/evicted"));
            backend.doFilter(req, res);
        };
        FakeRequest r = FakeRequest.get("/evicted");
        FakeResponse failed = new FakeResponse();
        filter.apply(c, r.context, r.request, failed.response, evictedMeanwhile);
        assertNotEquals("Stale", failed.cacheStatus());
        assertEquals(503, failed.status(), "the backend's failure, not the evicted entry");
    }

    @Test
    void aHitDoesNotReplayWhatARateLimitHadLeft() throws Exception {
        // Kong's overwritable_header: a stored *ratelimit-remaining* header is dropped on a hit.
        FakeBackend backend = new FakeBackend()
                .header("X-RateLimit-Remaining-Minute", "4")
                .header("RateLimit-Remaining", "4")
                .header("X-RateLimit-Limit-Minute", "5");
        ProxyCacheSchema.Config c = config();
        assertEquals("4", send(c, FakeRequest.get("/limited"), backend).header("X-RateLimit-Remaining-Minute"));
        FakeResponse hit = send(c, FakeRequest.get("/limited"), backend);
        assertEquals("Hit", hit.cacheStatus());
        assertNull(hit.header("X-RateLimit-Remaining-Minute"));
        assertNull(hit.header("RateLimit-Remaining"));
        assertEquals("5", hit.header("X-RateLimit-Limit-Minute"));
    }

    // ---- Kong's response_headers ----

    @Test
    void responseHeadersTurnedOffAreLeftOutAndTheStatusStaysForTheAccessLog() throws Exception {
        FakeBackend backend = new FakeBackend();
        ProxyCacheSchema.Config all = config();
        ProxyCacheSchema.Config none =
                all.withResponseHeaders(new ProxyCacheSchema.ResponseHeaders(false, false, false));
        FakeRequest first = FakeRequest.get("/quiet");
        FakeResponse miss = send(none, first, backend);
        assertNull(miss.header("X-Cache-Status"));
        assertNull(miss.header("X-Cache-Key"));
        assertEquals("Miss", first.request.getAttribute(ProxyCacheFilter.STATUS_ATTRIBUTE));
        FakeRequest second = FakeRequest.get("/quiet");
        FakeResponse hit = send(none, second, backend);
        assertEquals(1, backend.calls, "still cached");
        assertNull(hit.header("Age"));
        assertNull(hit.header("X-Cache-Status"));
        assertNull(hit.header("X-Cache-Key"));
        assertEquals("Hit", second.request.getAttribute(ProxyCacheFilter.STATUS_ATTRIBUTE));
        // Kong's Kong-Debug request header turns all three back on.
        FakeResponse debug = send(none, FakeRequest.get("/quiet", "Kong-Debug", "1"), backend);
        assertEquals("Hit", debug.cacheStatus());
        assertEquals("0", debug.header("Age"));
        assertEquals(64, debug.header("X-Cache-Key").length());
        FakeResponse shown = send(all, FakeRequest.get("/quiet"), backend);
        assertEquals("Hit", shown.cacheStatus());
        assertEquals("0", shown.header("Age"), "Kong's defaults: every header on");
        assertEquals(64, shown.header("X-Cache-Key").length(), "Kong's 64-hex SHA-256");
    }

    // Kong's store refuses a negative storage_ttl: nothing is kept, each request goes to the backend.
    @Test
    void aNegativeStorageTtlStoresNothing() throws Exception {
        FakeBackend backend = new FakeBackend();
        ProxyCacheSchema.Config all = config();
        ProxyCacheSchema.Config refused = timed(all, all.ttlSeconds(), -5, all.staleIfErrorSeconds());
        send(refused, FakeRequest.get("/never"), backend);
        assertEquals("Miss", send(refused, FakeRequest.get("/never"), backend).cacheStatus());
        assertEquals(2, backend.calls);
    }

    @Test
    void aBypassWithTheStatusHeaderOffSaysNothing() throws Exception {
        ProxyCacheSchema.Config all = config();
        ProxyCacheSchema.Config quiet =
                all.withResponseHeaders(new ProxyCacheSchema.ResponseHeaders(true, false, true));
        FakeRequest post = FakeRequest.of("POST", "/quiet");
        FakeResponse r = send(quiet, post, new FakeBackend());
        assertNull(r.header("X-Cache-Status"));
        assertEquals("Bypass", post.request.getAttribute(ProxyCacheFilter.STATUS_ATTRIBUTE));
    }

    // ---- whose entry it is ----

    @Test
    void aUserNeverGetsAnotherUsersEntryOfTheSameConsumer() throws Exception {
        FakeBackend backend = new FakeBackend();
        ProxyCacheSchema.Config c = config();
        FakeResponse u1 = send(c, FakeRequest.get("/me").authenticated("web-frontend", "u1", "t1"), backend);
        FakeResponse u2 = send(c, FakeRequest.get("/me").authenticated("web-frontend", "u2", "t2"), backend);
        assertEquals("Miss", u2.cacheStatus());
        assertNotEquals(u1.text(), u2.text());
        assertEquals(
                "Hit",
                send(c, FakeRequest.get("/me").authenticated("web-frontend", "u1", "t1"), backend)
                        .cacheStatus());
        assertEquals(2, backend.calls);
    }

    @Test
    void consumerIdentityServesOneAppsUsersOneEntry() throws Exception {
        FakeBackend backend = new FakeBackend();
        ProxyCacheSchema.Config c = config(ProxyCacheSchema.VaryIdentity.CONSUMER);
        FakeResponse u1 = send(
                c,
                FakeRequest.get("/catalog", "Authorization", "Bearer t1").authenticated("web-frontend", "u1", "t1"),
                backend);
        FakeResponse u2 = send(
                c,
                FakeRequest.get("/catalog", "Authorization", "Bearer t2").authenticated("web-frontend", "u2", "t2"),
                backend);
        assertEquals("Hit", u2.cacheStatus(), "an authenticated Authorization is accounted for by the key");
        assertEquals(u1.text(), u2.text());
        assertEquals(1, backend.calls);
    }

    // ---- credentials no auth plugin accounted for (RFC 9111 3.5) ----

    @Test
    void anAuthorizationHeaderNoPluginVerifiedKeepsTheRequestOutOfTheCacheWhateverElseAuthenticatedIt()
            throws Exception {
        // key-auth (one key for all installs of an app) authenticated the request; the backend
        // reads its user from Authorization, which no plugin checked.
        FakeBackend backend = new FakeBackend();
        ProxyCacheSchema.Config c = config();
        FakeRequest victim =
                FakeRequest.get("/me", "Authorization", "Bearer victim").authenticated("app", null, "APPKEY");
        assertEquals("Bypass", send(c, victim, backend).cacheStatus());
        FakeRequest attacker =
                FakeRequest.get("/me", "Authorization", "Bearer junk").authenticated("app", null, "APPKEY");
        assertEquals("Bypass", send(c, attacker, backend).cacheStatus(), "never the victim's entry");
        assertEquals(2, backend.calls);
        // The header itself verified (a jwt from it, basic-auth's): cached per user.
        FakeRequest verified =
                FakeRequest.get("/me", "Authorization", "Bearer t1").authenticated("app", "u1", "t1");
        assertEquals("Miss", send(c, verified, backend).cacheStatus());
        FakeRequest again = FakeRequest.get("/me", "Authorization", "Bearer t1").authenticated("app", "u1", "t1");
        assertEquals("Hit", send(c, again, backend).cacheStatus());
    }

    @Test
    void aResponseToAnAuthorizationIsNeitherStoredNorServedWithoutAnAuthPlugin() throws Exception {
        FakeBackend backend = new FakeBackend();
        ProxyCacheSchema.Config c = config();
        assertEquals("Miss", send(c, FakeRequest.get("/r"), backend).cacheStatus());
        FakeResponse authorized = send(c, FakeRequest.get("/r", "Authorization", "Bearer secret"), backend);
        assertEquals("Bypass", authorized.cacheStatus(), "not answered from the anonymous entry");
        assertEquals(2, backend.calls);
        FakeResponse anonymous = send(c, FakeRequest.get("/r"), backend);
        assertEquals("Hit", anonymous.cacheStatus());
        assertEquals("{\"call\":1}", anonymous.text().trim(), "the anonymous entry, not the authorized response");
    }

    @Test
    void aCredentialedResponseIsKeptOnlyAsLongAsTheBackendSays() throws Exception {
        // must-revalidate without a freshness lifetime, or max-age=0, or no-cache: never kept for
        // others, even though cache_control is off (those directives are honoured for such requests).
        for (String directive : List.of(
                "must-revalidate",
                "max-age=0, must-revalidate",
                "public, no-cache",
                "no-cache, must-revalidate",
                // Helper review 90: no-cache naming fields is no-cache (Kong's parse_directive_header).
                "public, max-age=60, no-cache=\"Set-Cookie\"")) {
            FakeBackend backend = new FakeBackend().header("Cache-Control", directive);
            ProxyCacheSchema.Config c = config();
            String path = "/kept/" + directive;
            assertEquals(
                    "Bypass",
                    send(c, FakeRequest.get(path, "Authorization", "Bearer u1"), backend)
                            .cacheStatus());
            assertEquals("Miss", send(c, FakeRequest.get(path), backend).cacheStatus(), directive);
        }
    }

    @Test
    void aResponseToAnAuthorizationTheBackendMarksShareableIsStoredForOthers() throws Exception {
        for (String directive : List.of("public", "s-maxage=60", "must-revalidate, max-age=60")) {
            FakeBackend backend = new FakeBackend().header("Cache-Control", directive);
            ProxyCacheSchema.Config c = config();
            String path = "/shared/" + directive;
            assertEquals(
                    "Bypass",
                    send(c, FakeRequest.get(path, "Authorization", "Bearer x"), backend)
                            .cacheStatus());
            assertEquals("Hit", send(c, FakeRequest.get(path), backend).cacheStatus(), directive);
            assertEquals(
                    "Bypass",
                    send(c, FakeRequest.get(path, "Authorization", "Bearer x"), backend)
                            .cacheStatus(),
                    "still never answered from the cache");
            assertEquals(2, backend.calls, directive);
        }
    }

    @Test
    void authorizationInTheKeyIsCachedPerCredential() throws Exception {
        FakeBackend backend = new FakeBackend();
        ProxyCacheSchema.Config c = config("authorization");
        send(c, FakeRequest.get("/k", "Authorization", "Bearer a"), backend);
        assertEquals(
                "Hit",
                send(c, FakeRequest.get("/k", "Authorization", "Bearer a"), backend)
                        .cacheStatus());
        assertEquals(
                "Miss",
                send(c, FakeRequest.get("/k", "Authorization", "Bearer b"), backend)
                        .cacheStatus());
        assertEquals("Miss", send(c, FakeRequest.get("/k"), backend).cacheStatus());
    }

    // Attacker review 143: a GET with X-HTTP-Method-Override: DELETE is a DELETE to a backend that
    // honours it; its answer was stored under the GET key and served to everyone.
    @Test
    void aRequestOverridingItsMethodNeitherReadsNorFillsTheCache() throws Exception {
        FakeBackend backend = new FakeBackend();
        ProxyCacheSchema.Config c = config();
        for (String name : new String[] {"X-HTTP-Method-Override", "x-http-method", "X_Method_Override"}) {
            assertEquals(
                    "Bypass",
                    send(c, FakeRequest.get("/m", name, "DELETE"), backend).cacheStatus(),
                    name);
        }
        assertEquals("Miss", send(c, FakeRequest.get("/m"), backend).cacheStatus(), "nothing was stored");
        assertEquals("Hit", send(c, FakeRequest.get("/m"), backend).cacheStatus());
        assertEquals(
                "Bypass",
                send(c, FakeRequest.get("/m", "X-HTTP-Method-Override", "DELETE"), backend)
                        .cacheStatus(),
                "never an entry's answer either");
        assertEquals(5, backend.calls);
        // _method in the query (Symfony, Laravel), which the key leaves out unless vary_query_params
        // names it, and an override request-transformer set for the backend (attacker review 144).
        assertEquals(
                "Bypass", send(c, FakeRequest.get("/m?_method=DELETE"), backend).cacheStatus());
        // Decoded, as the backend reads it (attacker review 158).
        assertEquals(
                "Bypass",
                send(c, FakeRequest.get("/m?_m%65thod=DELETE"), backend).cacheStatus());
        assertEquals(
                "Bypass", send(c, FakeRequest.get("/m?_METHOD=DELETE"), backend).cacheStatus(), "any case");
        FakeRequest renamed = FakeRequest.get("/m");
        renamed.context.upstreamHeader("X-HTTP-Method-Override", "DELETE");
        assertEquals("Bypass", send(c, renamed, backend).cacheStatus());
        assertEquals("Miss", send(c, FakeRequest.get("/m?method=x"), backend).cacheStatus(), "another name");
        assertEquals("Hit", send(c, FakeRequest.get("/m?method=x"), backend).cacheStatus(), "another name");
    }

    // Kong-Debug's headers answer one request; an entry replaying them would name the configuration
    // to everyone, after the setting is off too (attacker review 144).
    @Test
    void kongsDebugHeadersAreNeverStored() throws Exception {
        FakeBackend backend = new FakeBackend().header("Kong-Route-Name", "r").header("X-Kept", "yes");
        ProxyCacheSchema.Config c = config();
        assertEquals("Miss", send(c, FakeRequest.get("/d"), backend).cacheStatus());
        FakeResponse hit = send(c, FakeRequest.get("/d"), backend);
        assertEquals("Hit", hit.cacheStatus());
        assertEquals("yes", hit.header("X-Kept"));
        assertEquals(null, hit.header("Kong-Route-Name"));
    }

    @Test
    void requestsWithCookiesBypassUnlessTheKeyHoldsThem() throws Exception {
        FakeBackend backend = new FakeBackend();
        ProxyCacheSchema.Config plain = config();
        assertEquals(
                "Bypass",
                send(plain, FakeRequest.get("/c", "Cookie", "session=u1"), backend)
                        .cacheStatus());
        assertEquals(
                "Bypass",
                send(plain, FakeRequest.get("/c", "Cookie", "session=u1"), backend)
                        .cacheStatus());
        assertEquals("Miss", send(plain, FakeRequest.get("/c"), backend).cacheStatus(), "nothing was stored");
        assertEquals(3, backend.calls);

        ProxyCacheSchema.Config varied = config("cookie");
        FakeResponse u1 = send(varied, FakeRequest.get("/v", "Cookie", "session=u1"), backend);
        assertEquals("Miss", u1.cacheStatus());
        assertEquals(
                "Hit",
                send(varied, FakeRequest.get("/v", "Cookie", "session=u1"), backend)
                        .cacheStatus());
        assertEquals(
                "Miss",
                send(varied, FakeRequest.get("/v", "Cookie", "session=u2"), backend)
                        .cacheStatus());
        assertEquals("Miss", send(varied, FakeRequest.get("/v"), backend).cacheStatus());
    }

    // ---- the backend's Vary ----

    @Test
    void anEntryAnswersOnlyTheValuesItsResponseVariedOn() throws Exception {
        FakeBackend backend = new FakeBackend().header("Vary", "Accept-Language, accept-encoding");
        ProxyCacheSchema.Config c = config();
        FakeResponse en = send(c, FakeRequest.get("/l", "Accept-Language", "en"), backend);
        assertEquals("Miss", en.cacheStatus());
        FakeResponse enAgain = send(c, FakeRequest.get("/l", "Accept-Language", "en"), backend);
        assertEquals("Hit", enAgain.cacheStatus());
        assertEquals("Accept-Language, accept-encoding", enAgain.header("Vary"), "the Vary goes to the client too");
        assertEquals(
                "Miss",
                send(c, FakeRequest.get("/l", "Accept-Language", "de"), backend).cacheStatus());
        assertEquals(
                "Miss",
                send(c, FakeRequest.get("/l", "Accept-Language", "de", "Accept-Encoding", "gzip"), backend)
                        .cacheStatus());
        assertEquals("Miss", send(c, FakeRequest.get("/l"), backend).cacheStatus(), "absent is a value of its own");
        assertEquals("Hit", send(c, FakeRequest.get("/l"), backend).cacheStatus());
        assertEquals(4, backend.calls);
    }

    @Test
    void aWaiterDoesNotTakeTheLeadersResponseForAnotherVariant() throws Exception {
        ProxyCacheSchema.Config c = config();
        FakeRequest en = FakeRequest.get("/j", "Accept-Language", "en");
        String key = CacheKeys.key(c, en.context, en.request, "/j", "");
        // A miss for the key is in flight, and its response turns out to vary on the language.
        long now = System.currentTimeMillis();
        ResponseCache.Leader leader =
                new ResponseCache.Leader(new java.util.concurrent.CompletableFuture<>(), ResponseCache.lockClock());
        assertNull(cache.join(key, leader, c.lockTimeoutMillis()));
        leader.answer()
                .complete(new CachedResponse(
                        200,
                        List.of("Content-Type", "application/json", "Vary", "Accept-Language"),
                        "{\"lang\":\"en\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                        now,
                        now + 60_000,
                        now + 60_000,
                        "/j",
                        false,
                        List.of("accept-language"),
                        Variants.digest(List.of("accept-language"), en.request)));
        FakeBackend backend = new FakeBackend();
        FakeResponse de = send(c, FakeRequest.get("/j", "Accept-Language", "de"), backend);
        assertEquals("Miss", de.cacheStatus());
        assertEquals(1, backend.calls, "the German request went to the backend itself");
        assertEquals(
                "Hit",
                send(c, FakeRequest.get("/j", "Accept-Language", "en"), new FakeBackend())
                        .cacheStatus(),
                "an English one takes the leader's response");
    }

    private static ResponseCache.Leader leaderAt(long started) {
        return new ResponseCache.Leader(new java.util.concurrent.CompletableFuture<>(), started);
    }

    @Test
    void aMissThatWillStoreNothingLetsItsWaitersGoAtOnceNotWhenItsClientHasReadIt() throws Exception {
        // Attacker review 179: the leader's waiters were let go only after its whole answer was
        // written to its client; a client reading an unstorable answer slowly held every miss of
        // its key for lock_timeout.
        ProxyCacheSchema.Config c = config();
        FakeRequest first = FakeRequest.get("/slow");
        String key = CacheKeys.key(c, first.context, first.request, "/slow", "");
        boolean[] leadsMidBody = new boolean[1];
        jakarta.servlet.FilterChain unstorable = (req, res) -> {
            jakarta.servlet.http.HttpServletResponse r = (jakarta.servlet.http.HttpServletResponse) res;
            r.setStatus(500);
            r.setContentType("application/json");
            r.getOutputStream().write('{');
            // Most of the answer is still to reach the leader's client: a miss arriving now goes on its own.
            leadsMidBody[0] = cache.join(key, leaderAt(ResponseCache.lockClock()), c.lockTimeoutMillis()) == null;
            r.getOutputStream().write('}');
        };
        filter.apply(c, first.context, first.request, new FakeResponse().response, unstorable);
        assertTrue(leadsMidBody[0], "the waiters were let go as soon as nothing would be stored");
    }

    @Test
    void aStoredEntryReachesTheWaitersBeforeTheLeadersClientHasItAll() throws Exception {
        ProxyCacheSchema.Config c = config();
        FakeRequest first = FakeRequest.get("/stored");
        String key = CacheKeys.key(c, first.context, first.request, "/stored", "");
        boolean[] leadsBeforeTheEnd = new boolean[1];
        jakarta.servlet.FilterChain storable = (req, res) -> {
            jakarta.servlet.http.HttpServletResponse r = (jakarta.servlet.http.HttpServletResponse) res;
            r.setStatus(200);
            r.setContentType("application/json");
            r.setContentLength(2);
            r.getOutputStream().write('{');
            r.getOutputStream().write('}'); // the last declared byte: stored before it goes out
            leadsBeforeTheEnd[0] = cache.join(key, leaderAt(ResponseCache.lockClock()), c.lockTimeoutMillis()) == null;
        };
        first.context.upstreamStatus(200);
        filter.apply(c, first.context, first.request, new FakeResponse().response, storable);
        assertTrue(leadsBeforeTheEnd[0], "the entry was handed on when stored");
        assertEquals(
                "Hit", send(c, FakeRequest.get("/stored"), new FakeBackend()).cacheStatus());
    }

    @Test
    void copiesOfAnswersBeingStoredShareABudgetPastWhichTheyStreamThroughUnstored() throws Exception {
        // Attacker review 179: each storable miss held up to max_body_size (1 MiB) from its first
        // byte, 200 of them most of the heap.
        cache.copyBudgetBytes = 1000;
        FakeBackend big = new FakeBackend().body(1500, true);
        FakeResponse first = send(config(), FakeRequest.get("/budget"), big);
        assertEquals(200, first.status());
        assertEquals(1500, first.text().length(), "streamed whole");
        assertEquals("Miss", send(config(), FakeRequest.get("/budget"), big).cacheStatus(), "not stored");
        assertEquals(1000, cache.copies().available(), "every byte given back");
        FakeBackend small = new FakeBackend().body(800, true);
        send(config(), FakeRequest.get("/small"), small);
        assertEquals("Hit", send(config(), FakeRequest.get("/small"), small).cacheStatus());
        assertEquals(1000, cache.copies().available(), "given back once stored");
    }

    @Test
    void anEntryAPurgeMadeStaleWhileItWasFetchedIsNoWaitersAnswer() throws Exception {
        // Attacker review 182: the leader handed its answer to the waiters even when the cache
        // refused it because a purge ran during the fetch.
        ProxyCacheSchema.Config c = config();
        FakeRequest first = FakeRequest.get("/purged");
        String key = CacheKeys.key(c, first.context, first.request, "/purged", "");
        ResponseCache.Leader[] waiter = new ResponseCache.Leader[1];
        jakarta.servlet.FilterChain purgedMeanwhile = (req, res) -> {
            waiter[0] = cache.join(key, leaderAt(ResponseCache.lockClock()), c.lockTimeoutMillis());
            cache.purgeAll(); // an eviction event arrives while the backend answers
            jakarta.servlet.http.HttpServletResponse r = (jakarta.servlet.http.HttpServletResponse) res;
            r.setStatus(200);
            r.setContentType("application/json");
            r.setContentLength(2);
            r.getOutputStream().write("{}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        };
        first.context.upstreamStatus(200);
        filter.apply(c, first.context, first.request, new FakeResponse().response, purgedMeanwhile);
        assertNotNull(waiter[0], "a miss was waiting for this one");
        assertNull(waiter[0].answer().getNow(null), "the waiter goes to the backend itself");
        assertTrue(waiter[0].answer().isDone());
    }

    @Test
    void aCopyNotCompleteInTimeIsDroppedSoSlowReadersCannotHoldTheBudget() throws Exception {
        cache.copyHoldNanos = 0; // every copy is past its time at its second write
        FakeBackend backend = new FakeBackend().body(40_000, true);
        send(config(), FakeRequest.get("/held"), backend);
        assertEquals("Miss", send(config(), FakeRequest.get("/held"), backend).cacheStatus(), "not stored");
        assertEquals(cache.copyBudgetBytes, cache.copies().available(), "every byte given back");
    }

    @Test
    void aLeaderOlderThanTheLockTimeoutLeadsNoMore() {
        // nginx's proxy_cache_lock_age: one slow response cannot keep every later miss waiting.
        ResponseCache.Leader old = leaderAt(1_000);
        assertNull(cache.join("k", old, 10_000));
        assertSame(old, cache.join("k", leaderAt(5_000), 10_000));
        ResponseCache.Leader late = leaderAt(11_000);
        assertNull(cache.join("k", late, 10_000), "the next miss after the lock's age leads");
        assertSame(late, cache.join("k", leaderAt(12_000), 10_000));
        cache.finish("k", old, null); // the old leader ending does not unseat the new one
        assertSame(late, cache.join("k", leaderAt(12_500), 10_000));
    }

    @Test
    void aWaiterWaitsOnlyWhatIsLeftOfItsLeadersLockTimeout() throws Exception {
        ProxyCacheSchema.Config all = config();
        ProxyCacheSchema.Config c = varied(all, all.varyQueryParams(), 60_000);
        FakeRequest request = FakeRequest.get("/late");
        String key = CacheKeys.key(c, request.context, request.request, "/late", "");
        // A leader 59.9 s into its 60 s: a miss joining it now waits 0.1 s, not 60 s.
        ResponseCache.Leader leader = leaderAt(ResponseCache.lockClock() - 59_900);
        assertNull(cache.join(key, leader, c.lockTimeoutMillis()));
        assertSame(leader, cache.join(key, leaderAt(ResponseCache.lockClock()), c.lockTimeoutMillis()));
        FakeBackend backend = new FakeBackend();
        long start = System.nanoTime();
        assertEquals("Miss", send(c, request, backend).cacheStatus());
        assertEquals(1, backend.calls);
        assertTrue(
                java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) < 30_000,
                "it went to the backend when the leader's lock was up");
    }

    @Test
    void varyAuthorizationKeepsAnAuthorizedResponseFromAnonymousClients() throws Exception {
        FakeBackend backend =
                new FakeBackend().header("Cache-Control", "public").header("Vary", "Authorization");
        ProxyCacheSchema.Config c = config();
        send(c, FakeRequest.get("/va", "Authorization", "Bearer x"), backend);
        assertEquals("Miss", send(c, FakeRequest.get("/va"), backend).cacheStatus());
        assertEquals("Hit", send(c, FakeRequest.get("/va"), backend).cacheStatus());
    }

    @Test
    void theValuesTheBackendSawAreTheUpstreamOnes() throws Exception {
        FakeBackend backend = new FakeBackend().header("Vary", "X-Consumer-Username");
        ProxyCacheSchema.Config c = config(ProxyCacheSchema.VaryIdentity.CONSUMER);
        FakeRequest first =
                FakeRequest.get("/u", "X-Consumer-Username", "forged").authenticated("app", "u1", "t1");
        first.context.upstreamHeader("X-Consumer-Username", "web-frontend");
        send(c, first, backend);
        FakeRequest second = FakeRequest.get("/u").authenticated("app", "u2", "t2");
        second.context.upstreamHeader("X-Consumer-Username", "web-frontend");
        assertEquals("Hit", send(c, second, backend).cacheStatus(), "the client's copy was replaced upstream");
    }

    @Test
    void varyStarAndVaryOnAHeaderTheProxyRewritesAreNeverStored() throws Exception {
        for (String vary : List.of("*", "Accept, *", "X-Forwarded-For")) {
            FakeBackend backend = new FakeBackend().header("Vary", vary);
            ProxyCacheSchema.Config c = config();
            assertEquals("Bypass", send(c, FakeRequest.get("/s"), backend).cacheStatus(), vary);
            assertEquals("Bypass", send(c, FakeRequest.get("/s"), backend).cacheStatus(), vary);
            assertEquals(2, backend.calls, vary);
        }
    }

    @Test
    void aKeyedHeaderTheBackendMayNotGetAsKeyedKeepsTheRequestOutOfTheCache() throws Exception {
        // Attacker review 165 #2: the key held "fr" while the backend got no language (a header named
        // in Connection is dropped; Java, Go and Node backends ignore Accept_Language): the default
        // answer was stored for every French client.
        ProxyCacheSchema.Config c = config("accept-language");
        FakeBackend backend = new FakeBackend();
        assertEquals(
                "Bypass",
                send(c, FakeRequest.get("/docs", "Accept-Language", "fr", "Connection", "Accept-Language"), backend)
                        .cacheStatus());
        assertEquals(
                "Bypass",
                send(c, FakeRequest.get("/docs", "Accept_Language", "fr"), backend)
                        .cacheStatus());
        assertEquals(
                "Bypass",
                send(config(), FakeRequest.get("/docs", "Accept_Encoding", "gzip"), backend)
                        .cacheStatus());
        assertEquals(
                "Miss",
                send(c, FakeRequest.get("/docs", "Accept-Language", "fr"), backend)
                        .cacheStatus());
        assertEquals(
                "Hit",
                send(c, FakeRequest.get("/docs", "Accept-Language", "fr"), backend)
                        .cacheStatus());
        // The backend's Vary names it: the answer is not stored under the client's value.
        FakeBackend varying = new FakeBackend().header("Vary", "Accept-Language");
        assertEquals(
                "Bypass",
                send(config(), FakeRequest.get("/v", "Accept_Language", "fr"), varying)
                        .cacheStatus());
        assertEquals(
                "Miss",
                send(config(), FakeRequest.get("/v", "Accept-Language", "fr"), varying)
                        .cacheStatus());
        assertEquals(
                "Hit",
                send(config(), FakeRequest.get("/v", "Accept-Language", "fr"), varying)
                        .cacheStatus());
        assertEquals(2, varying.calls);
    }

    // ---- only a whole body is stored ----

    @Test
    void aBodyShortOfItsContentLengthIsNotStored() throws Exception {
        FakeBackend backend = new FakeBackend().body(2000, true).endAfter(1000);
        ProxyCacheSchema.Config c = config();
        FakeResponse cut = send(c, FakeRequest.get("/cut"), backend);
        assertEquals(1000, cut.body.size());
        assertEquals("Miss", send(c, FakeRequest.get("/cut"), backend).cacheStatus());
        assertEquals(2, backend.calls);
        assertNull(cache.get(cut.header("X-Cache-Key")));
    }

    @Test
    void aChunkedBodyTheBackendCutIsNotStored() throws Exception {
        FakeBackend backend = new FakeBackend().body(2000, false).failAfter(1000);
        ProxyCacheSchema.Config c = config();
        FakeResponse cut = send(c, FakeRequest.get("/cut"), backend);
        assertEquals("Miss", send(c, FakeRequest.get("/cut"), backend).cacheStatus());
        assertNull(cache.get(cut.header("X-Cache-Key")));
    }

    @Test
    void aBodyTheClientStoppedReadingIsNotStored() throws Exception {
        ProxyCacheSchema.Config c = config();
        for (boolean declared : new boolean[] {true, false}) {
            FakeBackend backend = new FakeBackend().body(2000, declared);
            String path = "/gone/" + declared;
            FakeRequest first = FakeRequest.get(path);
            FakeResponse response = new FakeResponse().clientGoneAfter(500);
            filter.apply(c, first.context, first.request, response.response, backend);
            assertEquals("Miss", send(c, FakeRequest.get(path), backend).cacheStatus(), "declared length: " + declared);
        }
    }

    @Test
    void aHeadResponseDeclaresALengthItNeverSendsAndIsStored() throws Exception {
        FakeBackend backend = new FakeBackend().body(2000, true);
        ProxyCacheSchema.Config c = config();
        FakeResponse miss = send(c, FakeRequest.of("HEAD", "/h"), backend);
        assertEquals("Miss", miss.cacheStatus());
        FakeResponse hit = send(c, FakeRequest.of("HEAD", "/h"), backend);
        assertEquals("Hit", hit.cacheStatus());
        // The length the GET would have, not the stored entry's empty body (helper review 131).
        assertEquals("2000", hit.header("Content-Length"));
        assertEquals(0, hit.body.size());
    }

    @Test
    void aWholeBodyIsStoredWithOrWithoutALength() throws Exception {
        ProxyCacheSchema.Config c = config();
        for (boolean declared : new boolean[] {true, false}) {
            FakeBackend backend = new FakeBackend().body(2000, declared);
            String path = "/whole/" + declared;
            FakeResponse miss = send(c, FakeRequest.get(path), backend);
            FakeResponse hit = send(c, FakeRequest.get(path), backend);
            assertEquals("Hit", hit.cacheStatus());
            assertEquals(miss.text(), hit.text());
            assertEquals(2000, hit.body.size());
        }
    }

    // Attacker review 177: the gateway's own 502 (the backend's 200 failed before its first body
    // byte) is not the backend's answer, even on a route that caches 502s.
    @Test
    void theGatewaysOwnAnswerToABackendsResponseIsNeverStored() throws Exception {
        ProxyCacheSchema.Config with502 = kongs(java.util.Set.of(200, 502), false);
        FakeBackend failing = new FakeBackend().answeredByTheGateway(502);
        assertEquals("Miss", send(with502, FakeRequest.get("/gw502"), failing).cacheStatus());
        assertEquals("Miss", send(with502, FakeRequest.get("/gw502"), failing).cacheStatus());
        assertEquals(2, failing.calls);
    }

    // ---- Kong's spec/03-plugins/31-proxy-cache/02-access_spec.lua ----

    private static ProxyCacheSchema.Config honouringCacheControl() {
        return kongs(java.util.Set.of(200, 301, 404), true);
    }

    /** Kong's defaults for JSON, with these response codes and cache_control. */
    private static ProxyCacheSchema.Config kongs(java.util.Set<Integer> codes, boolean cacheControl) {
        return new ProxyCacheSchema.Config(
                codes,
                java.util.Set.of("GET", "HEAD"),
                java.util.Set.of("application/json"),
                300,
                cacheControl,
                List.of(),
                List.of(),
                false,
                ProxyCacheSchema.Config.STORAGE_TTL_UNSET,
                1024 * 1024,
                0,
                1000,
                ProxyCacheSchema.VaryIdentity.SUBJECT);
    }

    // "differentiates caches between instances": the key is 64 hex digits (SHA-256), the same on a hit
    @Test
    void theCacheKeyIsKongsSha256InHex() throws Exception {
        FakeBackend backend = new FakeBackend();
        FakeResponse miss = send(config(), FakeRequest.get("/get"), backend);
        assertEquals("Miss", miss.cacheStatus());
        String key = miss.header("X-Cache-Key");
        org.junit.jupiter.api.Assertions.assertTrue(key.matches("[0-9a-f]{64}"), key);
        FakeResponse hit = send(config(), FakeRequest.get("/get"), backend);
        assertEquals("Hit", hit.cacheStatus());
        assertEquals(key, hit.header("X-Cache-Key"));
    }

    /** Kong ignores the response's Cache-Control unless cache_control is on: no-store is no exception. */
    @Test
    void noStoreIsHonouredOnlyWithCacheControl() throws Exception {
        FakeBackend backend = new FakeBackend().header("Cache-Control", "no-store");
        assertEquals("Miss", send(config(), FakeRequest.get("/ns"), backend).cacheStatus());
        assertEquals("Hit", send(config(), FakeRequest.get("/ns"), backend).cacheStatus());
        FakeBackend strict = new FakeBackend().header("Cache-Control", "no-store, max-age=60");
        assertEquals(
                "Bypass",
                send(honouringCacheControl(), FakeRequest.get("/ns2"), strict).cacheStatus());
        assertEquals(
                "Bypass",
                send(honouringCacheControl(), FakeRequest.get("/ns2"), strict).cacheStatus());
    }

    /** Not Kong's (a security rule): a private answer is one client's, whatever cache_control says. */
    @Test
    void privateIsNeverStored() throws Exception {
        FakeBackend backend = new FakeBackend().header("Cache-Control", "private, max-age=60");
        for (ProxyCacheSchema.Config c : List.of(config(), honouringCacheControl())) {
            assertEquals("Bypass", send(c, FakeRequest.get("/p"), backend).cacheStatus());
        }
        FakeBackend cookie = new FakeBackend().header("Set-Cookie", "session=1");
        assertEquals("Bypass", send(config(), FakeRequest.get("/sc"), cookie).cacheStatus());
        assertEquals("Bypass", send(config(), FakeRequest.get("/sc"), cookie).cacheStatus());
    }

    // "respects cache ttl via cache control" ("max-age=0 never results in caching"), "public not present
    // in Cache-Control, but max-age is", "Cache-Control contains s-maxage only", "Expires present,
    // Cache-Control absent"; and Kong's resource_ttl: without any of them, nothing is stored.
    @Test
    void withCacheControlTheResponseSaysHowLong() throws Exception {
        ProxyCacheSchema.Config c = honouringCacheControl();
        // HTTP's IMF-fixdate (a two-digit day: Java's RFC_1123 formatter writes "5 Dec", which
        // nginx's parser refuses, as Kong's does).
        String expires = java.time.format.DateTimeFormatter.ofPattern(
                        "EEE, dd MMM yyyy HH:mm:ss 'GMT'", java.util.Locale.US)
                .format(java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC).plusSeconds(5000));
        java.time.ZonedDateTime later =
                java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC).plusDays(2);
        // nginx's parse_http_time (Kong's calculate_resource_ttl) reads RFC 850 and asctime dates too
        // (helper review 155: they were not stored here).
        String rfc850 = java.time.format.DateTimeFormatter.ofPattern(
                        "EEEE, dd-MMM-yy HH:mm:ss 'GMT'", java.util.Locale.US)
                .format(later);
        String asctime = java.time.format.DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", java.util.Locale.US)
                .format(later);
        java.util.Map<String, String[]> stored = java.util.Map.of(
                "/max-age", new String[] {"Cache-Control", "max-age=604800"},
                "/s-maxage", new String[] {"Cache-Control", "s-maxage=604800"},
                "/expires", new String[] {"Expires", expires},
                "/expires-rfc850", new String[] {"Expires", rfc850},
                "/expires-asctime", new String[] {"Expires", asctime});
        for (var e : stored.entrySet()) {
            FakeBackend backend = new FakeBackend().header(e.getValue()[0], e.getValue()[1]);
            assertEquals("Miss", send(c, FakeRequest.get(e.getKey()), backend).cacheStatus(), e.getKey());
            assertEquals("Hit", send(c, FakeRequest.get(e.getKey()), backend).cacheStatus(), e.getKey());
        }
        for (String bypassed : List.of("max-age=0", "public")) {
            FakeBackend backend = new FakeBackend().header("Cache-Control", bypassed);
            assertEquals(
                    "Bypass", send(c, FakeRequest.get("/" + bypassed), backend).cacheStatus(), bypassed);
            assertEquals(
                    "Bypass", send(c, FakeRequest.get("/" + bypassed), backend).cacheStatus(), bypassed);
        }
        FakeBackend none = new FakeBackend();
        assertEquals("Bypass", send(c, FakeRequest.get("/none"), none).cacheStatus(), "no freshness: not stored");
    }

    // Kong's cacheable_request (helper review 175): with cache_control, a request carrying
    // Authorization bypasses the cache, verified or not; repeated Cache-Control lines are one list
    // (no-store in the second line counts); a directive is matched by name, not as a substring.
    @Test
    void withCacheControlAuthorizationBypassesAndEveryCacheControlLineCounts() throws Exception {
        ProxyCacheSchema.Config c = honouringCacheControl();
        FakeBackend backend = new FakeBackend().header("Cache-Control", "public, max-age=60");
        assertEquals(
                "Bypass",
                send(c, FakeRequest.get("/auth", "Authorization", "Basic YWxpY2U6cw=="), backend)
                        .cacheStatus());
        assertEquals(
                "Bypass",
                send(c, FakeRequest.get("/lines", "Cache-Control", "max-age=5", "Cache-Control", "no-store"), backend)
                        .cacheStatus());
        assertEquals(
                "Miss",
                send(c, FakeRequest.get("/named", "Cache-Control", "x-no-store-hint"), backend)
                        .cacheStatus());
    }

    // 02-access_spec "respects cache-control" min-fresh and only-if-cached; max-age=N as Kong reads it.
    @Test
    void theRequestsMinFreshMaxAgeAndOnlyIfCachedAreHonouredWithCacheControl() throws Exception {
        ProxyCacheSchema.Config c = honouringCacheControl();
        FakeBackend backend = new FakeBackend().header("Cache-Control", "public, max-age=60");
        assertEquals("Miss", send(c, FakeRequest.get("/fresh"), backend).cacheStatus());
        assertEquals(
                "Hit",
                send(c, FakeRequest.get("/fresh", "Cache-Control", "max-age=5"), backend)
                        .cacheStatus(),
                "younger than max-age");
        assertEquals(
                "Refresh",
                send(c, FakeRequest.get("/fresh", "Cache-Control", "min-fresh=120"), backend)
                        .cacheStatus(),
                "fresh for less than min-fresh");
        assertEquals(2, backend.calls);
        // Kong's time() - timestamp > max-age: max-age=0 takes an entry stored this second, then
        // not (helper review 207: it always went to the backend).
        FakeResponse zero = send(c, FakeRequest.get("/zero"), backend);
        long storedAt = cache.get(zero.header("X-Cache-Key")).storedAt();
        FakeResponse young = send(c, FakeRequest.get("/zero", "Cache-Control", "max-age=0"), backend);
        if (System.currentTimeMillis() - storedAt < 1000) {
            assertEquals("Hit", young.cacheStatus(), "aged 0 whole seconds");
        }
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(5))
                .until(() -> System.currentTimeMillis() - storedAt >= 1000);
        assertEquals(
                "Refresh",
                send(c, FakeRequest.get("/zero", "Cache-Control", "max-age=0"), backend)
                        .cacheStatus());
        int calls = backend.calls;
        FakeResponse onlyCached = send(c, FakeRequest.get("/never-stored", "Cache-Control", "only-if-cached"), backend);
        assertEquals(504, onlyCached.status());
        assertEquals(calls, backend.calls, "not sent to the backend");
        // Kong's handler set X-Cache-Key before looking and exits without an X-Cache-Status.
        assertEquals(null, onlyCached.header("X-Cache-Status"));
        org.junit.jupiter.api.Assertions.assertNotNull(onlyCached.header("X-Cache-Key"));
        assertEquals(
                "Hit",
                send(c, FakeRequest.get("/fresh", "Cache-Control", "only-if-cached"), backend)
                        .cacheStatus());
    }

    // Helper review 190 #4: Kong answers only-if-cached from a stored entry, stale or not; the
    // backend is never asked (RFC 9111 5.2.1.7).
    @Test
    void onlyIfCachedIsAnsweredFromAStaleEntryWithoutAskingTheBackend() throws Exception {
        ProxyCacheSchema.Config c = timed(honouringCacheControl(), 300, 600, 0);
        FakeBackend backend = new FakeBackend().header("Cache-Control", "public, max-age=1");
        FakeResponse first = send(c, FakeRequest.get("/stale"), backend);
        assertEquals("Miss", first.cacheStatus());
        String key = first.header("X-Cache-Key");
        awaitStale(key);
        FakeResponse stale = send(c, FakeRequest.get("/stale", "Cache-Control", "only-if-cached"), backend);
        assertEquals("Hit", stale.cacheStatus());
        assertEquals(1, backend.calls, "not sent to the backend");
        assertEquals(
                "Refresh",
                send(c, FakeRequest.get("/stale", "Cache-Control", "only-if-cached, max-age=0"), backend)
                        .cacheStatus(),
                "its own max-age sends it to the backend, as on Kong");
        assertEquals(2, backend.calls);
    }

    /** Until the entry under {@code key} has been stale for a whole second. */
    /** Waits until the entry at {@code key} is past its lifetime. */
    private void awaitStale(String key) {
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(5))
                .until(() -> !cache.get(key).fresh(System.currentTimeMillis()));
    }

    private void awaitStaleForASecond(String key) {
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(5))
                .until(() -> System.currentTimeMillis() - cache.get(key).freshUntil() >= 1000);
    }

    // Helper review 207 #2 (02-access_spec "max-stale", RFC 9111 5.2.1.2): with storage_ttl keeping
    // an entry past its lifetime, a client's max-stale takes it while stale by no more than it says;
    // a plain request, max-stale=0 once a second stale, and an unreadable value are sent to the backend.
    @Test
    void aRequestsMaxStaleTakesAnEntryKeptPastItsLifetime() throws Exception {
        ProxyCacheSchema.Config c = timed(honouringCacheControl(), 300, 600, 0);
        FakeBackend backend = new FakeBackend().header("Cache-Control", "public, max-age=1");
        FakeResponse first = send(c, FakeRequest.get("/stale"), backend);
        assertEquals("Miss", first.cacheStatus());
        String key = first.header("X-Cache-Key");
        awaitStaleForASecond(key);
        assertEquals(
                "Hit",
                send(c, FakeRequest.get("/stale", "Cache-Control", "max-stale=60"), backend)
                        .cacheStatus());
        assertEquals(
                "Hit",
                send(c, FakeRequest.get("/stale", "Cache-Control", "max-stale"), backend)
                        .cacheStatus());
        assertEquals(1, backend.calls, "not sent to the backend");
        assertEquals(
                "Refresh",
                send(c, FakeRequest.get("/stale", "Cache-Control", "max-stale=0"), backend)
                        .cacheStatus());
        assertEquals(2, backend.calls);
        awaitStaleForASecond(key);
        assertEquals(
                "Refresh",
                send(c, FakeRequest.get("/stale", "Cache-Control", "max-stale=x"), backend)
                        .cacheStatus());
        awaitStaleForASecond(key);
        assertEquals("Refresh", send(c, FakeRequest.get("/stale"), backend).cacheStatus());
        assertEquals(4, backend.calls);
        // Helper review 210 #1: with only-if-cached, an entry staler than max-stale goes to the
        // backend (Kong's Refresh), not answered stale.
        awaitStaleForASecond(key);
        assertEquals(
                "Refresh",
                send(c, FakeRequest.get("/stale", "Cache-Control", "only-if-cached, max-stale=0"), backend)
                        .cacheStatus());
        assertEquals(5, backend.calls);
    }

    // Helper review 210 #2: an entry kept past its lifetime only for stale_if_error (storage_ttl
    // unset) is there for a backend failure, not for a client's max-stale or only-if-cached (Kong's
    // store no longer has it).
    @Test
    void anEntryKeptForStaleIfErrorAnswersNoMaxStaleNorOnlyIfCached() throws Exception {
        ProxyCacheSchema.Config c = timed(honouringCacheControl(), 300, ProxyCacheSchema.Config.STORAGE_TTL_UNSET, 600);
        FakeBackend backend = new FakeBackend().header("Cache-Control", "public, max-age=1");
        FakeResponse first = send(c, FakeRequest.get("/kept"), backend);
        assertEquals("Miss", first.cacheStatus());
        String key = first.header("X-Cache-Key");
        awaitStale(key);
        FakeResponse onlyCached = send(c, FakeRequest.get("/kept", "Cache-Control", "only-if-cached"), backend);
        assertEquals(504, onlyCached.status());
        assertEquals(1, backend.calls);
        assertEquals(
                "Refresh",
                send(c, FakeRequest.get("/kept", "Cache-Control", "max-stale"), backend)
                        .cacheStatus());
        assertEquals(2, backend.calls);
    }

    // Helper review 190 #10: an Upgrade without a handshake is proxied as plain HTTP (Kong's), and
    // cached as any GET; it went past the cache to the backend every time.
    @Test
    void anUpgradeWithoutAHandshakeIsCachedAsAnyGet() throws Exception {
        FakeBackend backend = new FakeBackend();
        ProxyCacheSchema.Config c = config();
        assertEquals(
                "Miss",
                send(c, FakeRequest.get("/up", "Upgrade", "websocket"), backend).cacheStatus());
        assertEquals(
                "Hit",
                send(c, FakeRequest.get("/up", "Upgrade", "websocket"), backend).cacheStatus());
        assertEquals(1, backend.calls);
        FakeResponse handshake = send(
                c,
                FakeRequest.get("/up", "Upgrade", "websocket", "Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="),
                backend);
        assertNull(handshake.cacheStatus(), "a handshake is the relay's");
    }

    // Helper review 190 #2: Accept-Encoding is keyed as a set of codings; a backend's Vary naming
    // it made each spelling of one set a variant replacing the other.
    @Test
    void aVaryOnAcceptEncodingIsJudgedByTheKeysCodings() throws Exception {
        FakeBackend backend = new FakeBackend().header("Vary", "Accept-Encoding");
        ProxyCacheSchema.Config c = config();
        assertEquals(
                "Miss",
                send(c, FakeRequest.get("/ae", "Accept-Encoding", "gzip;q=1.0, deflate;q=0.8"), backend)
                        .cacheStatus());
        assertEquals(
                "Hit",
                send(c, FakeRequest.get("/ae", "Accept-Encoding", "deflate;q=1.0, gzip;q=0.9"), backend)
                        .cacheStatus());
        assertEquals(1, backend.calls);
    }

    // Helper review 190 #1: with vary_query_params, an argument the key leaves out must not be one
    // the backend reads as a keyed one.
    @Test
    void anArgumentSpelledAsAKeyedOneBypasses() throws Exception {
        ProxyCacheSchema.Config all = config();
        ProxyCacheSchema.Config c = varied(all, List.of("page"), all.lockTimeoutMillis());
        FakeBackend backend = new FakeBackend();
        for (String q : List.of("PAGE=2", "page[]=2", "utm=x;page=2", "p%61ge[x]=2", "page%00=2")) {
            assertEquals(
                    "Bypass", send(c, FakeRequest.get("/list?" + q), backend).cacheStatus(), q);
        }
        assertEquals(
                "Miss", send(c, FakeRequest.get("/list?utm=x&page=2"), backend).cacheStatus());
        assertEquals(
                "Hit", send(c, FakeRequest.get("/list?page=2&utm=y"), backend).cacheStatus(), "utm is not keyed");
        assertEquals("Miss", send(c, FakeRequest.get("/list?page=2;x"), backend).cacheStatus(), "keyed as sent");
    }

    // Helper review 251 #1: a credential the key leaves out, read by the backend itself (no auth
    // plugin put its user in the key): Alice's answer was stored under the key Bob asks with.
    @Test
    void aCredentialArgumentTheKeyLeavesOutNeverSharesAnEntry() throws Exception {
        ProxyCacheSchema.Config all = config();
        ProxyCacheSchema.Config c = varied(all, List.of("page"), all.lockTimeoutMillis());
        FakeBackend backend = new FakeBackend();
        FakeResponse alice = send(c, FakeRequest.get("/me?page=1&access_token=ALICE"), backend);
        assertEquals("Bypass", alice.cacheStatus());
        FakeResponse bob = send(c, FakeRequest.get("/me?page=1&access_token=BOB"), backend);
        assertEquals("Bypass", bob.cacheStatus(), "never Alice's entry");
        assertEquals("Miss", send(c, FakeRequest.get("/me?page=1"), backend).cacheStatus(), "nothing of Alice's kept");
        for (String q : List.of(
                "Access_Token=A",
                "access%5Ftoken=A",
                "apikey=A",
                "API_KEY=A",
                "x=1&apikey",
                // PHP's readings (attacker review 252): '.' and ' ' are '_', a leading space and
                // what follows a NUL are dropped, brackets make an array of the name.
                "access.token=A",
                "api+key=A",
                "+access_token=A",
                "access_token%00=A",
                "access_token[]=A",
                "access[token=A",
                "api[key=A",
                // Helper review 258: other spellings and names by convention.
                "api-key=A",
                "accessToken=A",
                "jwt=A",
                "token=A",
                "id_token=A",
                // Helper review 284: Google's key, GitLab's private_token, and kin.
                "key=A",
                "private_token=A",
                "api_token=A",
                "auth=A")) {
            assertEquals(
                    "Bypass",
                    send(c, FakeRequest.get("/me?page=1&" + q), backend).cacheStatus(),
                    q);
        }
        assertEquals(
                "Hit",
                send(c, FakeRequest.get("/me?page=1&monkey=1&tokens=2"), backend)
                        .cacheStatus(),
                "other names are not credentials");
        // Another credential verified (a key-auth app key): the user's token is still not keyed.
        FakeRequest keyedApp =
                FakeRequest.get("/me?page=1&apikey=APPKEY&access_token=ALICE").authenticated("mobile", null, "APPKEY");
        keyedApp.context.credentialVerifiedFrom(List.of("apikey"), List.of());
        assertEquals("Bypass", send(c, keyedApp, backend).cacheStatus());
        // A name some plugin reads credentials from, but not where this request's was verified
        // (attacker review 257: another route's key-auth reads access_token).
        FakeRequest elsewhere =
                FakeRequest.get("/me?page=1&apikey=APPKEY&access_token=ALICE").authenticated("mobile", null, "APPKEY");
        elsewhere.context.credentialNames(List.of("access_token"), List.of());
        elsewhere.context.credentialVerifiedFrom(List.of("apikey"), List.of());
        assertEquals("Bypass", send(c, elsewhere, backend).cacheStatus());
        FakeRequest appOnly = FakeRequest.get("/me?page=2&apikey=APPKEY").authenticated("mobile", null, "APPKEY");
        appOnly.context.credentialVerifiedFrom(List.of("apikey"), List.of());
        assertEquals(
                "Miss", send(c, appOnly, backend).cacheStatus(), "the verified key alone is keyed by its consumer");
        // Every argument keyed (vary_query_params empty, Kong's default): one entry per token.
        FakeBackend keyed = new FakeBackend();
        ProxyCacheSchema.Config everyArgument = config();
        assertEquals(
                "Miss",
                send(everyArgument, FakeRequest.get("/all?access_token=A"), keyed)
                        .cacheStatus());
        assertEquals(
                "Hit",
                send(everyArgument, FakeRequest.get("/all?access_token=A"), keyed)
                        .cacheStatus());
        assertEquals(
                "Miss",
                send(everyArgument, FakeRequest.get("/all?access_token=B"), keyed)
                        .cacheStatus());
    }

    // Helper review 284: the method admitted is the one the backend gets, as Kong's cacheable_request
    // reads it after request-transformer's set_method: a GET sent on as POST is never answered
    // from the cache (the second POST would not reach the backend), a POST sent on as GET may be.
    @Test
    void theMethodAdmittedIsTheOneTheBackendGets() throws Exception {
        FakeBackend backend = new FakeBackend();
        ProxyCacheSchema.Config c = config();
        for (int i = 0; i < 2; i++) {
            FakeRequest posted = FakeRequest.get("/made-post");
            posted.context.upstreamMethod("POST");
            assertEquals("Bypass", send(c, posted, backend).cacheStatus(), "try " + i);
        }
        FakeRequest first = FakeRequest.of("POST", "/made-get");
        first.context.upstreamMethod("GET");
        assertEquals("Miss", send(c, first, backend).cacheStatus());
        FakeRequest second = FakeRequest.of("POST", "/made-get");
        second.context.upstreamMethod("GET");
        assertEquals("Hit", send(c, second, backend).cacheStatus());
    }

    @Test
    void aCredentialHeaderTheKeyLeavesOutNeverSharesAnEntry() throws Exception {
        FakeBackend backend = new FakeBackend();
        ProxyCacheSchema.Config c = config();
        for (String name : List.of(
                "X-Api-Key",
                "x_api_key",
                "Api-Key",
                "apikey",
                "X-Auth-Token",
                "X-Access-Token",
                "X-Apikey",
                "X-Token",
                "Private-Token",
                "X-Vault-Token",
                "X-Amz-Security-Token",
                "X-Goog-Api-Key",
                // Helper review 284: a backend's own key or token schemes.
                "X-Auth-Key",
                "X-API-Token",
                "X-Authorization",
                "X-Auth")) {
            assertEquals(
                    "Bypass",
                    send(c, FakeRequest.get("/me", name, "ALICE"), backend).cacheStatus(),
                    name);
            assertEquals(
                    "Miss", send(c, FakeRequest.get("/me/" + name), backend).cacheStatus(), name);
            assertEquals(
                    "Bypass",
                    send(c, FakeRequest.get("/me/" + name, name, "BOB"), backend)
                            .cacheStatus(),
                    name);
        }
        // Keyed (vary_headers): one entry per value.
        ProxyCacheSchema.Config varied = config("x-api-key");
        assertEquals(
                "Miss",
                send(varied, FakeRequest.get("/v", "X-Api-Key", "A"), backend).cacheStatus());
        assertEquals(
                "Hit",
                send(varied, FakeRequest.get("/v", "X-Api-Key", "A"), backend).cacheStatus());
        assertEquals(
                "Miss",
                send(varied, FakeRequest.get("/v", "X-Api-Key", "B"), backend).cacheStatus());
        // An auth plugin verified this very header: its user is in the key.
        FakeRequest first = FakeRequest.get("/a", "X-Api-Key", "K1").authenticated("app", "u1", "K1");
        first.context.credentialVerifiedFrom(List.of(), List.of("X-Api-Key"));
        assertEquals("Miss", send(c, first, backend).cacheStatus());
        FakeRequest again = FakeRequest.get("/a", "X-Api-Key", "K1").authenticated("app", "u1", "K1");
        again.context.credentialVerifiedFrom(List.of(), List.of("X-Api-Key"));
        assertEquals("Hit", send(c, again, backend).cacheStatus());
        // Another credential verified (one app key for every install, attacker review 252): the
        // user's own token is not in the key.
        FakeRequest alice = FakeRequest.get("/b", "X-Access-Token", "ALICE").authenticated("mobile", null, "APPKEY");
        assertEquals("Bypass", send(c, alice, backend).cacheStatus());
        FakeRequest bob = FakeRequest.get("/b", "X-Access-Token", "BOB").authenticated("mobile", null, "APPKEY");
        assertEquals("Bypass", send(c, bob, backend).cacheStatus(), "never Alice's entry");
        // A plugin removed it for the backend (hide_credentials, request-transformer): no one reads it.
        FakeRequest hidden = FakeRequest.get("/h", "X-Api-Key", "K2");
        hidden.context.upstreamHeader("X-Api-Key", null);
        assertEquals("Miss", send(c, hidden, backend).cacheStatus());
    }
}
