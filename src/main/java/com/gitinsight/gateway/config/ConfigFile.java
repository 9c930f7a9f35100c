package com.gitinsight.gateway.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The declarative file on disk, written so that a crash at any instant leaves either the old or the
 * new version whole: the new text goes to a temporary file of its own in the same directory and is
 * fsynced, the old version is copied to a numbered backup and fsynced, then the temporary file is
 * renamed over the original (atomic within one directory) and the directory is fsynced so the rename
 * itself survives a power loss. The last {@code keep} backups are kept in {@code <file>.backups/}.
 *
 * <p>Writers take {@link #lock()}: one writer at a time across threads and processes (gateways of a
 * cluster share the file), held by a caller across its read, check and write so that none of them
 * decides on a version another has replaced meanwhile, and backup numbers are never taken twice. The
 * new file and the backups keep the file's mode, owner and group; the backup directory is 0700.
 */
public final class ConfigFile {

    /** The steps of a write, in order; a test stops the JVM after each to prove it is crash-safe. */
    public enum Step {
        TEMP_WRITTEN,
        BACKUP_WRITTEN,
        RENAMED,
        DIRECTORY_SYNCED
    }

    /** One kept version: its number (higher is newer), when it was replaced and its text's hash. */
    public record Backup(int number, Instant replacedAt, String hash, Path path) {}

    /**
     * Runs when the new version and the backup are on disk and the file is not yet replaced; if it
     * throws, the write is abandoned (temporary file and backup removed) and the file stays as it was.
     */
    @FunctionalInterface
    public interface BeforeReplace {
        void accept(Optional<Backup> backup) throws IOException;
    }

    /** The exclusive write lock, held until closed. */
    public interface Lock extends AutoCloseable {
        @Override
        void close() throws IOException;
    }

    private static final Set<PosixFilePermission> PRIVATE = PosixFilePermissions.fromString("rw-------");

    private final Path file;
    private final Path backups;
    private final int keep;
    private final Consumer<Step> afterStep;
    private final Pattern backupName;
    private final Pattern tempName;
    private final WriteLock lock;
    private final QuietFile.Sleeper sleeper;
    /**
     * The time and size the file had when a writer holding the lock (this gateway or another
     * sharing the file) last replaced it: a file in that state is whole, read without waiting.
     */
    private final Path lastWrite;

    public ConfigFile(Path file, int keep) {
        this(file, keep, step -> {});
    }

    /** {@code afterStep} runs after each step of a write (tests kill the JVM there). */
    public ConfigFile(Path file, int keep, Consumer<Step> afterStep) {
        this(file, keep, afterStep, QuietFile.Sleeper.SYSTEM);
    }

    /** {@code sleeper}: waiting for the file to stand still (tests pass their own). */
    public ConfigFile(Path file, int keep, Consumer<Step> afterStep, QuietFile.Sleeper sleeper) {
        this.sleeper = sleeper;
        this.file = file.toAbsolutePath();
        this.backups = this.file.resolveSibling(this.file.getFileName() + ".backups");
        this.keep = keep;
        this.afterStep = afterStep;
        this.backupName = Pattern.compile(Pattern.quote(this.file.getFileName().toString()) + "\\.(\\d+)");
        this.tempName =
                Pattern.compile("\\." + Pattern.quote(this.file.getFileName().toString()) + "(\\.\\d+)?\\.tmp");
        this.lock = new WriteLock(backups.resolve("write.lock"));
        this.lastWrite = backups.resolve("last-write");
    }

    public Path path() {
        return file;
    }

    public Path backupDirectory() {
        return backups;
    }

    public String read() throws IOException {
        return ConfigText.read(file);
    }

    /**
     * The file's text once it stands still (an outside program may be writing it in place), or
     * empty when there is no file. The file as a writer holding the lock left it is read at once.
     * Called with the lock held.
     *
     * @throws QuietFile.Busy when another program was still changing it after a few seconds
     */
    public Optional<String> readWhenStill() throws IOException {
        QuietFile.Read read = QuietFile.readWhenStill(file, lastWritten(), sleeper);
        return read == null ? Optional.empty() : Optional.of(read.text());
    }

    private static String stamp(QuietFile.State state) {
        return state.modified().to(TimeUnit.NANOSECONDS) + " " + state.size();
    }

    /**
     * Records the time and size the file will have (a rename keeps them) as whole, before it is
     * in place: a write after the rename can never be stamped. Best-effort: without a stamp the
     * next edit waits for the file to stand still.
     */
    private void stampWhole(Path temp) {
        try {
            QuietFile.State state = QuietFile.State.of(temp);
            Files.writeString(lastWrite, state == null ? "" : stamp(state));
        } catch (IOException e) {
            try {
                Files.deleteIfExists(lastWrite);
            } catch (IOException ignored) {
                // a stamp that cannot be written nor removed names a state no longer the file's
            }
        }
    }

    /** The state the stamp records, or null when there is none (or it cannot be read). */
    private QuietFile.State lastWritten() {
        try {
            String[] parts = Files.readString(lastWrite).trim().split(" ");
            return new QuietFile.State(
                    FileTime.from(Long.parseLong(parts[0]), TimeUnit.NANOSECONDS), Long.parseLong(parts[1]));
        } catch (IOException | RuntimeException e) {
            return null; // none yet, or unreadable: the file is waited for
        }
    }

    /** Takes the exclusive write lock (waiting for other threads and processes); close it to release. */
    public Lock lock() throws IOException {
        createBackupDirectory();
        return lock.acquire()::close;
    }

    /** Replaces the file with {@code text}; returns the backup of the version replaced, if there was one. */
    public Optional<Backup> write(String text) throws IOException {
        return write(text, backup -> {});
    }

    /** As {@link #write(String)}, with {@code beforeReplace} run just before the file is replaced. */
    public Optional<Backup> write(String text, BeforeReplace beforeReplace) throws IOException {
        try (Lock held = lock()) {
            // A symbolic link (GitOps, a mounted secret) is written through: replacing the link by
            // a file left its target stale and every later edit of it unread (helper review 189).
            Path target = writeTarget();
            removeAbandonedTemporaryFiles(file);
            if (!target.equals(file)) {
                removeAbandonedTemporaryFiles(target);
            }
            FileModes modes = FileModes.of(file);
            Path temp = Files.createTempFile(target.getParent(), "." + target.getFileName() + ".", ".tmp");
            try {
                writeSynced(temp, text.getBytes(StandardCharsets.UTF_8));
                if (modes != null) {
                    modes.applyTo(temp);
                }
                afterStep.accept(Step.TEMP_WRITTEN);
                Optional<Backup> backup = Files.exists(file) ? Optional.of(backUp(modes)) : Optional.empty();
                afterStep.accept(Step.BACKUP_WRITTEN);
                try {
                    beforeReplace.accept(backup);
                } catch (IOException | RuntimeException e) {
                    if (backup.isPresent()) {
                        Files.deleteIfExists(backup.get().path());
                    }
                    throw e;
                }
                stampWhole(temp);
                replace(temp, target);
                prune();
                return backup;
            } finally {
                Files.deleteIfExists(temp);
            }
        }
    }

    private Backup backUp(FileModes modes) throws IOException {
        int number = newestNumber() + 1;
        Path copy = backups.resolve(file.getFileName() + "." + number);
        byte[] old = Files.readAllBytes(file);
        Files.deleteIfExists(copy);
        writeSynced(copy, old); // created 0600, then given the file's own mode: never more open than the file
        if (modes != null) {
            modes.applyTo(copy);
        }
        syncDirectory(backups);
        return new Backup(number, Instant.now(), KongConfigParser.hash(new String(old, StandardCharsets.UTF_8)), copy);
    }

    private void replace(Path temp, Path target) throws IOException {
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException(
                    "cannot replace " + target + " atomically (" + e.getMessage() + "); the file is unchanged", e);
        }
        afterStep.accept(Step.RENAMED);
        syncDirectory(target.getParent());
        afterStep.accept(Step.DIRECTORY_SYNCED);
    }

    /** The kept versions, newest first. */
    public List<Backup> backups() throws IOException {
        List<Backup> out = new ArrayList<>();
        for (int number : numbers()) {
            Path p = backups.resolve(file.getFileName() + "." + number);
            try {
                out.add(new Backup(
                        number,
                        Files.getLastModifiedTime(p).toInstant(),
                        KongConfigParser.hash(Files.readString(p, StandardCharsets.UTF_8)),
                        p));
            } catch (NoSuchFileException e) {
                // Pruned by a writer meanwhile (this listing does not take the lock).
            }
        }
        return out;
    }

    public Optional<String> backup(int number) throws IOException {
        Path p = backups.resolve(file.getFileName() + "." + number);
        return Files.isRegularFile(p) ? Optional.of(Files.readString(p, StandardCharsets.UTF_8)) : Optional.empty();
    }

    /** The backup numbers, newest first, from the names alone (a write must not read every backup). */
    private List<Integer> numbers() throws IOException {
        if (!Files.isDirectory(backups)) {
            return List.of();
        }
        List<Integer> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(backups)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Matcher m = backupName.matcher(p.getFileName().toString());
                if (m.matches()) {
                    out.add(Integer.parseInt(m.group(1)));
                }
            }
        }
        out.sort(Comparator.reverseOrder());
        return out;
    }

    private int newestNumber() throws IOException {
        List<Integer> all = numbers();
        return all.isEmpty() ? 0 : all.get(0);
    }

    private void prune() throws IOException {
        List<Integer> all = numbers();
        for (int i = keep; i < all.size(); i++) {
            Files.deleteIfExists(backups.resolve(file.getFileName() + "." + all.get(i)));
        }
    }

    /**
     * The file a write replaces: the configuration, or where its link leads (followed link by link,
     * so a dangling link's target is created, as the file was; helper review 192).
     */
    private Path writeTarget() throws IOException {
        Path at = file;
        for (int hops = 0; Files.isSymbolicLink(at); hops++) {
            if (hops == 40) {
                throw new IOException("too many levels of symbolic links: " + file);
            }
            at = at.toAbsolutePath()
                    .getParent()
                    .resolve(Files.readSymbolicLink(at))
                    .normalize();
        }
        return at;
    }

    /**
     * Temporary files of writers that crashed, beside {@code written} (the file or its link's
     * target, whose copies hold every secret); only called under the lock, when no write is under way.
     */
    private void removeAbandonedTemporaryFiles(Path written) throws IOException {
        Pattern names = written.equals(file)
                ? tempName
                : Pattern.compile("\\." + Pattern.quote(written.getFileName().toString()) + "\\.\\d+\\.tmp");
        if (!Files.isDirectory(written.toAbsolutePath().getParent())) {
            return;
        }
        try (Stream<Path> files = Files.list(written.toAbsolutePath().getParent())) {
            for (Path p : (Iterable<Path>) files::iterator) {
                if (names.matcher(p.getFileName().toString()).matches()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** The backups hold every secret of the file: only the gateway's user may list or read them. */
    private void createBackupDirectory() throws IOException {
        if (Files.isDirectory(backups)) {
            return;
        }
        if (Files.getFileAttributeView(file.getParent(), PosixFileAttributeView.class) != null) {
            Files.createDirectories(
                    backups, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } else {
            Files.createDirectories(backups);
        }
    }

    private static void writeSynced(Path path, byte[] bytes) throws IOException {
        Set<OpenOption> options =
                Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        boolean posix = Files.getFileAttributeView(path.getParent(), PosixFileAttributeView.class) != null;
        try (FileChannel ch = posix
                ? FileChannel.open(path, options, PosixFilePermissions.asFileAttribute(PRIVATE))
                : FileChannel.open(path, options)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                ch.write(buffer);
            }
            ch.force(true);
        }
    }

    /** Makes a rename durable; some file systems (and Windows) refuse to open a directory, which is harmless. */
    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Not supported here: the rename is still atomic, only its durability on power loss is the OS's.
        }
    }
}
