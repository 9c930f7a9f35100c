/**
 * GitInsight Gateway: the JAX-RS application ({@link com.gitinsight.gateway.GatewayApplication})
 * sits here, above every capability package. Nulls: parameters and results are never null unless
 * their documentation says "or null"; collections are empty, not null.
 */
package com.gitinsight.gateway;
