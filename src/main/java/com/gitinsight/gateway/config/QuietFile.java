package com.gitinsight.gateway.config;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;

/**
 * Waits for a file written in place to stand still before it is read. A writer (cp, an editor,
 * curl -o) truncates, then writes in chunks: a read in between may be a half that parses and lacks
 * the plugins listed last. A file modified {@link #SETTLE_MILLIS} ago or more is taken as still,
 * as is one modified further in the future than that (another machine's clock: a network file
 * system), and a missing one.
 */
public final class QuietFile {

    public static final long SETTLE_MILLIS = 250;
    /** A file rewritten without pause for longer than this is being written (not read). */
    static final long MAX_WAIT_MILLIS = 2_000;
    /** The granularity of the coarsest file times (FAT's). */
    static final long COARSE_MILLIS = 2_000;

    private QuietFile() {}

    /** Wall-clock time and waiting (tests pass their own). */
    public interface Clock {
        long millis();

        void sleep(long millis) throws InterruptedException;

        Clock SYSTEM = new Clock() {
            @Override
            public long millis() {
                return System.currentTimeMillis();
            }

            @Override
            public void sleep(long millis) throws InterruptedException {
                Thread.sleep(millis);
            }
        };
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
    }

    /**
     * Waits (at most {@link #MAX_WAIT_MILLIS}) until {@code path} has stood still; false when it
     * had not by then (another program keeps writing it).
     */
    public static boolean await(Path path, Clock clock) throws IOException {
        long waited = 0;
        while (true) {
            long left = stillIn(State.of(path), clock.millis());
            if (left <= 0) {
                return true;
            }
            if (waited >= MAX_WAIT_MILLIS) {
                return false;
            }
            long nap = Math.min(left, MAX_WAIT_MILLIS - waited);
            try {
                clock.sleep(nap);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for " + path + " to stand still");
            }
            waited += nap;
        }
    }

    /** Milliseconds until a file in {@code state} has stood still at {@code now}: 0 when it has. */
    static long stillIn(State state, long now) {
        if (state == null) {
            return 0;
        }
        long age = now - state.modified().toMillis();
        long settle = age >= SETTLE_MILLIS || age <= -SETTLE_MILLIS ? 0 : SETTLE_MILLIS - age;
        return Math.max(settle, racyFor(state, now));
    }

    /**
     * How long a file system that keeps whole seconds (ext3, HFS+, FAT keeps two, some network
     * ones) may still give a rewrite of the same size the same time and size, so that what was
     * read passes for the whole of it and the rewrite is never read (helper review 230): until its
     * time is {@link #COARSE_MILLIS} old. 0 at once for a time with a fraction of a second.
     */
    public static long racyFor(State state, long now) {
        if (state == null || state.modified().toInstant().getNano() != 0) {
            return 0;
        }
        long age = now - state.modified().toMillis();
        return age >= COARSE_MILLIS || age <= -COARSE_MILLIS ? 0 : COARSE_MILLIS - age;
    }
}
