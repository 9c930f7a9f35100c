package com.gitinsight.gateway.upstream;

import java.net.InetAddress;

/**
 * One address a configured target stands for: itself when it is an IP, each A/AAAA record of its
 * name, or each record of its SRV name. {@code address} is null until DNS has answered.
 */
record Endpoint(String name, InetAddress address, int port, int weight) {

    String key() {
        String host = address == null ? name : address.getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
