/**
 * The request path: the head filter (framing, path normalisation, the route matched once), the
 * plugin filter runner, the JAX-RS proxy resource and the one forwarding pipeline for HTTP and
 * WebSocket. Nulls: parameters and results are never null unless their documentation says "or
 * null"; collections are empty, not null.
 */
package com.gitinsight.gateway.proxy;
