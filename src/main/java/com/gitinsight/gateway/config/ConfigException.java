package com.gitinsight.gateway.config;

import java.util.List;
import java.util.stream.Collectors;

/** A configuration that cannot be used; the message lists every problem found, one per line. */
public class ConfigException extends Exception {

    private static final long serialVersionUID = 1L;

    private final transient List<ConfigError> errors;

    public ConfigException(List<ConfigError> errors) {
        super(errors.stream().map(ConfigError::toString).collect(Collectors.joining("\n")));
        this.errors = List.copyOf(errors);
    }

    public List<ConfigError> errors() {
        return errors;
    }

    /** Thrown by the reader for malformed YAML/JSON, before any field is looked at. */
    static final class Syntax extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient Node.Location location;

        Syntax(Node.Location location, String message) {
            super(message);
            this.location = location;
        }

        Node.Location location() {
            return location;
        }
    }
}
