package com.gitinsight.gateway.runtime;

import java.util.Map;

/**
 * An operation an operator made outside the admin API (over JMX: a reload, a purge, a breaker
 * reset, a target's health), fired as a CDI event so that the admin side records it in the audit
 * log as it records its own (helper review 197: JMX operations reached only the server log).
 */
public record OperatorAction(String via, String action, Map<String, String> details) {

    public OperatorAction {
        details = Map.copyOf(details);
    }
}
