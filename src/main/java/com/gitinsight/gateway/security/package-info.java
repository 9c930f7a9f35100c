/**
 * The security plugins: security headers, CORS, IP restriction, JWT (Kong credentials and OIDC SSO
 * through one guarded identity-provider client) and request size limits. Nulls: parameters and
 * results are never null unless their documentation says "or null"; collections are empty, not
 * null.
 */
package com.gitinsight.gateway.security;
