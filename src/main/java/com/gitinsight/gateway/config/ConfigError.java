package com.gitinsight.gateway.config;

/**
 * One problem in a configuration file: where it is (file, line, column), which field (a path such
 * as {@code services[0].routes[1].paths[0]}) and what is wrong.
 */
public record ConfigError(String file, int line, int column, String field, String message) {

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(file);
        if (line > 0) {
            sb.append(':').append(line).append(':').append(column);
        }
        sb.append(": ");
        if (field != null && !field.isEmpty()) {
            sb.append(field).append(": ");
        }
        return sb.append(message).toString();
    }
}
