package com.gitinsight.gateway.security;

import static com.gitinsight.gateway.security.AuthTests.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.gitinsight.gateway.runtime.GatewaySnapshot;
import com.gitinsight.gateway.runtime.RequestContext;
import com.gitinsight.gateway.runtime.TestSnapshots;
import com.gitinsight.gateway.testing.FakeHttp;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Plugin acl against Kong's spec/03-plugins/18-acl/02-access_spec.lua mapped to 3.x (allow/deny,
 * 401 without a consumer; numbers in the names are the digest's cases). Kong's ctx-checker test
 * plugin, which sets {@code authenticated_groups}, is {@link Groups} here (the jwt plugin's SSO
 * logins set them from the token's roles).
 */
class AclFilterTest {

    static final GatewaySnapshot SNAPSHOT = TestSnapshots.of("""
            _format_version: "3.0"
            services:
              - name: svc
                url: http://127.0.0.1:9
                routes:
                  - {name: a_key, paths: [/a_key], plugins: [{name: key-auth}, {name: acl, config: {allow: [admin]}}]}
                  - {name: a_ctx, paths: [/a_ctx], plugins: [{name: acl, config: {allow: [admin]}}]}
                  - {name: d_key, paths: [/d_key], plugins: [{name: key-auth}, {name: acl, config: {deny: [admin]}}]}
                  - {name: d_ctx, paths: [/d_ctx], plugins: [{name: acl, config: {deny: [admin]}}]}
                  - {name: ap_key, paths: [/ap_key], plugins: [{name: key-auth}, {name: acl, config: {allow: [admin, pro]}}]}
                  - {name: ap_ctx, paths: [/ap_ctx], plugins: [{name: acl, config: {allow: [admin, pro]}}]}
                  - {name: dp_key, paths: [/dp_key], plugins: [{name: key-auth}, {name: acl, config: {deny: [admin, pro]}}]}
                  - {name: dp_ctx, paths: [/dp_ctx], plugins: [{name: acl, config: {deny: [admin, pro]}}]}
                  - {name: dph_key, paths: [/dph_key], plugins: [{name: key-auth}, {name: acl, config: {deny: [admin, pro, hello]}}]}
                  - {name: dph_ctx, paths: [/dph_ctx], plugins: [{name: acl, config: {deny: [admin, pro, hello]}}]}
                  - {name: aph_key, paths: [/aph_key], plugins: [{name: key-auth}, {name: acl, config: {allow: [admin, pro, hello]}}]}
                  - {name: aph_ctx, paths: [/aph_ctx], plugins: [{name: acl, config: {allow: [admin, pro, hello]}}]}
                  - name: anon
                    paths: [/anon]
                    plugins: [{name: key-auth, config: {anonymous: anonymous}}, {name: acl, config: {allow: [anonymous]}}]
                  - name: aanon
                    paths: [/aanon]
                    plugins: [{name: key-auth, config: {anonymous: anonymous}}, {name: acl, config: {allow: [admin, anonymous]}}]
                  - name: anon_none
                    paths: [/anon_none]
                    plugins: [{name: key-auth, config: {anonymous: nobody}}, {name: acl, config: {allow: [everyone]}}]
                  - name: danon_none
                    paths: [/danon_none]
                    plugins: [{name: key-auth, config: {anonymous: nobody}}, {name: acl, config: {deny: [everyone]}}]
                  - name: hide_key
                    paths: [/hide_key]
                    plugins: [{name: key-auth}, {name: acl, config: {allow: [admin], hide_groups_header: true}}]
                  - {name: hide_ctx, paths: [/hide_ctx], plugins: [{name: acl, config: {allow: [admin], hide_groups_header: true}}]}
                  - name: always
                    paths: [/always]
                    plugins: [{name: key-auth}, {name: acl, config: {allow: [team], always_use_authenticated_groups: true}}]
                  - name: not_always
                    paths: [/not_always]
                    plugins: [{name: key-auth}, {name: acl, config: {allow: [team]}}]
            consumers:
              - {username: consumer1, keyauth_credentials: [{key: apikey123}]}
              - {username: consumer2, keyauth_credentials: [{key: apikey124}], acls: [{group: admin}]}
              - {username: consumer3, keyauth_credentials: [{key: apikey125}], acls: [{group: pro}, {group: hello}]}
              - {username: consumer4, keyauth_credentials: [{key: apikey126}], acls: [{group: free}, {group: hello}]}
              - {username: anonymous, acls: [{group: anonymous}]}
              - {username: nobody}
            """);

    /** Kong's ctx-checker: sets the request's authenticated groups (and, optionally, a bare credential). */
    static final class Groups extends HttpFilter {
        private final List<String> groups;
        private final boolean credential;

        Groups(List<String> groups, boolean credential) {
            this.groups = groups;
            this.credential = credential;
        }

        @Override
        protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws IOException, ServletException {
            RequestContext context = RequestContext.of(request);
            context.authenticatedGroups(groups);
            if (credential) {
                context.credentialAuthenticated(true);
            }
            chain.doFilter(request, response);
        }
    }

    private FakeHttp.Request request;

    /** key-auth, the groups ({@code ctx} null: none), acl; {@code key} null: no key. */
    private FakeHttp.Response send(String route, String key, List<String> ctx) throws Exception {
        request = FakeHttp.Request.get(key == null ? "/request" : "/request?apikey=" + key);
        return AuthTests.run(
                SNAPSHOT,
                route,
                request,
                new FakeHttp.Backend(),
                new KeyAuthFilter(),
                new Groups(ctx, false),
                new AclFilter());
    }

    private Map<String, String> upstream() {
        return request.context().upstreamHeaders();
    }

    private void assertPasses(FakeHttp.Response r, String consumerGroups, String authenticatedGroups) {
        assertEquals(200, r.status());
        assertEquals(consumerGroups, upstream().get("X-Consumer-Groups"));
        assertEquals(authenticatedGroups, upstream().get("X-Authenticated-Groups"));
    }

    private static void assertForbidden(FakeHttp.Response r) throws Exception {
        assertEquals(403, r.status());
        assertEquals("You cannot consume this service", message(r));
    }

    @Test
    void case01To04TheGroupsHeaderNamesWhereTheGroupsCameFrom() throws Exception {
        assertPasses(send("a_key", "apikey124", null), "admin", null);
        assertPasses(send("a_ctx", null, List.of("admin")), null, "admin");
        assertPasses(send("anon", null, null), "anonymous", null);
        assertPasses(send("anon", null, List.of("anonymous")), null, "anonymous");
    }

    // Kong's "anonymous ... with authentication without groups": an anonymous consumer that has no
    // groups has none to allow (401, no credential); under deny it passes, with the groups header
    // empty (the 3.x acl access spec: assert.equal("", body.headers["x-consumer-groups"]); helper
    // review 137, where review 120 had it removed).
    @Test
    void anAnonymousConsumerWithoutGroupsIs401UnderAllowAndPassesUnderDeny() throws Exception {
        FakeHttp.Response r = send("anon_none", null, null);
        assertEquals(401, r.status());
        assertEquals("Unauthorized", message(r));
        assertPasses(send("danon_none", null, null), "", null);
        assertForbidden(send("a_key", "apikey123", null)); // a credential, no groups: 403
    }

    @Test
    void case05NoConsumerAndNoGroupsIs401AndABareCredential403() throws Exception {
        FakeHttp.Response r = send("a_ctx", null, null);
        assertEquals(401, r.status());
        assertEquals("Unauthorized", message(r));
        assertEquals(null, r.header("WWW-Authenticate"));
        request = FakeHttp.Request.get("/request");
        assertForbidden(AuthTests.run(
                SNAPSHOT, "a_ctx", request, new FakeHttp.Backend(), new Groups(null, true), new AclFilter()));
    }

    @Test
    void case06And07NotInAnAllowedGroup() throws Exception {
        assertForbidden(send("a_key", "apikey123", null));
        assertForbidden(send("a_ctx", null, List.of()));
    }

    @Test
    void case10To13HideGroupsHeader() throws Exception {
        assertPasses(send("hide_key", "apikey124", null), null, null);
        assertFalse(upstream().containsKey("X-Consumer-Groups"));
        assertPasses(send("hide_ctx", null, List.of("admin")), null, null);
        assertFalse(upstream().containsKey("X-Authenticated-Groups"));
        assertPasses(send("a_key", "apikey124", null), "admin", null);
        assertPasses(send("a_ctx", null, List.of("admin")), null, "admin");
    }

    @Test
    void case14To17Deny() throws Exception {
        // No groups under deny: the header is sent empty, as Kong's set_header of "" (helper review 137).
        assertPasses(send("d_key", "apikey123", null), "", null);
        assertPasses(send("d_ctx", null, List.of()), null, "");
        assertForbidden(send("d_key", "apikey124", null));
        assertForbidden(send("d_ctx", null, List.of("admin")));
    }

    @Test
    void case18To31SeveralGroups() throws Exception {
        assertPasses(send("ap_key", "apikey125", null), "pro, hello", null);
        assertPasses(send("ap_ctx", null, List.of("pro", "hello")), null, "pro, hello");
        assertForbidden(send("ap_key", "apikey126", null));
        assertForbidden(send("ap_ctx", null, List.of("free", "hello")));
        assertForbidden(send("dp_key", "apikey125", null));
        assertForbidden(send("dp_ctx", null, List.of("pro", "hello")));
        assertPasses(send("dp_key", "apikey126", null), "free, hello", null);
        assertPasses(send("dp_ctx", null, List.of("free", "hello")), null, "free, hello");
        assertForbidden(send("dph_key", "apikey126", null));
        assertForbidden(send("dph_ctx", null, List.of("free", "hello")));
        assertPasses(send("aph_key", "apikey126", null), "free, hello", null);
        assertPasses(send("aph_ctx", null, List.of("free", "hello")), null, "free, hello");
        assertForbidden(send("dph_key", "apikey125", null));
        assertForbidden(send("dph_ctx", null, List.of("pro", "hello")));
    }

    @Test
    void case33To36AuthenticatedGroupsOverrideOnlyAnAnonymousConsumer() throws Exception {
        assertPasses(send("aanon", "apikey124", List.of("admin")), "admin", null);
        assertPasses(send("aanon", null, List.of("admin")), null, "admin");
        FakeHttp.Response r = send("anon", "apikey124", List.of("anonymous"));
        assertForbidden(r);
        assertForbidden(send("anon", null, List.of("admin")));
    }

    @Test
    void case37And38AlwaysUseAuthenticatedGroups() throws Exception {
        assertPasses(send("always", "apikey124", List.of("team")), null, "team");
        assertForbidden(send("not_always", "apikey124", List.of("team")));
        assertForbidden(send("always", "apikey124", null));
        assertPasses(send("always", "apikey124", List.of("team", "other")), null, "team, other");
    }

    @Test
    void anSsoUserKongDoesNotKnowIsJudgedByItsRoles() throws Exception {
        // The jwt plugin's SSO login of a user no consumer maps: a consumer id that is no configured
        // consumer's, a credential, and the token's roles as authenticated groups.
        request = FakeHttp.Request.get("/request");
        HttpFilter sso = new HttpFilter() {
            @Override
            protected void doFilter(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
                    throws IOException, ServletException {
                RequestContext c = RequestContext.of(req);
                c.consumer("sso-made-up-id");
                c.credentialAuthenticated(true);
                c.authenticatedGroups(List.of("admin", "dev"));
                chain.doFilter(req, res);
            }
        };
        assertEquals(
                200,
                AuthTests.run(SNAPSHOT, "a_ctx", request, new FakeHttp.Backend(), sso, new AclFilter())
                        .status());
        assertEquals("admin, dev", upstream().get("X-Authenticated-Groups"));
    }

    @Test
    void schemaNeedsExactlyOneOfAllowAndDeny() {
        String both = """
                _format_version: "3.0"
                plugins: [{name: acl, config: {allow: [a], deny: [b]}}]
                """;
        String none = """
                _format_version: "3.0"
                plugins: [{name: acl, config: {hide_groups_header: true}}]
                """;
        IllegalArgumentException e1 = org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class, () -> TestSnapshots.of(both));
        org.junit.jupiter.api.Assertions.assertTrue(
                e1.getMessage().contains("plugins[0].config.deny: exactly one of these fields must be non-empty"),
                e1.getMessage());
        IllegalArgumentException e2 = org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class, () -> TestSnapshots.of(none));
        org.junit.jupiter.api.Assertions.assertTrue(
                e2.getMessage().contains("plugins[0].config.allow: at least one of these fields must be non-empty"),
                e2.getMessage());
        // Kong's admin API spec: a config with neither fails both checks (a full entity's absent
        // fields are null, so only_one_of runs).
        org.junit.jupiter.api.Assertions.assertTrue(
                e2.getMessage().contains("plugins[0].config.allow: exactly one of these fields must be non-empty"),
                e2.getMessage());
        IllegalArgumentException e3 = org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class,
                () -> TestSnapshots.of(
                        "_format_version: \"3.0\"\nplugins: [{name: acl, config: {allow: [], deny: []}}]\n"));
        org.junit.jupiter.api.Assertions.assertTrue(
                e3.getMessage().contains("plugins[0].config.allow: exactly one of these fields must be non-empty"),
                e3.getMessage());
        org.junit.jupiter.api.Assertions.assertTrue(
                e3.getMessage().contains("plugins[0].config.allow: at least one of these fields must be non-empty"),
                e3.getMessage());
    }
}
