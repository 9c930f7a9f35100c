package com.gitinsight.gateway.upstream;

import java.util.List;

/**
 * The policy that picks a target for one attempt. Implementations are lock-free: the request path
 * must not serialise on a shared lock.
 */
public interface Balancer {

    /**
     * The target for the next attempt, preferring one not in {@code tried} (earlier attempts of the
     * same request); null only when the pool has no usable target.
     */
    Target pick(List<Target> tried);

    /** Every target, including disabled ones (weight 0), for status pages. */
    List<Target> targets();
}
