package com.gitinsight.gateway.upstream;

import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;

/** One backend address of a pool, with the count of requests in flight to it. */
public final class Target {

    private final String host;
    private final int port;
    private final int weight;
    private final AtomicInteger active = new AtomicInteger();
    private final URI baseUri;

    public Target(String host, int port, int weight) {
        this.host = host;
        this.port = port;
        this.weight = weight;
        this.baseUri = URI.create("http://" + address() + "/");
    }

    /** {@code http://host:port/}, parsed once so requests do not parse it again. */
    public URI baseUri() {
        return baseUri;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public int weight() {
        return weight;
    }

    public int active() {
        return active.get();
    }

    /** Called when a request starts using this target; pair with {@link #release()}. */
    public void acquire() {
        active.incrementAndGet();
    }

    public void release() {
        active.decrementAndGet();
    }

    public String address() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }

    @Override
    public String toString() {
        return address();
    }
}
