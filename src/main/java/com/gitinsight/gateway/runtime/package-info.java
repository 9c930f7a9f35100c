/**
 * The running configuration as one immutable snapshot swapped atomically, the file watcher, the
 * per-request context and plugin lookup, and the base of a plugin filter. Nulls: parameters and
 * results are never null unless their documentation says "or null"; collections are empty, not
 * null.
 */
package com.gitinsight.gateway.runtime;
