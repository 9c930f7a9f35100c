/**
 * The proxy-cache plugin: the Ehcache store with its path index, what a request may get from it
 * (Admission, Variants), the capturing response, purges and their MXBean. Nulls: parameters and
 * results are never null unless their documentation says "or null"; collections are empty, not
 * null.
 */
package com.gitinsight.gateway.cache;
