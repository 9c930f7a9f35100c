/**
 * Kong's route selection, built once per configuration, and the request path as Kong normalises it.
 * No Jakarta EE API. Nulls: parameters and results are never null unless their documentation says
 * "or null"; collections are empty, not null.
 */
package com.gitinsight.gateway.routing;
