package com.gitinsight.gateway.routing;

import com.gitinsight.gateway.config.RouteSpec;

/**
 * The route chosen for a request and the upstream path derived from it (Kong path_handling v0:
 * the service path, then the request path with the matched prefix stripped if strip_path).
 */
public record RouteMatch(RouteSpec route, String upstreamPath) {
}
