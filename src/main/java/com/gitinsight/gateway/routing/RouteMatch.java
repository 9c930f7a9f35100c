package com.gitinsight.gateway.routing;

import com.gitinsight.gateway.config.RouteSpec;
import com.gitinsight.gateway.config.ServiceSpec;

/**
 * The route chosen for a request, its service, and the upstream path derived from them: the
 * service path joined with the request path (less the matched path when strip_path) by the route's
 * {@code path_handling} (Kong's v0 or v1; see {@link Router#joinV0}, {@link Router#joinV1}).
 * {@code prefix}: what strip_path removed (Kong's {@code match_t.prefix}, sent as
 * X-Forwarded-Prefix), or null. {@code service} is null for a route without one: its plugins run,
 * then the request is answered 503, as Kong's access phase ends.
 */
public record RouteMatch(RouteSpec route, ServiceSpec service, String upstreamPath, String prefix) {

    public RouteMatch(RouteSpec route, ServiceSpec service, String upstreamPath) {
        this(route, service, upstreamPath, null);
    }
}
