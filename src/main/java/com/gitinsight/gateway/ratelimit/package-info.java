/**
 * The rate-limiting (Kong's fixed windows) and request-rate (GCRA, nginx's limit_req) plugins and
 * their counter stores: local lock-free cells or one Redis script per request. Nulls: parameters
 * and results are never null unless their documentation says "or null"; collections are empty, not
 * null.
 */
package com.gitinsight.gateway.ratelimit;
