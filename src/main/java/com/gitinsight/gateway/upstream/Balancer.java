package com.gitinsight.gateway.upstream;

import java.util.List;

/**
 * The policy that picks a target for one attempt. Implementations are lock-free: the request path
 * must not serialise on a shared lock. Targets out of rotation (unhealthy) are never picked.
 */
public interface Balancer {

    /**
     * The target for the next attempt, preferring one not in {@code tried} (earlier attempts of the
     * same request); null only when no target is in rotation.
     */
    Target pick(PickRequest request, List<Target> tried);

    /** Every target, including disabled ones (weight 0), for status pages. */
    List<Target> targets();

    /** The first usable target of {@code order} from {@code start}, untried if possible. */
    static Target firstUsable(Target[] order, int start, List<Target> tried) {
        Target fallback = null;
        for (int i = 0; i < order.length; i++) {
            Target t = order[(start + i) % order.length];
            if (!t.available()) {
                continue;
            }
            if (tried.isEmpty() || !tried.contains(t)) {
                return t;
            }
            if (fallback == null) {
                fallback = t;
            }
        }
        return fallback;
    }
}
