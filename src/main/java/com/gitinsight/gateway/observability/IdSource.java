package com.gitinsight.gateway.observability;

import com.gitinsight.gateway.runtime.Unproxied;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.function.Consumer;

/** This node's id generator (one node UUID and counter for {@code uuid#counter}). */
@ApplicationScoped
public class IdSource implements Unproxied<IdSource> {

    private final IdGenerator generator = new IdGenerator(host());

    IdGenerator generator() {
        return generator;
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
