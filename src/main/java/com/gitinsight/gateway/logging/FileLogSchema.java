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
    private static final java.util.logging.Logger LOG =
            java.util.logging.Logger.getLogger(FileLogSchema.class.getName());

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
    /** Kong's {@code typedefs.protocols}: its stream subsystem runs it too. */
    @Override
    public boolean acceptsStreamProtocols() {
        return true;
    }

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
            String prefix = pathPrefix();
            String error = pathError(path, prefix);
            if (error != null) {
                f.error("path", error);
            } else if (prefix == null) {
                // Loaded, as Kong loads it (its own spec logs to /etc/shadow and expects the write to
                // fail), but never written: the writer refuses to open it (FileLogWriters).
                String why = unsafe(path);
                if (why != null) {
                    LOG.warning(
                            () -> NAME + ": path " + path + " is " + why + "; its lines are lost (Permission denied)");
                }
            }
        }
        return new Config(path, f.bool("reopen", false), custom);
    }

    /**
     * The gateway's own file-log prefix, modelled on the {@code plugin_file_log_path_prefix} Kong
     * proposed and never released (Kong/kong#8758, closed unmerged): where set
     * ({@code gateway.file-log.path-prefix} as a system property, or {@code GATEWAY_FILE_LOG_PATH_PREFIX}
     * or that proposal's {@code KONG_PLUGIN_FILE_LOG_PATH_PREFIX}), file-log writes only below it, so
     * whoever edits the configuration cannot append to any file the gateway may write. Unset: any
     * path Kong 3's pattern takes, {@code ..} included, as Kong.
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

    /** Where a log line could be run or read as code or settings: never file-log's (no prefix set). */
    private static final java.util.List<String> SYSTEM_DIRECTORIES = java.util.List.of(
            "/etc/",
            "/bin/",
            "/sbin/",
            "/lib/",
            "/lib32/",
            "/lib64/",
            "/libx32/",
            "/boot/",
            "/sys/",
            "/var/spool/",
            "/usr/bin/",
            "/usr/sbin/",
            "/usr/lib/",
            "/usr/lib32/",
            "/usr/lib64/",
            "/usr/libexec/",
            "/usr/share/",
            "/usr/local/bin/",
            "/usr/local/sbin/",
            "/usr/local/lib/",
            "/usr/local/etc/",
            "/usr/local/share/");

    /** The standard streams, as containers log: the only devices and /proc entries file-log writes. */
    private static final java.util.Set<String> STREAMS = java.util.Set.of(
            "/dev/stdout",
            "/dev/stderr",
            "/dev/null",
            "/dev/fd/1",
            "/dev/fd/2",
            "/proc/self/fd/1",
            "/proc/self/fd/2",
            "/proc/1/fd/1",
            "/proc/1/fd/2");

    /** A name part a server could run or read as settings ({@code x.php.log} runs as PHP under Apache). */
    private static final java.util.Set<String> CODE = java.util.Set.of(
            "jsp",
            "jspx",
            "jspf",
            "war",
            "ear",
            "jar",
            "class",
            "sh",
            "bash",
            "zsh",
            "ksh",
            "csh",
            "py",
            "pl",
            "rb",
            "php",
            "php3",
            "php4",
            "php5",
            "php7",
            "phtml",
            "pht",
            "phar",
            "shtml",
            "cgi",
            "lua",
            "so",
            "service",
            "timer",
            "desktop",
            "conf",
            "cfg",
            "ini",
            "yml",
            "yaml",
            "properties",
            "xml",
            "json5",
            "js",
            "mjs",
            "htm",
            "html",
            "asadmin",
            "htaccess",
            "rc");

    /**
     * Why file-log never writes {@code path}, or null, checked each time the file is opened (a link
     * may have changed since the configuration loaded): where no prefix is set, {@link #unsafe};
     * where one is, the prefix's rule, as set now (helper review 219: a prefix set after a path
     * loaded without one must not open it).
     */
    static String refusedAtOpen(String path) {
        String prefix = pathPrefix();
        return prefix == null ? unsafe(path) : pathError(path, prefix);
    }

    private static boolean validPath(String path) {
        try {
            java.nio.file.Path.of(path);
            return true;
        } catch (java.nio.file.InvalidPathException e) {
            return false;
        }
    }

    /**
     * Without a prefix, Kong 3.0-3.9 write anywhere; here a line of request headers a client chose
     * never lands where it would be run or read as code or settings (helper review 189: a file-log on
     * {@code ~/.bashrc} ran a client's {@code User-Agent: $(...)} at the next login): no hidden file
     * or directory ({@code .bashrc}, {@code .ssh/}), no system directory, no device or {@code /proc}
     * entry but the standard streams ({@code /dev/stdout}; files on {@code /dev/shm} are files), no
     * script, archive or settings name part. A relative path is judged where it resolves, a link at
     * the path where it leads (a dangling one too: opening creates its target; helper review 219),
     * and an existing directory where its links lead. A prefix, where set, replaces these rules with
     * Kong's by name ({@link #refusedAtOpen}).
     */
    static String unsafe(String path) {
        java.nio.file.Path given;
        try {
            given = java.nio.file.Path.of(path).toAbsolutePath();
        } catch (java.nio.file.InvalidPathException e) {
            return "not a valid filename";
        }
        if (!path.contains("..") && STREAMS.contains(given.normalize().toString())) {
            return null; // (links to the process's own streams: not followed)
        }
        java.nio.file.Path absolute = asOpened(given);
        if (STREAMS.contains(absolute.toString())) {
            return null;
        }
        String why = unsafeName(absolute.toString());
        if (why != null) {
            return why;
        }
        for (int hops = 0; java.nio.file.Files.isSymbolicLink(absolute); hops++) {
            java.nio.file.Path next = hops < MAX_LINKS ? linkTarget(absolute) : null;
            if (next == null) {
                return "not a file file-log may write: a link that cannot be followed";
            }
            absolute = next;
            if (STREAMS.contains(absolute.toString())) {
                return null;
            }
            why = unsafeName(absolute.toString());
            if (why != null) {
                return why;
            }
        }
        // Where an existing directory's links lead (/var/mail is /var/spool/mail).
        java.nio.file.Path dir = absolute.getParent();
        while (dir != null && !java.nio.file.Files.isDirectory(dir)) {
            dir = dir.getParent();
        }
        if (dir != null) {
            try {
                java.nio.file.Path real = dir.toRealPath();
                if (!real.equals(dir)) {
                    return unsafeName(real.resolve(dir.relativize(absolute)).toString());
                }
            } catch (java.io.IOException e) {
                // Unreadable here: the write will say so.
            }
        }
        return null;
    }

    /**
     * Where opening {@code absolute} leads: its directory as the file system resolves it (each
     * link followed before the {@code ..} after it, as the kernel follows them: {@code pub/evil/..}
     * is the directory above where {@code evil} leads, not {@code pub}), its name kept. Where the
     * directory does not exist the open fails anyway (file-log creates no directory): the path is
     * read by name.
     */
    static java.nio.file.Path asOpened(java.nio.file.Path absolute) {
        java.nio.file.Path dir = absolute.getParent();
        java.nio.file.Path name = absolute.getFileName();
        if (dir != null && name != null) {
            try {
                return dir.toRealPath().resolve(name).normalize();
            } catch (java.io.IOException e) {
                // No such directory: nothing is opened there.
            }
        }
        return absolute.normalize();
    }

    /** Links followed at most, as a path is judged (beyond: refused). */
    static final int MAX_LINKS = 8;

    /**
     * Where the link {@code link} leads, as the file system follows it: its target resolved against
     * its directory's real path (a {@code ..} in the target climbs from where that directory's own
     * links lead, not from its name; helper review 220), or null when it cannot be read.
     */
    static java.nio.file.Path linkTarget(java.nio.file.Path link) {
        try {
            java.nio.file.Path target = java.nio.file.Files.readSymbolicLink(link);
            java.nio.file.Path dir = link.getParent();
            java.nio.file.Path from = dir;
            try {
                from = dir.toRealPath();
            } catch (java.io.IOException e) {
                // A directory that does not exist: the link could not exist either; judged by name.
            }
            // A ".." inside the target climbs from where the links before it lead, as the kernel
            // follows them (attacker review 302: a -> backups, x -> a/../backups/audit.log was
            // judged by name, beside the link).
            return asOpened(from.resolve(target).toAbsolutePath());
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }

    private static String unsafeName(String normal) {
        if (STREAMS.contains(normal)) {
            return null;
        }
        for (String segment : normal.split("/")) {
            if (segment.startsWith(".")) {
                return "not a file file-log may write: a hidden file or directory (" + segment + ")";
            }
        }
        if (normal.startsWith("/dev/") && !normal.startsWith("/dev/shm/") || normal.startsWith("/proc/")) {
            return "not a file file-log may write: a device or /proc entry other than the standard streams";
        }
        for (String dir : SYSTEM_DIRECTORIES) {
            if (normal.startsWith(dir)) {
                return "not a file file-log may write: a system directory (" + dir + ")";
            }
        }
        String name = normal.substring(normal.lastIndexOf('/') + 1).toLowerCase(java.util.Locale.ROOT);
        String[] parts = name.split("\\.");
        for (int k = 1; k < parts.length; k++) {
            if (CODE.contains(parts[k])) {
                return "not a file file-log may write: a script, archive or settings name (." + parts[k] + ")";
            }
        }
        return null;
    }

    /**
     * Why {@code path} is refused at load, or null: without a prefix, Kong 3's pattern and message;
     * with one, the pattern below the prefix and no {@code ..} (a prefix judged by name needs none),
     * one message for the three, as Kong's proposed {@code plugin_file_log_path_prefix} had it.
     */
    static String pathError(String path, String prefix) {
        boolean pattern = PATH.matcher(path).matches() && path.indexOf('\0') < 0;
        if (prefix == null) {
            if (!pattern) {
                return "not a valid filename";
            }
            // A valid name for Kong, ".." included (its schema has no rule against it); an unsafe
            // one is refused when opened, judged where the file system resolves it (refusedAtOpen).
            return validPath(path) ? null : "not a valid filename";
        }
        if (pattern && !path.contains("..") && path.startsWith(prefix) && path.length() > prefix.length()) {
            return null;
        }
        return "not a valid file name, or the prefix is not [" + prefix + "], or contains `..`, you may need to"
                + " check the configuration `plugin_file_log_path_prefix`";
    }
}
