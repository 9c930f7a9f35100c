package com.gitinsight.gateway.upstream;

/** What went wrong in one exchange with a target (or one probe of it). */
public enum Failure {
    TCP("TCP failures"),
    TIMEOUT("timeouts"),
    HTTP("HTTP failures");

    private final String plural;

    Failure(String plural) {
        this.plural = plural;
    }

    String plural() {
        return plural;
    }
}
