package com.gitinsight.gateway.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The file's upstreams: each entry read by {@link UpstreamParser}, names unique, and top-level
 * {@code targets} added to the upstream they name. One instance per load.
 */
final class UpstreamCollector {

    private final java.util.Set<String> upstreamIdsSeen = new java.util.HashSet<>();
    private final Problems problems;
    private final List<UpstreamSpec> upstreams = new ArrayList<>();
    private final Map<String, Section> upstreamSections = new HashMap<>();
    private final Map<String, String> upstreamIds = new HashMap<>();
    /** The ids Kong derives for upstreams written without one. */
    private final Map<String, String> derivedUpstreamIds = new HashMap<>();

    private final Certificates certificates;

    UpstreamCollector(Problems problems, Certificates certificates) {
        this.problems = problems;
        this.certificates = certificates;
    }

    /** One {@code upstreams[]} entry ({@link UpstreamParser}); names unique. */
    void upstream(Section s) {
        UpstreamSpec spec = UpstreamParser.parse(s, problems, certificates);
        if (spec == null) {
            return;
        }
        if (upstreamSections.containsKey(spec.name())) {
            s.error(
                    "name",
                    "uniqueness violation: 'upstreams' entity with name set to '" + spec.name() + "' already declared");
            return;
        }
        upstreams.add(spec);
        upstreamSections.put(spec.name(), s);
        if (s.node("id") instanceof Node.ScalarNode id && id.value() instanceof String text) {
            // Kong's primary key: unique (helper review 256: a second upstream's id was dropped silently).
            EntityRefs.unique(s, "upstreams", text, upstreamIdsSeen);
            upstreamIds.putIfAbsent(text, spec.name());
        } else {
            // Kong derives ids before it resolves references: the derived one names it too (helper
            // review 318), and is no other upstream's (320).
            EntityRefs.uniqueDerived(s, "upstreams", spec.name(), upstreamIdsSeen);
            derivedUpstreamIds.putIfAbsent(KongIds.of("upstreams", spec.name()), spec.name());
        }
    }

    /** A top-level target: Kong's declarative format lets a target name its upstream instead of nesting. */
    void target(Section t) {
        String ref = EntityRefs.reference(t, "upstream");
        UpstreamSpec.TargetSpec spec = UpstreamParser.target(t);
        if (ref == null) {
            if (!t.has("upstream")) {
                problems.add(
                        t.location(),
                        t.child("upstream"),
                        "required field missing (a top-level target names its upstream)");
            }
            return;
        }
        String name = upstreamSections.containsKey(ref)
                ? ref
                : upstreamIds.containsKey(ref) ? upstreamIds.get(ref) : derivedUpstreamIds.get(ref);
        int at = -1;
        for (int i = 0; i < upstreams.size(); i++) {
            if (upstreams.get(i).name().equals(name)) {
                at = i;
                break;
            }
        }
        if (at < 0) {
            t.error("upstream", "invalid reference 'upstream: " + ref + "' (no such entry in 'upstreams')");
            return;
        }
        UpstreamSpec u = upstreams.get(at);
        if (spec == null) {
            return;
        }
        if (u.targets().stream().anyMatch(x -> x.address().equals(spec.address()))) {
            t.error("target", "duplicate target '" + spec.address() + "' of upstream '" + u.name() + "'");
            return;
        }
        List<UpstreamSpec.TargetSpec> targets = new ArrayList<>(u.targets());
        targets.add(spec);
        upstreams.set(at, u.withTargets(targets));
    }

    List<UpstreamSpec> specs() {
        return upstreams;
    }
}
