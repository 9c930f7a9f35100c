package com.gitinsight.gateway.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Waiting as a step of the test: a nap moves the clock on and runs {@link #during} (another
 * program writing the file meanwhile). The clock gives the files' times.
 */
public final class StepClock implements QuietFile.Sleeper {

    public final AtomicLong now;
    public final AtomicInteger naps = new AtomicInteger();
    /** Runs at each nap, after the clock moved on. */
    public volatile Runnable during = () -> {};

    public StepClock(long startMillis) {
        now = new AtomicLong(startMillis);
    }

    @Override
    public void sleep(long millis) {
        now.addAndGet(millis);
        naps.incrementAndGet();
        during.run();
    }

    /** Writes {@code text} to {@code file} and gives it the modification time {@code millis}. */
    public static void stamp(Path file, String text, long millis) {
        try {
            Files.writeString(file, text);
            Files.setLastModifiedTime(file, FileTime.fromMillis(millis));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
