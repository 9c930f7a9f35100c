package com.gitinsight.gateway.admin;

/** The entities of Kong's declarative format that the admin API edits, and the field that names each. */
enum EntityKind {
    SERVICES("services", "name"),
    ROUTES("routes", "name"),
    UPSTREAMS("upstreams", "name"),
    CONSUMERS("consumers", "username"),
    PLUGINS("plugins", "id");

    final String collection;
    final String key;

    EntityKind(String collection, String key) {
        this.collection = collection;
        this.key = key;
    }

    /** Singular, as Kong's error messages name an entity. */
    String singular() {
        return collection.substring(0, collection.length() - 1);
    }
}
