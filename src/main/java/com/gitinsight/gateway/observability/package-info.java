/**
 * Request and correlation ids, Prometheus metrics, the access log, JMX, health and status (details
 * for the observers' networks only), and the container log limiter. Nulls: parameters and results
 * are never null unless their documentation says "or null"; collections are empty, not null.
 */
package com.gitinsight.gateway.observability;
