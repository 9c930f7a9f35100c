package com.gitinsight.gateway.routing;

import com.gitinsight.gateway.config.RouteSpec;
import com.gitinsight.gateway.config.ServiceSpec;

/**
 * The route chosen for a request, its service, and the upstream path derived from them (Kong
 * path_handling v0: the service path, then the request path with the matched prefix stripped if
 * strip_path).
 */
public record RouteMatch(RouteSpec route, ServiceSpec service, String upstreamPath) {
}
