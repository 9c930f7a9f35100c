package com.gitinsight.gateway.config;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One writer of the declarative file at a time, among this JVM's threads and among processes (the
 * gateways of a cluster sharing the file): an OS lock ({@link FileChannel#lock}) on a lock file that
 * is never deleted, so every process locks the same inode. The OS lock belongs to the whole JVM and
 * throws {@link OverlappingFileLockException} to a second taker in the same JVM instead of waiting,
 * so threads first queue on an in-process lock; a thread that already holds both may take it again.
 */
final class WriteLock {

    private final Path file;
    private final ReentrantLock local = new ReentrantLock();
    /** The channel holding the OS lock while a thread of this JVM holds {@link #local}. */
    private FileChannel channel;

    WriteLock(Path file) {
        this.file = file;
    }

    /** Held until closed. */
    @FunctionalInterface
    interface Held extends AutoCloseable {
        @Override
        void close() throws IOException;
    }

    /** Waits for the lock; the caller must close what it returns (try-with-resources). */
    Held acquire() throws IOException {
        local.lock();
        if (local.getHoldCount() > 1) {
            return local::unlock;
        }
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            lockAcrossProcesses(channel);
        } catch (IOException | RuntimeException | Error e) {
            closeChannel();
            local.unlock();
            throw e;
        }
        return this::release;
    }

    private void release() throws IOException {
        try {
            closeChannel();
        } finally {
            local.unlock();
        }
    }

    private void closeChannel() throws IOException {
        FileChannel ch = channel;
        channel = null;
        if (ch != null) {
            ch.close(); // releases the OS lock with it
        }
    }

    /**
     * Blocks until no other process holds the lock. Another {@code WriteLock} on the same file in this
     * JVM (a second ConfigFile of the same path, as tests make) shows as an overlap: wait it out. A
     * thread that holds one must therefore never take another of the same file (it would wait on
     * itself): code that locks while writing shares the writer's ConfigFile.
     */
    private static void lockAcrossProcesses(FileChannel ch) throws IOException {
        while (true) {
            try {
                ch.lock();
                return;
            } catch (OverlappingFileLockException e) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
                if (Thread.interrupted()) {
                    throw new InterruptedIOException(
                            "interrupted while waiting for the lock on the configuration file");
                }
            }
        }
    }
}
