package com.gitinsight.gateway.config;

import java.util.ArrayList;
import java.util.List;

/** Collects every error of one load, so a user fixes a file in one pass rather than one per run. */
final class Problems {

    private final String file;
    private final List<ConfigError> errors = new ArrayList<>();

    Problems(String file) {
        this.file = file;
    }

    void add(Node.Location at, String field, String message) {
        int line = at == null ? 0 : at.line();
        int column = at == null ? 0 : at.column();
        ConfigError error = new ConfigError(file, line, column, field, message);
        // A schema may read a field twice (a value, then a rule across fields): one error each.
        if (!errors.contains(error)) {
            errors.add(error);
        }
    }

    boolean isEmpty() {
        return errors.isEmpty();
    }

    List<ConfigError> errors() {
        return errors;
    }
}
