/**
 * Request helpers every plugin may use without reaching into proxy or security: the JSON error
 * writer, managed response headers, the client address behind trusted proxies, CIDR lists and
 * bounded bodies. Nulls: parameters and results are never null unless their documentation says "or
 * null"; collections are empty, not null.
 */
package com.gitinsight.gateway.http;
