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
        // Kong's required fields with defaults: absent, the default; an explicit null, refused.
        f.required("reopen");
        CustomFields custom = CustomFields.parse(f);
        String path = f.string("path", null);
        if (path == null && !f.has("path")) {
            f.error("path", "required field missing");
        } else if (path != null) {
            String error = pathError(path, pathPrefix());
            if (error != null) {
                f.error("path", error);
            }
        }
        return new Config(path, f.bool("reopen", false), custom);
    }

    /**
     * Kong's {@code plugin_file_log_path_prefix} (Kong 3.10): where set ({@code gateway.file-log.path-prefix}
     * as a system property, or {@code GATEWAY_FILE_LOG_PATH_PREFIX} or Kong's
     * {@code KONG_PLUGIN_FILE_LOG_PATH_PREFIX}), file-log writes only below it, so whoever edits the
     * configuration cannot append to any file the gateway may write. Unset: any path without
     * {@code ..}, as Kong 3.0-3.9 (which took {@code ..} too).
     */
    static String pathPrefix() {
        String p = System.getProperty("gateway.file-log.path-prefix");
        for (String env : new String[] {"GATEWAY_FILE_LOG_PATH_PREFIX", "KONG_PLUGIN_FILE_LOG_PATH_PREFIX"}) {
            if (p == null || p.isBlank()) {
                p = System.getenv(env);
            }
        }
        if (p == null || p.isBlank()) {
            return null;
        }
        return p.endsWith("/") ? p : p + "/";
    }

    /**
     * Why {@code path} is refused, or null: Kong 3.10's pattern ({@code ^<prefix>[^*&%\`]+$}) and
     * its {@code not_match = "%.%."} (any {@code ..}, against path traversal), one message for all
     * three as Kong's {@code err}; without a prefix, Kong 3.0's pattern and message.
     */
    /** Where a log line could be run or read as code or settings: never file-log's (no prefix set). */
    private static final java.util.List<String> SYSTEM_DIRECTORIES = java.util.List.of(
            "/etc/",
            "/bin/",
            "/sbin/",
            "/usr/",
            "/lib/",
            "/lib32/",
            "/lib64/",
            "/libx32/",
            "/boot/",
            "/proc/",
            "/sys/",
            "/var/spool/");

    private static final java.util.Set<String> DEVICES = java.util.Set.of("/dev/stdout", "/dev/stderr", "/dev/null");

    private static final java.util.regex.Pattern CODE = java.util.regex.Pattern.compile(
            "(?i).*\\.(jsp|jspx|jspf|war|ear|jar|class|sh|bash|zsh|py|pl|rb|php|cgi|so|service|timer|desktop|conf|cfg|ini|yml|yaml|properties|xml|json5|js|html?)$");

    /**
     * Without a prefix, Kong 3.0-3.9 write anywhere; here a line of request headers a client chose
     * never lands where it would be run or read as code or settings (helper review 189: a file-log on
     * {@code ~/.bashrc} ran a client's {@code User-Agent: $(...)} at the next login): no hidden file
     * or directory ({@code .bashrc}, {@code .ssh/}), no system directory, no device but
     * {@code /dev/stdout}, {@code /dev/stderr}, {@code /dev/null} (and files on {@code /dev/shm}), no script, class, archive or
     * settings file name. Set a prefix to confine it further.
     */
    static String unsafe(String path) {
        String normal = path.replaceAll("/+", "/");
        for (String segment : normal.split("/")) {
            if (segment.startsWith(".")) {
                return "not a file file-log may write: a hidden file or directory (" + segment + ")";
            }
        }
        if (normal.startsWith("/dev/") && !normal.startsWith("/dev/shm/") && !DEVICES.contains(normal)) {
            return "not a file file-log may write: a device other than /dev/stdout, /dev/stderr or /dev/null";
        }
        for (String dir : SYSTEM_DIRECTORIES) {
            if (normal.startsWith(dir)) {
                return "not a file file-log may write: a system directory (" + dir + ")";
            }
        }
        if (CODE.matcher(normal).matches()) {
            return "not a file file-log may write: a script, archive or settings file name";
        }
        return null;
    }

    static String pathError(String path, String prefix) {
        boolean pattern = PATH.matcher(path).matches() && path.indexOf('\0') < 0;
        if (prefix == null) {
            if (!pattern) {
                return "not a valid filename";
            }
            if (path.contains("..")) {
                return "not a valid file name, or contains `..`";
            }
            return unsafe(path);
        }
        if (pattern && !path.contains("..") && path.startsWith(prefix) && path.length() > prefix.length()) {
            return null;
        }
        return "not a valid file name, or the prefix is not [" + prefix + "], or contains `..`, you may need to"
                + " check the configuration `plugin_file_log_path_prefix`";
    }
}
