package com.gitinsight.gateway.config;

import java.util.List;

/**
 * What Kong's service and consumer entities say that proxying here does not read, kept for the log
 * record and the echo: {@code tags} (each once, in the order first given: Kong's set type), the
 * file's {@code created_at} (-1: none given, Kong stamps the load time), and whether the file says
 * {@code tags: []} (Kong's entity has the empty list then; a field not given is absent).
 */
public record EntityMeta(List<String> tags, long createdAt, boolean tagsGivenEmpty) {

    public static final EntityMeta DEFAULT = new EntityMeta(List.of(), -1, false);

    public EntityMeta {
        tags = tags.stream().distinct().toList();
    }

    /** As the entity's section gives them (checked by {@link AcceptedFields#common}). */
    static EntityMeta of(Section s) {
        return new EntityMeta(
                s.strings("tags").stream().map(Section.Item::value).toList(),
                AcceptedFields.createdAt(s),
                !AcceptedFields.givenEmpty(s, "tags").isEmpty());
    }
}
