package com.gitinsight.gateway.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/** Readers that let something happen to the file at one of their reads (another program writing, moving it). */
public final class Reads {

    private Reads() {}

    /** What happens to the file as it is read; may throw what the read would. */
    @FunctionalInterface
    public interface Meanwhile {
        void happen(Path file) throws IOException;
    }

    /** Runs {@code meanwhile} at read number {@code which} (from 0), then reads the file as it is then. */
    public static QuietFile.Reader at(int which, Meanwhile meanwhile) {
        AtomicInteger reads = new AtomicInteger();
        return file -> {
            if (reads.getAndIncrement() == which) {
                meanwhile.happen(file);
            }
            return Files.readString(file);
        };
    }
}
