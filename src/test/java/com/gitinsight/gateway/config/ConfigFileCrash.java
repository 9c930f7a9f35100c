package com.gitinsight.gateway.config;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Run in a child JVM by {@link ConfigFileTest}: writes a version of the file and halts the JVM
 * (no shutdown hooks, no flushing: as a crash) right after the named step, or, with step
 * {@code LOOP}, writes two versions alternately until it is killed.
 */
public final class ConfigFileCrash {

    private ConfigFileCrash() {}

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        String a = Files.readString(Path.of(args[1]));
        String b = Files.readString(Path.of(args[2]));
        if (args[3].equals("LOOP")) {
            ConfigFile config = new ConfigFile(file, 3);
            System.out.println("writing");
            System.out.flush();
            for (long i = 0; ; i++) {
                config.write(i % 2 == 0 ? b : a);
            }
        }
        ConfigFile.Step step = ConfigFile.Step.valueOf(args[3]);
        new ConfigFile(file, 10, s -> {
                    if (s == step) {
                        Runtime.getRuntime().halt(3);
                    }
                })
                .write(b);
    }
}
