package com.gitinsight.gateway.upstream;

import com.gitinsight.gateway.config.UpstreamSpec.HashOn;

/** What a hashing balancer may read of the request; values are looked up only when needed. */
public interface PickRequest {

    /** The value of {@code source} ({@code name} is the header, cookie or query argument), or null. */
    String hashValue(HashOn source, String name);

    PickRequest NONE = (source, name) -> null;
}
