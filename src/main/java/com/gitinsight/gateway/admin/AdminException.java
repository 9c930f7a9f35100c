package com.gitinsight.gateway.admin;

import java.util.Map;

/** An admin request that cannot be done: its HTTP status, message and, for a 400, the fields at fault. */
final class AdminException extends Exception {

    private static final long serialVersionUID = 1L;

    final int status;
    final transient Map<String, String> fields;
    final transient Object details;

    AdminException(int status, String message) {
        this(status, message, Map.of(), null);
    }

    AdminException(int status, String message, Map<String, String> fields, Object details) {
        super(message);
        this.status = status;
        this.fields = fields;
        this.details = details;
    }
}
