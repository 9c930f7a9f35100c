package com.gitinsight.gateway.observability;

import com.gitinsight.gateway.runtime.Unproxied;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.function.Consumer;

/**
 * This node's id generators: correlation-id's (one node UUID and counter for {@code uuid#counter},
 * Kong's per worker) and request-id's own, so neither plugin's ids skip the other's numbers.
 */
@ApplicationScoped
public class IdSource implements Unproxied<IdSource> {

    private final IdGenerator generator = new IdGenerator(host());
    private final IdGenerator requestIds = new IdGenerator(host());

    /** correlation-id's. */
    IdGenerator generator() {
        return generator;
    }

    /** request-id's (GitInsight's plugin). */
    IdGenerator requestIds() {
        return requestIds;
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "gateway";
        }
    }

    @Override
    public void passInstance(Consumer<? super IdSource> receiver) {
        receiver.accept(this);
    }
}
