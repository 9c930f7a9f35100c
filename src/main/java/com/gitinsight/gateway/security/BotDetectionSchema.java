package com.gitinsight.gateway.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.gitinsight.gateway.config.PluginConfig;
import com.gitinsight.gateway.config.PluginFields;
import com.gitinsight.gateway.config.PluginHandler;
import com.gitinsight.gateway.config.PluginSchema;
import com.gitinsight.gateway.config.PluginSpec;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Kong's {@code bot-detection}: {@code allow} and {@code deny} regexes on {@code User-Agent}, then
 * Kong's built-in list of bots ({@link KnownBots}). Every regex is compiled here, once, at load;
 * verdicts are kept per configuration for up to 10,000 user agents, as Kong's LRU does.
 */
public final class BotDetectionSchema implements PluginSchema {

    public static final String NAME = "bot-detection";

    /** What a user agent is: allowed by a rule, denied by one, a known bot, or nothing known. */
    enum Verdict {
        ALLOW,
        DENY,
        BOT,
        NONE;

        boolean refused() {
            return this == DENY || this == BOT;
        }
    }

    /**
     * Longest user agent whose verdict is kept: a client can send a new long one on every request,
     * and 10,000 of them must not fill the heap. Longer ones are judged each time.
     */
    static final int CACHED_AGENT_CHARS = 256;

    public record Config(List<Pattern> allow, List<Pattern> deny, Cache<String, Verdict> verdicts)
            implements PluginConfig {
        public Config {
            allow = List.copyOf(allow);
            deny = List.copyOf(deny);
        }

        Config(List<Pattern> allow, List<Pattern> deny) {
            // At most ~3 MB per plugin (10,000 agents of 256 characters); upkeep on the caller's thread.
            this(
                    allow,
                    deny,
                    Caffeine.newBuilder()
                            .maximumSize(10_000)
                            .executor(Runnable::run)
                            .build());
        }

        /** Kong's order: an allow rule wins over everything, then deny, then the built-in bots. */
        Verdict judge(String userAgent) {
            if (userAgent.length() > CACHED_AGENT_CHARS) {
                return examine(userAgent);
            }
            Verdict known = verdicts.getIfPresent(userAgent);
            if (known == null) {
                known = examine(userAgent);
                verdicts.put(userAgent, known);
            }
            return known;
        }

        private Verdict examine(String raw) {
            String agent = raw.strip();
            // Fails closed past the match budget: not allowed, and denied (a client padding its
            // User-Agent must not slip past a deny rule that takes too long to decide).
            if (matchesAny(allow, agent, false)) {
                return Verdict.ALLOW;
            }
            if (matchesAny(deny, agent, true)) {
                return Verdict.DENY;
            }
            return KnownBots.matches(agent) ? Verdict.BOT : Verdict.NONE;
        }

        private static boolean matchesAny(List<Pattern> patterns, String agent, boolean unknownMatches) {
            for (Pattern p : patterns) {
                // The operator's rules: bounded, as Kong's are by nginx's regex match limit.
                com.gitinsight.gateway.routing.MatchBudget.Result r =
                        com.gitinsight.gateway.routing.MatchBudget.find(p, agent);
                if (r == com.gitinsight.gateway.routing.MatchBudget.Result.FOUND
                        || r == com.gitinsight.gateway.routing.MatchBudget.Result.UNKNOWN && unknownMatches) {
                    return true;
                }
            }
            return false;
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    /** Kong's bot-detection handler.lua: early, before authentication. */
    @Override
    public int priority() {
        return 2500;
    }

    @Override
    public PluginHandler handler() {
        return PluginHandler.filter("com.gitinsight.gateway.security.BotDetectionFilter");
    }

    /** Kong's schema: {@code consumer = typedefs.no_consumer}. */
    @Override
    public Set<PluginSpec.Scope> scopes() {
        return EnumSet.of(PluginSpec.Scope.GLOBAL, PluginSpec.Scope.SERVICE, PluginSpec.Scope.ROUTE);
    }

    @Override
    public PluginConfig parse(PluginFields f) {
        f.allowOnly(Set.of("allow", "deny"), Set.of());
        return new Config(patterns(f, "allow"), patterns(f, "deny"));
    }

    /**
     * A user-agent regex as Kong's PCRE reads it (bytes, {@code "jo"}): {@code .} and {@code $}
     * stop at {@code \n} only ({@code UNIX_LINES}: Java's also stop at {@code \r} and
     * {@code \u0085}, the byte 0x85 of a UTF-8 'ą', so {@code BadBot.*Pro} missed
     * {@code BadBot ą Pro}; helper review 199), and {@code \b} {@code \B} are ASCII, as
     * {@code \w} is (JDK 17's {@code \b} takes 'é' for a word character).
     */
    static Pattern pcre(String javaRegex) {
        return Pattern.compile(asciiBoundaries(javaRegex), Pattern.UNIX_LINES);
    }

    /**
     * {@code regex} as the bytes Kong's PCRE matches (no {@code u} flag): each character beyond
     * ASCII as its UTF-8 bytes, one character per byte, as the filter reads the User-Agent
     * header. {@code deny: [Яндекс]} then matches the agent a client sends in UTF-8, as on Kong
     * (helper review 286: it matched nothing, and a Latin-1 byte matched {@code é}).
     */
    static String asBytes(String regex) {
        for (int i = 0; i < regex.length(); i++) {
            if (regex.charAt(i) >= 0x80) {
                try {
                    // A lone surrogate is refused, not made a '?' (a quantifier: attacker review 289).
                    java.nio.ByteBuffer bytes = java.nio.charset.StandardCharsets.UTF_8
                            .newEncoder()
                            .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                            .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                            .encode(java.nio.CharBuffer.wrap(regex));
                    return java.nio.charset.StandardCharsets.ISO_8859_1
                            .decode(bytes)
                            .toString();
                } catch (java.nio.charset.CharacterCodingException e) {
                    throw new PatternSyntaxException("not UTF-8 text", regex, i);
                }
            }
        }
        return regex;
    }

    private static final String WORD = "[A-Za-z0-9_]";
    private static final String BOUNDARY = "(?:(?<=" + WORD + ")(?!" + WORD + ")|(?<!" + WORD + ")(?=" + WORD + "))";
    private static final String NOT_BOUNDARY =
            "(?:(?<=" + WORD + ")(?=" + WORD + ")|(?<!" + WORD + ")(?!" + WORD + "))";

    /** {@code \b} and {@code \B} outside a character class, spelled with ASCII word characters. */
    static String asciiBoundaries(String regex) {
        if (regex.indexOf("\\b") < 0 && regex.indexOf("\\B") < 0) {
            return regex;
        }
        StringBuilder out = new StringBuilder(regex.length() + 64);
        int depth = 0; // inside [...] (Java nests classes)
        boolean quoted = false; // inside \Q...\E
        for (int i = 0; i < regex.length(); i++) {
            char c = regex.charAt(i);
            if (quoted) {
                out.append(c);
                if (c == '\\' && i + 1 < regex.length() && regex.charAt(i + 1) == 'E') {
                    out.append('E');
                    i++;
                    quoted = false;
                }
                continue;
            }
            if (c == '\\' && i + 1 < regex.length()) {
                char n = regex.charAt(i + 1);
                i++;
                if (n == 'Q') {
                    quoted = true;
                    out.append("\\Q");
                } else if (depth == 0 && n == 'b') {
                    out.append(BOUNDARY);
                } else if (depth == 0 && n == 'B') {
                    out.append(NOT_BOUNDARY);
                } else {
                    out.append(c).append(n);
                }
                continue;
            }
            if (c == '[') {
                depth++;
            } else if (c == ']' && depth > 0) {
                depth--;
            }
            out.append(c);
        }
        return out.toString();
    }

    private static List<Pattern> patterns(PluginFields f, String key) {
        List<Pattern> out = new ArrayList<>();
        for (String regex : f.strings(key, List.of())) {
            try {
                // PCRE's spellings Java lacks ([[:alpha:]], (?P<name>...)), as routes read them.
                out.add(pcre(com.gitinsight.gateway.config.RoutePaths.pcreRegex(asBytes(regex))));
            } catch (PatternSyntaxException e) {
                f.error(key, "not a valid regex: " + regex);
            }
        }
        return out;
    }
}
