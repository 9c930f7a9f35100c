package com.gitinsight.gateway.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.gitinsight.gateway.runtime.GatewaySnapshot;
import com.gitinsight.gateway.runtime.TestSnapshots;
import com.gitinsight.gateway.testing.FakeHttp;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.junit.jupiter.api.Test;

/**
 * Plugin bot-detection against Kong's spec/03-plugins/21-bot-detection (01-access, 03-api; HTTP
 * cases, not gRPC), plus what Kong's handler does beyond them (two User-Agents, stripped agents).
 */
class BotDetectionFilterTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CHROME = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_11_5) AppleWebKit/537.36"
            + " (KHTML, like Gecko) Chrome/50.0.2661.102 Safari/537.36";

    private static GatewaySnapshot snapshot(String config) {
        return TestSnapshots.of("""
                _format_version: "3.0"
                services:
                  - name: svc
                    url: http://127.0.0.1:9
                    routes:
                      - name: r
                        paths: [/]
                        plugins:
                          - name: bot-detection
                            config: %s
                """.formatted(config));
    }

    private static FakeHttp.Response send(GatewaySnapshot s, FakeHttp.Request request) throws Exception {
        request.on(s, TestSnapshots.match(s, "r"));
        FakeHttp.Response response = new FakeHttp.Response();
        FakeHttp.Backend backend = new FakeHttp.Backend();
        new BotDetectionFilter()
                .apply(
                        request.context().plugin(BotDetectionSchema.NAME, BotDetectionSchema.Config.class),
                        request.context(),
                        request.request,
                        response.response,
                        backend);
        return backend.calls() == 1 ? null : response;
    }

    private static int status(String config, String... userAgents) throws Exception {
        FakeHttp.Request request = FakeHttp.Request.get("/request");
        for (String ua : userAgents) {
            request.header("User-Agent", ua);
        }
        FakeHttp.Response r = send(snapshot(config), request);
        return r == null ? 200 : r.status();
    }

    @Test
    void ordinaryClientsAndNoUserAgentPass() throws Exception {
        assertEquals(200, status("{}"));
        assertEquals(200, status("{}", CHROME));
        assertEquals(200, status("{}", "HelloWorld"));
        assertEquals(200, status("{}", "curl/7.43.0"));
    }

    // Kong's ngx.re.find reads the agent's bytes with PCRE: '.' and '$' stop at \n only, \b is
    // ASCII. The container gives the bytes as ISO-8859-1 characters, so a UTF-8 'ą' (C4 85) holds
    // U+0085, which Java's '.' and '$' took for a line end (helper review 199: a deny rule was
    // bypassed), and JDK 17's \b took 'Ã' for a word character.
    @Test
    void rulesReadTheAgentAsKongsPcreDoes() throws Exception {
        String ogonek = "\u00c4\u0085"; // UTF-8 'ą' as the container hands it over
        assertEquals(403, status("{deny: ['BadBot.*Pro']}", "BadBot " + ogonek + " Pro"));
        // PCRE's $ is the end (or before a final \n): the allow does not match, the deny does.
        assertEquals(403, status("{allow: ['^MyApp/1\\.0$'], deny: ['MyApp']}", "MyApp/1.0\u0085"));
        assertEquals(403, status("{}", "Google" + ogonek.charAt(1) + "/+/web/snippet"));
        assertTrue(KnownBots.matches("jbot\u00c3\u00a9"), "jboté: PCRE's \\b ends the word at byte C3");
        assertEquals(403, status("{deny: ['\\bbad\\b']}", "\u00c3bad\u00c3"));
        assertEquals(200, status("{deny: ['\\bbad\\b']}", "abadz"));
    }

    // Helper review 286: Kong's PCRE compares a rule's UTF-8 bytes with the agent's bytes, so a rule
    // with letters beyond ASCII matches the agent a client sends in UTF-8 (and not a Latin-1 byte).
    @Test
    void aRuleBeyondAsciiMatchesTheAgentsUtf8Bytes() throws Exception {
        String yandex = new String("Яндекс.Бот/1.0".getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
        assertEquals(403, status("{deny: ['Яндекс']}", yandex));
        assertEquals(403, status("{deny: ['[ü]']}", "Mein \u00c3\u00bc"), "a class of the two bytes, as PCRE's");
        assertEquals(200, status("{deny: ['é']}", "caf\u00e9"), "the Latin-1 byte E9 is not 'é' for PCRE");
        assertEquals(
                200, status("{allow: ['^Яндекс'], deny: ['Бот']}", yandex), "an allow beyond ASCII lets it through");
        assertEquals(403, status("{deny: ['Бот']}", yandex));
    }

    // The ninth rule's quadratic parts are written as what they find: a match exactly where Kong's
    // parts find one, and the agents they name are bots.
    @Test
    void theNinthRuleFindsWhatKongsFinds() {
        Pattern kongs = Pattern.compile("\\b\\w*favicon\\w*\\b|(?:[a-zA-Z]+-)?Googlebot(?:-[a-zA-Z]+)?");
        Pattern ours = Pattern.compile("favicon|Googlebot(?:-[a-zA-Z]+)?");
        for (String ua : List.of(
                "Mozilla/5.0 (compatible; Googlebot/2.1)",
                "Mediapartners-Googlebot-Image/1.0",
                "x-Googlebot",
                "-Googlebot",
                "FaviconBot favicon-fetcher/1.0",
                "myfavicons",
                "_favicon_",
                "a favicon.",
                "Googlebo",
                "favico",
                "no bot here")) {
            assertEquals(kongs.matcher(ua).find(), ours.matcher(ua).find(), ua);
            if (kongs.matcher(ua).find()) {
                assertTrue(KnownBots.matches(ua), ua);
            }
        }
    }

    @Test
    void kongsKnownBotsAreRefusedWithForbidden() throws Exception {
        FakeHttp.Request request =
                FakeHttp.Request.get("/request", "User-Agent", "Googlebot/2.1 (+http://www.google.com/bot.html)");
        FakeHttp.Response r = send(snapshot("{}"), request);
        assertEquals(403, r.status());
        assertEquals("Forbidden", JSON.readTree(r.text()).get("message").asText());
        assertEquals(403, status("{}", "facebookexternalhit/1.1"));
        assertEquals(403, status("{}", "Pingdom.com_bot_version_1.4"));
        assertEquals(403, status("{}", "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)"));
    }

    @Test
    void denyRulesAddToTheListAndAllowRulesWinOverIt() throws Exception {
        assertEquals(403, status("{deny: [HelloWorld]}", "HelloWorld"));
        assertEquals(200, status("{allow: [facebookexternalhit/1.1]}", "facebookexternalhit/1.1"));
        // allow wins over deny too
        assertEquals(200, status("{allow: [Hello], deny: [World]}", "HelloWorld"));
    }

    @Test
    void pcreSpellingsJavaLacksAreReadAsKongsRegexEngineReadsThem() throws Exception {
        // Helper review 120: [[:alpha:]] loaded and never matched; (?P<n>...) refused the file.
        assertEquals(200, status("{}", "Evil1"));
        assertEquals(403, status("{deny: [\"^[[:alpha:]]+[[:digit:]]$\"]}", "Evil1"));
        assertEquals(403, status("{deny: [\"(?P<name>Evil)1\"]}", "Evil1"));
        assertEquals(200, status("{deny: [\"^[[:digit:]]+\"]}", "Evil1"));
        // Helper review 139: PCRE takes a '{' that starts no quantifier as itself (Java refused it).
        assertEquals(403, status("{deny: [\"{bot}\"]}", "x{bot}y"));
        assertEquals(403, status("{deny: [\"curl{\"]}", "curl{7"));
        assertEquals(403, status("{deny: [\"^E{1}vil[0-9]{1,2}$\"]}", "Evil1"), "quantifiers stay quantifiers");
        assertEquals(200, status("{deny: [\"a{,3}\"]}", "aaa"), "{,3} is not one to PCRE");
    }

    // Attacker review 289: PCRE escapes whose braces are their own were rewritten (\x{e9} refused,
    // \Q{\E matching a backslash), Java's own inline options u and U were taken, and a lone
    // surrogate became a '?' quantifier.
    @Test
    void pcreEscapesWithBracesOptionsAndSurrogatesReadAsPcreReadsThem() throws Exception {
        assertEquals(403, status("{deny: ['caf\\x{e9}']}", "caf\u00e9"), "the byte E9");
        assertThrows(IllegalArgumentException.class, () -> snapshot("{deny: ['\\x{100}']}"), "too large for bytes");
        assertEquals(403, status("{deny: ['\\Qa{b\\E']}", "xa{by"));
        assertEquals(403, status("{deny: ['\\p{Lu}ad']}", "Bad"));
        assertThrows(IllegalArgumentException.class, () -> snapshot("{deny: ['(?iu)x']}"));
        assertThrows(IllegalArgumentException.class, () -> snapshot("{deny: ['(?U)a+']}"));
        assertEquals(403, status("{deny: ['(?i)badbot']}", "BadBot"), "PCRE's own options stay");
        assertThrows(PatternSyntaxException.class, () -> BotDetectionSchema.asBytes("curl\ud83d"));
        // Attacker review 292: \c[ is one character (0x1B) to PCRE, not a class opening that hid
        // the options after it; \x{} digits may have leading zeros.
        assertThrows(IllegalArgumentException.class, () -> snapshot("{allow: ['\\c[?(?U)^\\w']}"));
        assertEquals(403, status("{deny: ['^\\x{000000041}gent']}", "Agent"));
    }

    @Test
    void matchingIsACaseSensitiveSearchOnTheStrippedAgent() throws Exception {
        assertEquals(200, status("{deny: [helloworld]}", "HelloWorld"));
        assertEquals(403, status("{deny: [\"^HelloWorld$\"]}", "  HelloWorld  "));
        assertEquals(403, status("{deny: [World]}", "Hello World Browser"));
    }

    @Test
    void twoUserAgentsAreABadRequest() throws Exception {
        FakeHttp.Request request = FakeHttp.Request.get("/request");
        request.header("User-Agent", "a").header("User-Agent", "b");
        FakeHttp.Response r = send(snapshot("{}"), request);
        assertEquals(400, r.status());
        assertEquals(
                "Only one User-Agent header allowed",
                JSON.readTree(r.text()).get("message").asText());
    }

    @Test
    void verdictsAreKeptPerConfigurationButNotForLongAgents() throws Exception {
        GatewaySnapshot s = snapshot("{deny: [HelloWorld]}");
        FakeHttp.Request first = FakeHttp.Request.get("/request", "User-Agent", "HelloWorld");
        assertEquals(403, send(s, first).status());
        BotDetectionSchema.Config config =
                first.context().plugin(BotDetectionSchema.NAME, BotDetectionSchema.Config.class);
        assertEquals(1, config.verdicts().estimatedSize());
        String longAgent = "x".repeat(BotDetectionSchema.CACHED_AGENT_CHARS + 1) + "HelloWorld";
        assertEquals(403, status("{deny: [HelloWorld]}", longAgent));
        config.judge(longAgent);
        assertEquals(1, config.verdicts().estimatedSize());
    }

    @Test
    void anInvalidRegexIsRefusedAtLoadWithKongsMessage() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> snapshot("{allow: [\"(https?:\\\\/\\\\/.*\"]}"));
        assertTrue(e.getMessage().contains("not a valid regex: (https?:\\/\\/.*"), e.getMessage());
        assertTrue(e.getMessage().contains("allow"), e.getMessage());
    }

    @Test
    void theBuiltInListLeavesOrdinaryBrowsersAlone() {
        assertTrue(!KnownBots.matches(CHROME));
        assertTrue(!KnownBots.matches("curl/7.43.0"));
        assertTrue(KnownBots.matches("Twitterbot/1.0"));
        assertTrue(KnownBots.matches("Scrapy/2.11.0 (+https://scrapy.org)"));
    }

    @Test
    void cannotBeAttachedToAConsumer() {
        // Kong's schema: consumer = typedefs.no_consumer
        assertThrows(IllegalArgumentException.class, () -> TestSnapshots.of("""
                _format_version: "3.0"
                consumers:
                  - username: bob
                    plugins:
                      - name: bot-detection
                """));
    }

    @Test
    void theRewrittenLastThreeFindWhatKongsFind() {
        List<Pattern> ours = KnownBots.rules().subList(9, 12);
        List<String> agents = List.of(
                "Mozilla/5.0 (compatible; Yahoo! Slurp China; http://misc.yahoo.com.cn/help.html) archiver/1.2",
                "my-crawler/1.0",
                "Some Indexer 2.3",
                "Example Spider 4",
                "WebScraper",
                "the spider",
                "Mozilla/5.0 CUBOT phone",
                "cubot",
                "AbcBot",
                "xBot 1",
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36",
                "curl/8.5.0",
                "crawl",
                "Bot/",
                "",
                "ab");
        for (int i = 0; i < 3; i++) {
            Pattern kong = Pattern.compile(KnownBots.KONGS_LAST_THREE.get(i));
            for (String agent : agents) {
                assertEquals(
                        kong.matcher(agent).find(),
                        ours.get(i).matcher(agent).find(),
                        "rule " + (10 + i) + ": " + agent);
            }
        }
    }

    @Test
    void aLongUserAgentIsJudgedWithoutRunawayBacktracking() {
        // Kong's twelfth expression as written never finishes on this; a client can send it.
        String hostile = "a".repeat(60_000);
        assertTimeoutPreemptively(java.time.Duration.ofSeconds(20), () -> assertFalse(KnownBots.matches(hostile)));
        assertTimeoutPreemptively(
                java.time.Duration.ofSeconds(20), () -> assertEquals(200, status("{}", "archive ".repeat(7_000))));
    }

    // Helper review 92: an operator's rule with nested repetition is bounded (as nginx's regex
    // match limit bounds Kong's), and fails closed: a padded User-Agent is not let past a deny rule.
    @Test
    void anOperatorsCatastrophicRuleIsBoundedAndFailsClosed() throws Exception {
        String hostile = "a".repeat(8_000) + "!";
        assertTimeoutPreemptively(
                java.time.Duration.ofSeconds(10), () -> assertEquals(403, status("{deny: ['(a+)+$']}", hostile)));
        assertTimeoutPreemptively(
                java.time.Duration.ofSeconds(10),
                () -> assertEquals(200, status("{allow: ['(a+)+$']}", hostile)),
                "not allowed by it either, nor a bot");
        assertEquals(200, status("{deny: ['(a+)+$']}", "Mozilla/5.0 aaaa!"), "an ordinary agent is judged");
    }
}
