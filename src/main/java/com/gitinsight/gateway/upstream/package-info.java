/**
 * Targets and their live health, balancers, passive and active checks, DNS discovery, and
 * per-service circuit breakers and bulkheads. No Jakarta EE API. Nulls: parameters and results are
 * never null unless their documentation says "or null"; collections are empty, not null.
 */
package com.gitinsight.gateway.upstream;
