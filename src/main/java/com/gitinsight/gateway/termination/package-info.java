/**
 * Kong's {@code request-termination}: answering a request at the gateway (maintenance pages, a
 * fixed status, an echo of the request for debugging) instead of proxying it.
 */
package com.gitinsight.gateway.termination;
