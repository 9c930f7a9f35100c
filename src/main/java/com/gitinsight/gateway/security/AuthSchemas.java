package com.gitinsight.gateway.security;

import com.gitinsight.gateway.config.PluginFields;
import com.gitinsight.gateway.config.PluginSpec;
import java.util.EnumSet;
import java.util.Set;

/** What Kong's auth plugins share in their schemas: where they may be attached, their realm. */
final class AuthSchemas {

    /** Kong's {@code consumer = typedefs.no_consumer}: an auth plugin cannot be scoped to a consumer. */
    static final Set<PluginSpec.Scope> NO_CONSUMER =
            EnumSet.of(PluginSpec.Scope.GLOBAL, PluginSpec.Scope.SERVICE, PluginSpec.Scope.ROUTE);

    private AuthSchemas() {}

    /** {@code anonymous}: the consumer's id or username, or null (an empty one is an error). */
    static String anonymous(PluginFields f) {
        return f.string("anonymous", null);
    }

    /** A header parameter's value: printable, without control characters (they would split the header). */
    static String realm(PluginFields f, String fallback) {
        String realm = f.string("realm", fallback); // an empty one is refused there
        if (realm != null && realm.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            f.error("realm", "must not contain control characters");
            return fallback;
        }
        return realm;
    }

    /** {@code realm} as a quoted-string (RFC 9110), escaped. */
    static String quoted(String realm) {
        return "\"" + realm.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
