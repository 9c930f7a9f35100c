package com.gitinsight.gateway.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.gitinsight.gateway.config.ConfigError;
import com.gitinsight.gateway.config.ConfigException;
import java.util.LinkedHashMap;
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

    /** A version that does not validate: 400 with every field at fault and each error's place in the file. */
    static AdminException invalid(ConfigException e) {
        Map<String, String> fields = new LinkedHashMap<>();
        ArrayNode errors = new ObjectMapper().createArrayNode();
        for (ConfigError err : e.errors()) {
            fields.putIfAbsent(err.field() == null ? "@entity" : err.field(), err.message());
            errors.addObject()
                    .put("field", err.field())
                    .put("line", err.line())
                    .put("column", err.column())
                    .put("message", err.message());
        }
        return new AdminException(
                400, "declarative config is invalid: " + e.errors().get(0), fields, errors);
    }
}
