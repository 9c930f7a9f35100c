package com.gitinsight.gateway.config;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;

/**
 * Reads a file once it stands still. A writer (cp, an editor, curl -o) truncates, then writes in
 * chunks: a read in between may be a half that parses and lacks the plugins listed last. Whether
 * the file stands still is watched, not judged from its time against this machine's clock (another
 * machine's clock, on a network file system, may be seconds apart: helper review 232).
 */
public final class QuietFile {

    /** How long a file must keep its time and size to be taken as written whole. */
    public static final long SETTLE_MILLIS = 250;
    /**
     * How long a file whose time has no fraction of a second must keep it: on a file system of
     * whole seconds (ext3, HFS+, some network mounts; FAT keeps two) a rewrite of the same size in
     * the same second keeps the time and size, and the read would pass for the rewrite, which
     * would then never be read.
     */
    public static final long COARSE_MILLIS = 2_000;
    /** A file still changing after this long is being written: not read. */
    static final long MAX_WAIT_MILLIS = 5_000;

    private QuietFile() {}

    /** Waiting (tests pass their own, which may change the file meanwhile). */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(long millis) throws InterruptedException;

        Sleeper SYSTEM = Thread::sleep;
    }

    /** Reads a file's text ({@link ConfigText#read}; tests pass one that writes meanwhile). */
    @FunctionalInterface
    public interface Reader {
        String read(Path file) throws IOException;
    }

    /** A file's modification time and size: a change of either is a change of the file. */
    public record State(FileTime modified, long size) {
        /** The state of {@code path}, or null when there is no such file. */
        public static State of(Path path) throws IOException {
            try {
                BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
                return new State(a.lastModifiedTime(), a.size());
            } catch (NoSuchFileException e) {
                return null;
            }
        }

        /** The state of {@code path}, {@link #MISSING} when there is no such file. */
        public static State orMissing(Path path) throws IOException {
            State state = of(path);
            return state == null ? MISSING : state;
        }

        /** How long this state must be watched unchanged to be taken as written whole. */
        public long settleMillis() {
            return size >= 0 && modified.toInstant().getNano() == 0 ? COARSE_MILLIS : SETTLE_MILLIS;
        }
    }

    /** No file: a state of its own, so that a file gone for a moment (an editor's save) is waited for too. */
    public static final State MISSING = new State(FileTime.fromMillis(0), -1);

    /** The text read and the state the file had before and after the read. */
    public record Read(State state, String text) {}

    /** The file is being written by another program. */
    public static final class Busy extends IOException {
        private static final long serialVersionUID = 1L;

        Busy(String message) {
            super(message);
        }
    }

    /**
     * Reads {@code path} once it has kept its state for its settle time (at once when it is in
     * state {@code whole}, a version known to be whole), and only if it kept it through the read.
     *
     * @return null when there is no file
     * @throws Busy when it was still changing after {@link #MAX_WAIT_MILLIS}
     */
    public static Read readWhenStill(Path path, State whole, Sleeper sleeper) throws IOException {
        return readWhenStill(path, whole, sleeper, ConfigText::read);
    }

    /** As {@link #readWhenStill(Path, State, Sleeper)}, reading with {@code reader}. */
    public static Read readWhenStill(Path path, State whole, Sleeper sleeper, Reader reader) throws IOException {
        long waited = 0;
        State seen = State.orMissing(path);
        long stillFor = seen.equals(whole) ? Long.MAX_VALUE : 0;
        while (true) {
            if (stillFor >= seen.settleMillis()) {
                if (seen.equals(MISSING)) {
                    return null;
                }
                String text;
                try {
                    text = reader.read(path);
                } catch (NoSuchFileException gone) {
                    // Moved away between the look and the read (an editor's save): a change.
                    seen = State.orMissing(path);
                    stillFor = 0;
                    continue;
                }
                State after = State.orMissing(path);
                if (seen.equals(after)) {
                    return new Read(seen, text);
                }
                seen = after; // written again while read: what was read may be neither version
                stillFor = 0;
                continue;
            }
            if (waited >= MAX_WAIT_MILLIS) {
                throw new Busy(path + " is being written by another program");
            }
            long nap = Math.min(seen.settleMillis() - stillFor, SETTLE_MILLIS);
            try {
                sleeper.sleep(nap);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for " + path + " to stand still");
            }
            waited += nap;
            State now = State.orMissing(path);
            if (now.equals(seen)) {
                stillFor += nap;
            } else {
                seen = now;
                stillFor = 0;
            }
        }
    }
}
