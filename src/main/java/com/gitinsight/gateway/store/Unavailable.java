package com.gitinsight.gateway.store;

/** The configuration store cannot be reached (or cannot be prepared); nothing was read or written. */
public final class Unavailable extends Exception {
    private static final long serialVersionUID = 1L;

    public Unavailable(String message, Throwable cause) {
        super(message, cause);
    }
}
