package com.gitinsight.gateway.messaging;

import com.gitinsight.gateway.cache.PathPattern;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An eviction rule's path, with {@code {field}} placeholders filled from the event's body:
 * {@code /api/v1/fast/repositories/{repository_id}/**}. A value may not contain {@code /} or a
 * wildcard, so an event can never evict more than its own entity's paths.
 */
final class PathTemplate {

    /** The longest value an event may put in a path: an id, a name; never a document. */
    static final int MAX_VALUE_CHARS = 256;

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z0-9_.-]+)}");

    private final String text;
    private final List<String> fields;
    /** The template with every placeholder as one segment wildcard: what it can ever evict. */
    private final PathPattern coverage;
    /**
     * The same lower-cased, or null when that is the same: an ignore_uri_case route's entries are
     * stored under their lower-cased path, and a purge finds them so (ResponseCache.purge).
     */
    private final PathPattern lowerCoverage;

    private PathTemplate(String text, List<String> fields, PathPattern coverage) {
        this.text = text;
        this.fields = fields;
        this.coverage = coverage;
        String lowered = com.google.common.base.Ascii.toLowerCase(coverage.toString());
        this.lowerCoverage = lowered.equals(coverage.toString()) ? null : PathPattern.compile(lowered);
    }

    /** @throws IllegalArgumentException with the reason */
    static PathTemplate parse(String text) {
        List<String> fields = new ArrayList<>();
        Matcher m = PLACEHOLDER.matcher(text);
        while (m.find()) {
            fields.add(m.group(1));
        }
        return new PathTemplate(
                text,
                List.copyOf(fields),
                PathPattern.compile(PLACEHOLDER.matcher(text).replaceAll("*")));
    }

    List<String> fields() {
        return fields;
    }

    /** Whether an event could ever evict {@code path}, in either spelling a purge looks for. */
    boolean covers(String path) {
        return coverage.matches(path) || lowerCoverage != null && lowerCoverage.matches(path);
    }

    /**
     * The pattern for one event, or null with {@code problem} filled when a field is missing or
     * unsafe. Filled in one pass over the template: a value is never read for placeholders (a
     * value holding the next field's {@code {b}}, 85 times over, made a pattern of megabytes out
     * of values each within the bound; attacker review 313).
     */
    PathPattern fill(Map<String, String> values, StringBuilder problem) {
        for (String f : fields) {
            String v = values.get(f);
            if (v == null || v.isEmpty()) {
                problem.append("missing field '").append(f).append('\'');
                return null;
            }
            if (v.length() > MAX_VALUE_CHARS) {
                // Each purge's pattern is remembered (ResponseCache's recent purges): a publisher's
                // 64 KiB ids, a thousand times over, held the heap (helper review 311).
                problem.append("field '")
                        .append(f)
                        .append("' is longer than ")
                        .append(MAX_VALUE_CHARS)
                        .append(" characters");
                return null;
            }
            if (v.indexOf('/') >= 0 || v.indexOf('*') >= 0 || v.indexOf('?') >= 0 || v.indexOf('#') >= 0) {
                problem.append("field '")
                        .append(f)
                        .append("' is not one path segment: ")
                        .append(EvictionEvents.shown(v));
                return null;
            }
        }
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder(text.length() + 64);
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(values.get(m.group(1))));
        }
        m.appendTail(out);
        return PathPattern.compile(out.toString());
    }

    /**
     * Equal by text: a reload that leaves the plugin's config as it was keeps the subscription
     * (helper review 194: every reload of any part of the configuration resubscribed and flushed
     * every entry the rules cover).
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof PathTemplate t && t.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    @Override
    public String toString() {
        return text;
    }
}
