package com.gitinsight.gateway.observability;

import jakarta.enterprise.context.ApplicationScoped;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** This node's id generator (one node UUID and counter for {@code uuid#counter}). */
@ApplicationScoped
public class IdSource {

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
}
