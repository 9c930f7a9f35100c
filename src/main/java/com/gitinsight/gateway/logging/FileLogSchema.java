package com.gitinsight.gateway.logging;

import com.gitinsight.gateway.config.PluginConfig;
import com.gitinsight.gateway.config.PluginFields;
import com.gitinsight.gateway.config.PluginHandler;
import com.gitinsight.gateway.config.PluginSchema;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Kong's {@code file-log}: {@code path} (required; none of {@code * & % \ `}, Kong's pattern) and
 * {@code reopen} (close and open the file again for every write, so a rotated file is followed),
 * {@code custom_fields_by_lua} where each field's code returns a literal ({@link CustomFields}).
 */
public final class FileLogSchema implements PluginSchema {

    public static final String NAME = "file-log";

    private static final Pattern PATH = Pattern.compile("[^*&%\\\\`]+");

    public record Config(String path, boolean reopen, CustomFields customFields) implements PluginConfig {
        public Config(String path, boolean reopen) {
            this(path, reopen, CustomFields.NONE);
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    /** Kong's file-log handler.lua. */
    @Override
    public int priority() {
        return 9;
    }

    @Override
    public PluginHandler handler() {
        return PluginHandler.filter("com.gitinsight.gateway.logging.FileLogFilter");
    }

    @Override
    public PluginConfig parse(PluginFields f) {
        f.allowOnly(Set.of("path", "reopen", "custom_fields_by_lua"), Set.of());
        CustomFields custom = CustomFields.parse(f);
        String path = f.string("path", null);
        if (path == null) {
            f.error("path", "required field missing");
        } else if (path.isEmpty()) {
            f.error("path", "length must be at least 1");
        } else if (!PATH.matcher(path).matches() || path.indexOf('\0') >= 0) {
            f.error("path", "not a valid filename");
        }
        String prefix = pathPrefix();
        if (path != null && prefix != null && !underPrefix(path, prefix)) {
            f.error(
                    "path",
                    "not a valid file name, or the prefix is not [" + prefix + "], or contains `..`, you may need to"
                            + " check gateway.file-log.path-prefix");
        }
        return new Config(path, f.bool("reopen", false), custom);
    }

    /**
     * Kong's {@code plugin_file_log_path_prefix} (Kong 3.10): where set ({@code gateway.file-log.path-prefix}
     * as a system property, or {@code GATEWAY_FILE_LOG_PATH_PREFIX}), file-log writes only below it,
     * so whoever edits the configuration cannot append to any file the gateway may write. Unset: any
     * path, as Kong 3.0-3.9.
     */
    static String pathPrefix() {
        String p = System.getProperty("gateway.file-log.path-prefix", System.getenv("GATEWAY_FILE_LOG_PATH_PREFIX"));
        if (p == null || p.isBlank()) {
            return null;
        }
        return p.endsWith("/") ? p : p + "/";
    }

    /** Absolute, no {@code .} or {@code ..} segment, and below {@code prefix}. */
    static boolean underPrefix(String path, String prefix) {
        java.nio.file.Path p;
        try {
            p = java.nio.file.Path.of(path);
        } catch (java.nio.file.InvalidPathException e) {
            return false;
        }
        return p.isAbsolute()
                && p.normalize().toString().equals(p.toString())
                && !path.contains("/../")
                && !path.contains("/./")
                && path.startsWith(prefix)
                && path.length() > prefix.length();
    }
}
