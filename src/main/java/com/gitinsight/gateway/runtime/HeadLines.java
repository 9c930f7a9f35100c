package com.gitinsight.gateway.runtime;

import java.util.ArrayList;
import java.util.List;

/**
 * The client's request header lines, name and value in turn (a repeated header once per value),
 * kept in the one pass over the head that checks its size, where a log plugin will record them:
 * reading them again from the container at the log phase was a fifth of the record's capture
 * (async-profiler, http-log). At most {@link #MAX_LINES} lines, Kong's {@code get_headers} bound.
 */
public final class HeadLines {

    /** Kong's log record reads at most 100 header lines (a repeated name's each count). */
    public static final int MAX_LINES = 100;

    private final List<String> lines = new ArrayList<>(32);
    private long chars;

    /** Whether no more lines are kept. */
    public boolean full() {
        return lines.size() >= 2 * MAX_LINES;
    }

    /** Whether a header of this name (any case) was kept already: a container may list one name twice. */
    public boolean has(String name) {
        for (int i = 0; i < lines.size(); i += 2) {
            if (lines.get(i).equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }

    /** Keeps one line, while fewer than {@link #MAX_LINES} are kept. */
    public void add(String name, String value) {
        if (lines.size() < 2 * MAX_LINES) {
            lines.add(name);
            lines.add(value);
            chars += name.length() + value.length();
        }
    }

    /**
     * The lines kept, name and value in turn: complete once the head was checked, and never changed
     * after (a log record keeps this list rather than a copy of it).
     */
    public List<String> lines() {
        return java.util.Collections.unmodifiableList(lines);
    }

    /** The characters of every name and value kept. */
    public long chars() {
        return chars;
    }
}
