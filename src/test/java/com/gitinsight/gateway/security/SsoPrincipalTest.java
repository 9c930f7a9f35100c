package com.gitinsight.gateway.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.servlet.http.HttpServletRequest;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Set;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jose4j.jwt.JwtClaims;
import org.junit.jupiter.api.Test;

class SsoPrincipalTest {

    @Test
    void theVerifiedTokenIsTheRequestsMicroProfileJwtPrincipal() throws Exception {
        JwtClaims claims = JwtClaims.parse("{\"iss\":\"https://idp\",\"sub\":\"u-1\",\"aud\":\"gateway\","
                + "\"exp\":1900000000,\"scope\":\"openid admin:write\",\"roles\":[\"gateway-admin\"]}");
        SsoPrincipal principal = new SsoPrincipal(
                claims, "raw.token.here", "alice", SsoPrincipal.strings(claims.getClaimValue("roles")));
        HttpServletRequest base = (HttpServletRequest) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {HttpServletRequest.class}, (p, m, a) -> null);
        HttpServletRequest request = new JwtFilter.PrincipalRequest(base, principal);

        JsonWebToken jwt = assertInstanceOf(JsonWebToken.class, request.getUserPrincipal());
        assertEquals("alice", jwt.getName());
        assertEquals("https://idp", jwt.getIssuer());
        assertEquals("u-1", jwt.getSubject());
        assertEquals(Set.of("gateway"), jwt.getAudience());
        assertEquals(Set.of("gateway-admin"), jwt.getGroups());
        assertEquals("raw.token.here", jwt.getRawToken());
        assertEquals(1900000000L, jwt.getExpirationTime());
        assertTrue(request.isUserInRole("gateway-admin"));
        assertFalse(request.isUserInRole("admin:write"), "scopes are not roles");
        assertEquals("MP-JWT", request.getAuthType());
        assertEquals(Set.of("openid", "admin:write"), SsoPrincipal.strings(claims.getClaimValue("scope")));
        assertEquals(Set.of("a", "b"), SsoPrincipal.strings(List.of("a", "b")));
    }

    @Test
    void anSsoLoginsRolesAreTheAclPluginsAuthenticatedGroupsInAStableOrder() throws Exception {
        JwtClaims claims = JwtClaims.parse("{\"sub\":\"u-1\",\"roles\":[\"ops\",\"admin\",\"dev\"]}");
        SsoPrincipal principal =
                new SsoPrincipal(claims, "t", "alice", SsoPrincipal.strings(claims.getClaimValue("roles")));
        assertEquals(List.of("admin", "dev", "ops"), principal.sortedRoles());
    }
}
