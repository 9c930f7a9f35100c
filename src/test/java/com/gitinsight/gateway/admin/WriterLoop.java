package com.gitinsight.gateway.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.gitinsight.gateway.config.ConfigFile;
import com.gitinsight.gateway.config.KongConfigParser;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * One writer of {@link ConcurrentWritersTest}: appends its markers ({@code <name>-<round>}) to the
 * first service's tags, one admin write per round, each with {@code If-Match} set to the file it last
 * read, reading again and retrying on 412. Also run as the test's second JVM: {@code main(file, name,
 * rounds)} prints {@code ready}, waits for a line on stdin, writes, then prints each hash it was told
 * it wrote and {@code done}.
 */
final class WriterLoop {

    static final AdminIdentity WHO = new AdminIdentity("loop", "test", "127.0.0.1");

    private WriterLoop() {}

    /**
     * Writes {@code rounds} times; {@code seen} gets every text read from the file (each must parse).
     * Returns the hashes of the versions this writer was told it wrote, in order.
     */
    static List<String> run(Path path, String name, int rounds, Consumer<String> seen) throws Exception {
        ConfigWriter writer = Writers.of(path, 10_000);
        ConfigFile file = new ConfigFile(path, 10_000);
        List<String> written = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            String marker = name + "-" + round;
            while (true) {
                String read = file.read();
                seen.accept(read);
                try {
                    written.add(writer.write(
                                    "\"" + KongConfigParser.hash(read) + "\"",
                                    WHO,
                                    "round " + marker,
                                    base -> base + "      - " + marker + "\n")
                            .config()
                            .hash());
                    break;
                } catch (AdminException e) {
                    if (e.status != 412) {
                        throw e;
                    }
                }
            }
        }
        return written;
    }

    /** The markers of a version, oldest first (the tags of its first service). */
    static List<String> markers(String text) throws Exception {
        List<String> out = new ArrayList<>();
        for (JsonNode tag :
                DeclarativeDocument.parse(text).root().path("services").path(0).path("tags")) {
            out.add(tag.asText());
        }
        return out;
    }

    public static void main(String[] args) throws Exception {
        KongConfigParser parser = new KongConfigParser(com.gitinsight.gateway.config.PluginRegistry.builtIn());
        System.out.println("ready");
        System.out.flush();
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        List<String> written = run(Path.of(args[0]), args[1], Integer.parseInt(args[2]), text -> {
            try {
                parser.parse(args[0], text);
            } catch (Exception e) {
                throw new IllegalStateException("read a version that does not parse: " + e.getMessage(), e);
            }
        });
        written.forEach(System.out::println);
        System.out.println("done");
        System.out.flush();
    }
}
