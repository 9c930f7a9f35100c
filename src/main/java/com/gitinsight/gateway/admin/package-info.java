/**
 * The admin API and console: entities over the declarative file, guarded where JAX-RS dispatches
 * (AdminGuard), crash-safe audited writes under a cross-process lock, redaction of secrets by
 * field, and the console login. Nulls: parameters and results are never null unless their
 * documentation says "or null"; collections are empty, not null.
 */
package com.gitinsight.gateway.admin;
