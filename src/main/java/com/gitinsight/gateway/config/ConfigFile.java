package com.gitinsight.gateway.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The declarative file on disk, written so that a crash at any instant leaves either the old or the
 * new version whole: the new text goes to a temporary file in the same directory and is fsynced,
 * the old version is copied to a numbered backup and fsynced, then the temporary file is renamed
 * over the original (atomic within one directory) and the directory is fsynced so the rename
 * itself survives a power loss. The last {@code keep} backups are kept in {@code <file>.backups/}.
 */
public final class ConfigFile {

    /** The steps of a write, in order; a test stops the JVM after each to prove it is crash-safe. */
    public enum Step { TEMP_WRITTEN, BACKUP_WRITTEN, RENAMED, DIRECTORY_SYNCED }

    /** One kept version: its number (higher is newer), when it was replaced and its text's hash. */
    public record Backup(int number, Instant replacedAt, String hash, Path path) {
    }

    private final Path file;
    private final Path backups;
    private final int keep;
    private final Consumer<Step> afterStep;
    private final Pattern backupName;

    public ConfigFile(Path file, int keep) {
        this(file, keep, step -> { });
    }

    /** {@code afterStep} runs after each step of a write (tests kill the JVM there). */
    public ConfigFile(Path file, int keep, Consumer<Step> afterStep) {
        this.file = file.toAbsolutePath();
        this.backups = this.file.resolveSibling(this.file.getFileName() + ".backups");
        this.keep = keep;
        this.afterStep = afterStep;
        this.backupName = Pattern.compile(Pattern.quote(this.file.getFileName().toString()) + "\\.(\\d+)");
    }

    public Path path() {
        return file;
    }

    public Path backupDirectory() {
        return backups;
    }

    public String read() throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8);
    }

    /** Replaces the file with {@code text}; returns the backup of the version replaced, if there was one. */
    public Optional<Backup> write(String text) throws IOException {
        Path temp = file.resolveSibling("." + file.getFileName() + ".tmp");
        writeSynced(temp, text.getBytes(StandardCharsets.UTF_8));
        afterStep.accept(Step.TEMP_WRITTEN);
        Optional<Backup> backup = Optional.empty();
        if (Files.exists(file)) {
            Files.createDirectories(backups);
            int number = newestNumber() + 1;
            Path copy = backups.resolve(file.getFileName() + "." + number);
            writeSynced(copy, Files.readAllBytes(file));
            syncDirectory(backups);
            backup = Optional.of(new Backup(number, Instant.now(), KongConfigParser.hash(Files.readString(copy)), copy));
        }
        afterStep.accept(Step.BACKUP_WRITTEN);
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("cannot replace " + file + " atomically (" + e.getMessage()
                    + "); the file is unchanged", e);
        }
        afterStep.accept(Step.RENAMED);
        syncDirectory(file.getParent());
        afterStep.accept(Step.DIRECTORY_SYNCED);
        prune();
        return backup;
    }

    /** The kept versions, newest first. */
    public List<Backup> backups() throws IOException {
        if (!Files.isDirectory(backups)) {
            return List.of();
        }
        List<Backup> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(backups)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Matcher m = backupName.matcher(p.getFileName().toString());
                if (m.matches()) {
                    out.add(new Backup(Integer.parseInt(m.group(1)), Files.getLastModifiedTime(p).toInstant(),
                            KongConfigParser.hash(Files.readString(p, StandardCharsets.UTF_8)), p));
                }
            }
        }
        out.sort(Comparator.comparingInt(Backup::number).reversed());
        return out;
    }

    public Optional<String> backup(int number) throws IOException {
        Path p = backups.resolve(file.getFileName() + "." + number);
        return Files.isRegularFile(p) ? Optional.of(Files.readString(p, StandardCharsets.UTF_8)) : Optional.empty();
    }

    private int newestNumber() throws IOException {
        List<Backup> all = backups();
        return all.isEmpty() ? 0 : all.get(0).number();
    }

    private void prune() throws IOException {
        List<Backup> all = backups();
        for (int i = keep; i < all.size(); i++) {
            Files.deleteIfExists(all.get(i).path());
        }
    }

    private static void writeSynced(Path path, byte[] bytes) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
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
