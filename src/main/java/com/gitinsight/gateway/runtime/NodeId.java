package com.gitinsight.gateway.runtime;

import java.util.UUID;

/**
 * This node's id, as Kong's {@code kong.node.get_id()}: one per process, the same wherever the node
 * names itself (request-termination's echo, the prometheus plugin's {@code kong_node_info},
 * OpenTelemetry's {@code service.instance.id}).
 */
public final class NodeId {

    /** Made once, when the class is first used. */
    public static final String VALUE = UUID.randomUUID().toString();

    private NodeId() {}
}
