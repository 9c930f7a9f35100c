package com.gitinsight.gateway.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.gitinsight.gateway.config.ConfigException;
import com.gitinsight.gateway.config.GatewayConfig;
import com.gitinsight.gateway.config.KongConfigParser;
import com.gitinsight.gateway.config.PluginRegistry;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** file-log's and http-log's schemas with Kong's messages (spec/03-plugins/03-http-log/02-schema_spec, 04-file-log/02-schema_spec). */
class LogSchemasTest {

    private static GatewayConfig parse(String plugin, String config) throws ConfigException {
        return parse(plugin, config, Map.of());
    }

    private static GatewayConfig parse(String plugin, String config, Map<String, String> env) throws ConfigException {
        return new KongConfigParser(PluginRegistry.builtIn(), env::get)
                .parse("kong.yml", """
                        _format_version: "3.0"
                        plugins:
                          - name: %s
                            config: %s
                        """.formatted(plugin, config));
    }

    private static String error(String plugin, String config) {
        return assertThrows(ConfigException.class, () -> parse(plugin, config)).getMessage();
    }

    private static <T> T only(GatewayConfig c, Class<T> type) {
        return type.cast(c.plugins().get(0).config());
    }

    @Test
    void fileLogNeedsAValidPath() throws Exception {
        assertTrue(error("file-log", "{reopen: true}").contains("required field missing"));
        assertTrue(error("file-log", "{path: /ovo*}").contains("not a valid filename"));
        assertTrue(error("file-log", "{path: '/tmp/a`b'}").contains("not a valid filename"));
        assertTrue(error("file-log", "{path: '/tmp/a\\\\b'}").contains("not a valid filename"));
        // Helper review 189: without a prefix, no file where a client's header line would run or be
        // read as settings (a file-log on ~/.bashrc ran a User-Agent's $(...) at the next login).
        // Helper review 218: loaded as Kong loads them (Kong's own spec logs to /etc/shadow and
        // expects the write to fail), refused when the file is opened (FileLogWritersTest).
        for (String unsafe : List.of(
                "/home/gw/.bashrc",
                "/root/.ssh/authorized_keys",
                "/etc/profile.d/x.sh",
                "/etc/cron.d/x",
                "/usr/local/bin/x",
                "/var/spool/cron/crontabs/root",
                "/dev/sda",
                "/tmp/app/index.jsp",
                "/tmp/x.sh",
                "/srv/app/WEB-INF/web.xml",
                "/var/www/x.php.log",
                "/proc/self/environ",
                "/tmp/.hidden/x.log")) {
            assertEquals(
                    unsafe,
                    only(parse("file-log", "{path: '" + unsafe + "'}"), FileLogSchema.Config.class)
                            .path());
            assertTrue(
                    String.valueOf(FileLogSchema.refusedAtOpen(unsafe)).contains("not a file file-log may write"),
                    unsafe);
        }
        for (String fine : List.of(
                "/dev/stdout",
                "/dev/stderr",
                "/proc/1/fd/1",
                "/var/log/gateway/requests.log",
                "/dev/shm/x.log",
                "/usr/local/kong/logs/file.log",
                "./logs/a.log")) {
            only(parse("file-log", "{path: '" + fine + "'}"), FileLogSchema.Config.class);
        }
        // The process's standard streams, however a container names them, are written (helper review 300:
        // /dev/fd/1 was refused as a device, its lines lost, where Kong writes them).
        for (String stream : List.of("/dev/stdout", "/dev/stderr", "/dev/fd/1", "/dev/fd/2", "/proc/self/fd/1")) {
            assertEquals(null, FileLogSchema.refusedAtOpen(stream), stream);
        }
        FileLogSchema.Config c = only(parse("file-log", "{path: /tmp/log.txt}"), FileLogSchema.Config.class);
        assertEquals("/tmp/log.txt", c.path());
        assertEquals(false, c.reopen());
    }

    @Test
    void customFieldsThatReturnALiteralAreAcceptedAndOtherLuaIsRefusedByName() throws Exception {
        // Kong's schema spec "accepts custom fields by lua", and its log specs' fields.
        assertFalse(only(
                        parse(
                                "http-log",
                                "{http_endpoint: 'http://h/p', custom_fields_by_lua: {foo: \"return 'bar'\"}}"),
                        HttpLogSchema.Config.class)
                .customFields()
                .isEmpty());
        assertFalse(only(
                        parse(
                                "file-log",
                                "{path: /tmp/x, custom_fields_by_lua: {new_field: \"return 123\","
                                        + " route: \"return nil\", consumer.id: \"return nil\"}}"),
                        FileLogSchema.Config.class)
                .customFields()
                .isEmpty());
        String refused =
                error("file-log", "{path: /tmp/x, custom_fields_by_lua: {request_id: \"return ngx.var.request_id\"}}");
        assertTrue(refused.contains("request_id") && refused.contains("only Lua that returns a literal"), refused);
        assertTrue(error("http-log", "{http_endpoint: 'http://h/p', custom_fields_by_lua: {f: \"os.exit()\"}}")
                .contains("only Lua that returns a literal"));
        // Kong's keys: a string of at least one character.
        assertTrue(error("file-log", "{path: /tmp/x, custom_fields_by_lua: {'': \"return 1\"}}")
                .contains("length must be at least 1"));
    }

    @Test
    void httpLogDefaultsAreKongs() throws Exception {
        HttpLogSchema.Config c = only(
                parse("http-log", "{http_endpoint: 'http://myservice.test/path?q=1'}"), HttpLogSchema.Config.class);
        assertEquals("http://myservice.test/path", c.endpoint().toString(), "Kong drops the endpoint's query");
        assertEquals("POST", c.method());
        assertEquals("application/json", c.contentType());
        assertEquals(10_000, c.timeoutMs());
        assertEquals(60_000, c.keepaliveMs());
        assertEquals(1, c.queue().maxBatchSize());
        assertEquals(1000, c.queue().maxCoalescingDelayMs());
        assertEquals(10_000, c.queue().maxEntries());
        assertEquals(60_000, c.queue().maxRetryTimeMs());
        assertEquals(10, c.queue().initialRetryDelayMs());
        assertEquals(60_000, c.queue().maxRetryDelayMs());
        assertNull(c.authorization());

        // Kong's max_retry_time is any number: a negative one means the first try is the last.
        HttpLogSchema.Config noRetry = only(
                parse("http-log", "{http_endpoint: 'http://h/', queue: {max_retry_time: -5}}"),
                HttpLogSchema.Config.class);
        assertEquals(-1, noRetry.queue().maxRetryTimeMs());
    }

    @Test
    void httpLogHeadersAsKongChecksThem() throws Exception {
        assertTrue(error("http-log", "{http_endpoint: 'http://h/', headers: {Host: x}}")
                .contains("cannot contain 'Host' header"));
        assertTrue(error("http-log", "{http_endpoint: 'http://h/', headers: {coNTEnt-Length: x}}")
                .contains("cannot contain 'Content-Length' header"));
        assertTrue(error("http-log", "{http_endpoint: 'http://h/', headers: {coNTEnt-Type: x}}")
                .contains("cannot contain 'Content-Type' header"));
        // Kong's 02-schema_spec: the error is the map's ({config = {headers = "length must be at least 1"}}).
        assertTrue(error("http-log", "{http_endpoint: 'http://h/', headers: {X-My-Header: ''}}")
                .contains("config.headers: length must be at least 1"));
        assertTrue(error("opentelemetry", "{traces_endpoint: 'http://h/', resource_attributes: {service.name: ''}}")
                .contains("config.resource_attributes: length must be at least 1"));
        assertTrue(error("http-log", "{http_endpoint: 'http://hi:there@h/', headers: {AuthoRIZATion: x}}")
                .contains("config: specifying both an 'Authorization' header and user info in 'http_endpoint' is"
                        + " not allowed"));
        assertTrue(error("http-log", "{http_endpoint: 'http://h/', method: GET}")
                .contains("expected one of: POST, PUT, PATCH"));
        HttpLogSchema.Config c = only(
                parse(
                        "http-log",
                        "{http_endpoint: 'http://testuser:testpassword@h:9000/logs', headers: {X-My-Header: '123'}}"),
                HttpLogSchema.Config.class);
        assertEquals("Basic dGVzdHVzZXI6dGVzdHBhc3N3b3Jk", c.authorization());
        assertEquals("http://h:9000/logs", c.endpoint().toString());
        assertEquals(Map.of("X-My-Header", "123"), c.headers());
        assertTrue(!c.toString().contains("testpassword"));
    }

    @Test
    void httpEndpointIsCheckedAsKongChecksAUrl() throws Exception {
        // typedefs.url: the host is looked for before the scheme.
        assertTrue(error("http-log", "{http_endpoint: 'myservice.test/path'}").contains("missing host in url"));
        assertTrue(error("http-log", "{http_endpoint: 'http:/path'}").contains("missing host in url"));
        assertTrue(error("http-log", "{http_endpoint: 'http://'}").contains("missing host in url"));
        assertTrue(error("http-log", "{http_endpoint: '//myservice.test/path'}").contains("missing scheme in url"));
        assertTrue(error("http-log", "{http_endpoint: 'ftp://myservice.test/path'}")
                .contains("the scheme must be http or https"));
        // A host with an underscore (a Compose service's name), which Kong accepts and java.net.URI does not read.
        HttpLogSchema.Config underscore = only(
                parse("http-log", "{http_endpoint: 'http://bob:pw@log_sink:9000/logs'}"), HttpLogSchema.Config.class);
        assertEquals("http://log_sink:9000", underscore.destination());
        assertEquals("Basic Ym9iOnB3", underscore.authorization());
        assertTrue(error("http-log", "{http_endpoint: 'http://log sink:9000/logs'}")
                .contains("http_endpoint"));
        assertTrue(error("http-log", "{http_endpoint: 'http://log_sink:99999/logs'}")
                .contains("missing host in url"));
    }

    @Test
    void httpLogSecretsComeFromTheVault() throws Exception {
        HttpLogSchema.Config c = only(
                parse(
                        "http-log",
                        "{http_endpoint: '{vault://env/log-endpoint}', headers: {X-Key: '{vault://env/log-key}'}}",
                        Map.of("LOG_ENDPOINT", "https://logs.example/in", "LOG_KEY", "k-42")),
                HttpLogSchema.Config.class);
        assertEquals("https://logs.example/in", c.endpoint().toString());
        assertEquals("k-42", c.headers().get("X-Key"));
    }

    @Test
    void legacyQueueFieldsMapAsKongMapsThem() throws Exception {
        List<String> warnings = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        java.util.logging.Handler handler = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                warnings.add(r.getMessage());
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        List<java.util.logging.Logger> loggers = List.of(
                java.util.logging.Logger.getLogger(com.gitinsight.gateway.config.QueueSpec.class.getName()),
                java.util.logging.Logger.getLogger(HttpLogSchema.class.getName()));
        loggers.forEach(l -> l.addHandler(handler));
        HttpLogSchema.Config c;
        try {
            c = only(
                    parse(
                            "http-log",
                            "{http_endpoint: 'http://h/', queue_size: 234, flush_timeout: 345, retry_count: 123}"),
                    HttpLogSchema.Config.class);
        } finally {
            loggers.forEach(l -> l.removeHandler(handler));
        }
        assertEquals(234, c.queue().maxBatchSize());
        assertEquals(345_000, c.queue().maxCoalescingDelayMs());
        // Kong's Queue.get_plugin_params and the schema's retry_count check warn with these words.
        assertTrue(
                warnings.contains("http-log: the queue_size parameter is deprecated, please update your configuration"
                        + " to use queue.max_batch_size instead"),
                warnings.toString());
        assertTrue(
                warnings.contains("http-log: the flush_timeout parameter is deprecated, please update your"
                        + " configuration to use queue.max_coalescing_delay instead"),
                warnings.toString());
        assertTrue(
                warnings.contains("http-log: the retry_count parameter no longer works, please update your"
                        + " configuration to use initial_retry_delay and max_retry_time instead"),
                warnings.toString());
        HttpLogSchema.Config kept = only(
                parse(
                        "http-log",
                        "{http_endpoint: 'http://h/', queue_size: 1, flush_timeout: 2, queue: {max_batch_size: 123,"
                                + " max_coalescing_delay: 234}}"),
                HttpLogSchema.Config.class);
        assertEquals(123, kept.queue().maxBatchSize());
        assertEquals(234_000, kept.queue().maxCoalescingDelayMs());
        // Helper review 271: Kong bounds none of the legacy fields and loads these; the queue
        // gets them within its own bounds.
        HttpLogSchema.Config unbounded = only(
                parse("http-log", "{http_endpoint: 'http://h/', queue_size: 0, flush_timeout: 5000, retry_count: -1}"),
                HttpLogSchema.Config.class);
        assertEquals(1, unbounded.queue().maxBatchSize());
        assertEquals(3_600_000, unbounded.queue().maxCoalescingDelayMs());
        assertEquals(
                1_000_000,
                only(
                                parse(
                                        "http-log",
                                        "{http_endpoint: 'http://h/', queue_size: 5000000, flush_timeout: -1}"),
                                HttpLogSchema.Config.class)
                        .queue()
                        .maxBatchSize());
    }

    // Kong's maps of strings: a YAML number or boolean is "expected a string" (it was read as
    // text), reported at the map, as Kong's map validation reports a key's or a value's error.
    @Test
    void headerAndAttributeValuesMustBeStrings() throws Exception {
        String numeric = error("http-log", "{http_endpoint: 'http://h/', headers: {X-Num: 123}}");
        assertTrue(numeric.contains("config.headers: expected a string"), numeric);
        String flag = error("http-log", "{http_endpoint: 'http://h/', headers: {X-Flag: true}}");
        assertTrue(flag.contains("expected a string"), flag);
        String attribute =
                error("opentelemetry", "{traces_endpoint: 'http://h/v1/traces', resource_attributes: {n: 1}}");
        assertTrue(attribute.contains("expected a string"), attribute);
        String otelHeader = error("opentelemetry", "{traces_endpoint: 'http://h/v1/traces', headers: {X-N: 1.5}}");
        assertTrue(otelHeader.contains("expected a string"), otelHeader);
        HttpLogSchema.Config quoted = only(
                parse("http-log", "{http_endpoint: 'http://h/', headers: {X-Num: '123'}}"), HttpLogSchema.Config.class);
        assertEquals("123", quoted.headers().get("X-Num"));
    }

    // Kong's schema spec "rejects invalid attribute keys": a key lyaml reads as a number (or a
    // boolean, or null) is "expected a string" at the map, before its value is looked at.
    @Test
    void aMapKeyThatYamlReadsAsNoStringIsRefusedAtTheMap() throws Exception {
        for (String key : new String[] {"123", "-7", "1.5", "true", "False", "~", "null", "0x1F"}) {
            for (String value : new String[] {"''", "x"}) {
                String e = error(
                        "opentelemetry",
                        "{traces_endpoint: 'http://h/v1/traces', resource_attributes: {" + key + ": " + value + "}}");
                assertTrue(e.contains("config.resource_attributes: expected a string"), key + ": " + e);
            }
        }
        String header = error("http-log", "{http_endpoint: 'http://h/', headers: {404: x}}");
        assertTrue(header.contains("config.headers: expected a string"), header);
        // Kong's "rejects invalid attribute values": a string key with an empty value.
        String empty =
                error("opentelemetry", "{traces_endpoint: 'http://h/v1/traces', resource_attributes: {foo: ''}}");
        assertTrue(empty.contains("config.resource_attributes: length must be at least 1"), empty);
        // Block style as flow style.
        String block = assertThrows(
                        ConfigException.class,
                        () -> new com.gitinsight.gateway.config.KongConfigParser(
                                        com.gitinsight.gateway.config.PluginRegistry.builtIn())
                                .parse(
                                        "kong.yml",
                                        "_format_version: \"3.0\"\nplugins:\n  - name: opentelemetry\n    config:\n"
                                                + "      traces_endpoint: http://h/v1/traces\n"
                                                + "      resource_attributes:\n        deployment: prod\n        42: x\n"))
                .getMessage();
        assertTrue(block.contains("config.resource_attributes: expected a string"), block);
        // Characters beyond the BMP before the keys (the parser counts code points): a number is
        // still found, and a quoted key is still text (helper review 297).
        String afterEmoji = error(
                "opentelemetry",
                "{traces_endpoint: 'http://h/v1/traces', resource_attributes: {team: \"\uD83D\uDE00\uD83D\uDE00\","
                        + " 123: x}}");
        assertTrue(afterEmoji.contains("config.resource_attributes: expected a string"), afterEmoji);
        var quotedAfterEmoji = only(
                parse(
                        "opentelemetry",
                        "{traces_endpoint: 'http://h/v1/traces', resource_attributes: {a: \"\uD83D\uDE00\uD83D\uDE00\","
                                + " \"1\": b}}"),
                com.gitinsight.gateway.tracing.OpenTelemetrySchema.Config.class);
        assertEquals(2, quotedAfterEmoji.resourceAttributes().size());
        // lyaml reads a plain y or n as text (Jackson as a boolean), yes and no as booleans.
        var y = only(
                parse("http-log", "{http_endpoint: 'http://h/', headers: {X-Y: y, X-N: N}}"),
                HttpLogSchema.Config.class);
        assertEquals(Map.of("X-Y", "y", "X-N", "N"), y.headers());
        String yesValue = error("http-log", "{http_endpoint: 'http://h/', headers: {X-Y: yes}}");
        assertTrue(yesValue.contains("config.headers: expected a string"), yesValue);
        String yes = error("http-log", "{http_endpoint: 'http://h/', headers: {yes: x}}");
        assertTrue(yes.contains("config.headers: expected a string"), "lyaml's YAML 1.1 boolean: " + yes);
        // Quoted, or not a YAML number (a version), a key is text.
        for (String key : new String[] {"'123'", "\"true\"", "1.2.3", "v1", "12ab", "-"}) {
            var config = only(
                    parse(
                            "opentelemetry",
                            "{traces_endpoint: 'http://h/v1/traces', resource_attributes: {" + key + ": x}}"),
                    com.gitinsight.gateway.tracing.OpenTelemetrySchema.Config.class);
            assertEquals(1, config.resourceAttributes().size(), key);
        }
    }

    @Test
    void queueBoundsAreKongs() {
        assertTrue(error("http-log", "{http_endpoint: 'http://h/', queue: {max_batch_size: 0}}")
                .contains("max_batch_size"));
        for (String limit : new String[] {"2", "-2", "0"}) {
            String error = error("http-log", "{http_endpoint: 'http://h/', queue: {concurrency_limit: " + limit + "}}");
            assertTrue(error.contains("concurrency_limit") && error.contains("expected one of: -1, 1"), error);
        }
        assertTrue(error("http-log", "{http_endpoint: 'http://h/', queue: {max_coalescing_delay: 4000}}")
                .contains("max_coalescing_delay"));
    }

    @Test
    void aBatchIsAJsonArrayUnlessTheQueueSendsOneAtATime() {
        LogWriter writer = new LogWriter(); // one writer for all: its buffer is reused, each body is only its own bytes
        java.util.List<LogEntry> two =
                java.util.List.of(LogEntry.raw("{\"a\":1}".getBytes()), LogEntry.raw("{\"b\":2}".getBytes()));
        assertEquals(
                "[{\"a\":1},{\"b\":2}]",
                new String(HttpLogSender.body(writer, two, false).copy()));
        java.util.List<LogEntry> one = java.util.List.of(LogEntry.raw("{\"a\":1}".getBytes()));
        assertEquals(
                "{\"a\":1}", new String(HttpLogSender.body(writer, one, true).copy()));
        assertEquals(
                "[{\"a\":1}]", new String(HttpLogSender.body(writer, one, false).copy()));
    }

    @Test
    void instancesWithOtherCredentialsNeverShareAQueue() throws Exception {
        HttpLogSchema.Config a = only(
                parse("http-log", "{http_endpoint: 'https://tenant-a:pw@logs.example/in'}"),
                HttpLogSchema.Config.class);
        HttpLogSchema.Config b = only(
                parse("http-log", "{http_endpoint: 'https://tenant-b:pw@logs.example/in'}"),
                HttpLogSchema.Config.class);
        HttpLogSchema.Config c = only(
                parse("http-log", "{http_endpoint: 'https://logs.example/in', headers: {Authorization: 'Splunk t1'}}"),
                HttpLogSchema.Config.class);
        HttpLogSchema.Config d = only(
                parse("http-log", "{http_endpoint: 'https://logs.example/in', headers: {Authorization: 'Splunk t2'}}"),
                HttpLogSchema.Config.class);
        assertTrue(!a.queueKey().equals(b.queueKey()));
        assertTrue(!c.queueKey().equals(d.queueKey()));
        assertEquals("https://logs.example", a.destination(), "health and metrics name no path or credential");
    }

    @Test
    void aPathPrefixKeepsFileLogBelowIt() throws Exception {
        // The prefix as Kong proposed it (Kong/kong#8758, never released), set to /tmp/: one message for all.
        String kong = "not a valid file name, or the prefix is not [/tmp/], or contains `..`, you may need to check"
                + " the configuration `plugin_file_log_path_prefix`";
        System.setProperty("gateway.file-log.path-prefix", "/tmp");
        try {
            assertOneError(kong, error("file-log", "{path: /ovo*, reopen: true}"));
            assertOneError(kong, error("file-log", "{path: /tmp/../etc/passwd, reopen: true}"));
            assertOneError(kong, error("file-log", "{path: /error-prefix/log.txt, reopen: true}"));
            assertOneError(kong, error("file-log", "{path: /tmp/a..b}"));
            assertOneError(kong, error("file-log", "{path: relative.log}"));
            assertOneError(kong, error("file-log", "{path: /tmp/}"));
            assertEquals(
                    "/tmp/log.txt",
                    only(parse("file-log", "{path: /tmp/log.txt, reopen: true}"), FileLogSchema.Config.class)
                            .path());
        } finally {
            System.clearProperty("gateway.file-log.path-prefix");
        }
        // Without a prefix, any path but those a line could be run or read as settings from.
        assertEquals(
                "/var/log/x",
                only(parse("file-log", "{path: /var/log/x}"), FileLogSchema.Config.class)
                        .path());
    }

    private static void assertOneError(String expected, String message) {
        assertTrue(message.contains(expected), message);
        assertEquals(message.indexOf("not a valid file"), message.lastIndexOf("not a valid file"), message);
    }

    // Kong 3's file-log schema has no rule against ".." (its pattern only; the path prefix that
    // refused it was a proposal, Kong/kong#8758, closed unmerged): such a path loads as on Kong and
    // is judged where it leads when opened (aDotDotAfterALinkIsJudgedWhereTheFileSystemClimbs).
    @Test
    void withoutAPrefixAPathWithDotDotLoadsAsOnKong() throws Exception {
        for (String path : new String[] {"/tmp/../tmp/requests.log", "../requests.log", "logs/requests.log"}) {
            assertEquals(
                    path,
                    only(parse("file-log", "{path: '" + path + "'}"), FileLogSchema.Config.class)
                            .path());
        }
        assertOneError("not a valid filename", error("file-log", "{path: /tmp/../ovo*}"));
    }

    // A ".." after a link climbs from where the link leads, as the kernel resolves it: pub/evil/..
    // is the directory above evil's target. Read by name it was pub, and a hidden directory passed.
    @Test
    void aDotDotAfterALinkIsJudgedWhereTheFileSystemClimbs(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path sub = java.nio.file.Files.createDirectories(dir.resolve(".ssh/sub"));
        java.nio.file.Path pub =
                java.nio.file.Files.createDirectories(dir.resolve("pub/plain")).getParent();
        java.nio.file.Files.createSymbolicLink(pub.resolve("evil"), sub);
        assertTrue(
                String.valueOf(FileLogSchema.unsafe(pub + "/evil/../keys.log")).contains("hidden"),
                "opened, it is .ssh/keys.log");
        assertEquals(null, FileLogSchema.unsafe(pub + "/plain/../requests.log"));
        // A directory that does not exist: nothing can be opened there; read by name.
        assertEquals(null, FileLogSchema.unsafe(pub + "/missing/../requests.log"));
        assertTrue(String.valueOf(FileLogSchema.unsafe(pub + "/missing/../.profile"))
                .contains("hidden"));
        // The same inside a link's target (attacker review 302): x.log -> evil/../keys.log.
        java.nio.file.Path x =
                java.nio.file.Files.createSymbolicLink(pub.resolve("x.log"), java.nio.file.Path.of("evil/../keys.log"));
        assertTrue(String.valueOf(FileLogSchema.unsafe(x.toString())).contains("hidden"), "it leads to .ssh/keys.log");
    }

    // Helper review 219: a link at the path itself (a dangling one too: opening creates its target)
    // is judged where it leads; a link to the process's own streams is not followed.
    @Test
    void aLinkAtThePathIsJudgedWhereItLeads(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path toProfile =
                java.nio.file.Files.createSymbolicLink(dir.resolve("app.log"), dir.resolve(".profile"));
        assertTrue(String.valueOf(FileLogSchema.unsafe(toProfile.toString())).contains("hidden"));
        java.nio.file.Path toCron =
                java.nio.file.Files.createSymbolicLink(dir.resolve("gw.log"), java.nio.file.Path.of("/etc/cron.d/gw"));
        assertTrue(String.valueOf(FileLogSchema.unsafe(toCron.toString())).contains("system directory"));
        java.nio.file.Path chained = java.nio.file.Files.createSymbolicLink(dir.resolve("chained.log"), toCron);
        assertTrue(String.valueOf(FileLogSchema.unsafe(chained.toString())).contains("system directory"));
        java.nio.file.Path toStdout =
                java.nio.file.Files.createSymbolicLink(dir.resolve("out.log"), java.nio.file.Path.of("/dev/stdout"));
        org.junit.jupiter.api.Assertions.assertNull(FileLogSchema.unsafe(toStdout.toString()));
        java.nio.file.Path plain =
                java.nio.file.Files.createSymbolicLink(dir.resolve("plain.log"), dir.resolve("logs/requests.log"));
        org.junit.jupiter.api.Assertions.assertNull(FileLogSchema.unsafe(plain.toString()));
        // Helper review 220: a link's ".." climbs from where its directory's links lead, not from
        // its name: pub -> .secret/inner, pub/x.log -> ../y.log opens .secret/y.log.
        java.nio.file.Path inner = java.nio.file.Files.createDirectories(dir.resolve(".secret/inner"));
        java.nio.file.Files.createSymbolicLink(dir.resolve("pub"), inner);
        java.nio.file.Files.createSymbolicLink(inner.resolve("x.log"), java.nio.file.Path.of("../y.log"));
        assertTrue(String.valueOf(FileLogSchema.unsafe(dir.resolve("pub/x.log").toString()))
                .contains("hidden"));
    }

    // Helper review 219: a path loaded without a prefix is not opened once a prefix it is not under
    // is set; without one, the unsafe paths are refused at open.
    @Test
    void thePrefixAsSetWhenTheFileIsOpenedDecides() {
        assertTrue(String.valueOf(FileLogSchema.refusedAtOpen("/etc/cron.d/gw")).contains("system directory"));
        org.junit.jupiter.api.Assertions.assertNull(FileLogSchema.refusedAtOpen("/var/log/gw/requests.log"));
        System.setProperty("gateway.file-log.path-prefix", "/var/log/");
        try {
            assertTrue(String.valueOf(FileLogSchema.refusedAtOpen("/etc/cron.d/gw"))
                    .contains("prefix is not"));
            org.junit.jupiter.api.Assertions.assertNull(FileLogSchema.refusedAtOpen("/var/log/gw/requests.log"));
        } finally {
            System.clearProperty("gateway.file-log.path-prefix");
        }
    }

    // Helper review 192: a directory linked to a system one is judged where it leads.
    @Test
    void aLinkedDirectoryIsJudgedWhereItLeads(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path link =
                java.nio.file.Files.createSymbolicLink(dir.resolve("logs"), java.nio.file.Path.of("/etc"));
        assertTrue(String.valueOf(
                        FileLogSchema.unsafe(link.resolve("cron.d/gateway").toString()))
                .contains("system directory"));
        org.junit.jupiter.api.Assertions.assertNull(
                FileLogSchema.unsafe(dir.resolve("plain/requests.log").toString()));
    }
}
