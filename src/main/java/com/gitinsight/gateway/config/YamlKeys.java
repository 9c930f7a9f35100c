package com.gitinsight.gateway.config;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * Whether a YAML mapping key is text as lyaml, Kong's YAML loader, reads it: Kong's maps of strings
 * refuse a key it reads as a number, a boolean or null ("expected a string"), where Jackson hands
 * every key over as text. Read from the key's own token in the source: a quoted key, or one tagged
 * {@code !!str}, is text whatever it spells.
 */
final class YamlKeys {

    private YamlKeys() {}

    // lyaml's implicit resolvers (lyaml/implicit.lua): null, bool (YAML 1.1's yes/no/on/off too),
    // binary, octal and decimal (underscores anywhere after the sign), hexadecimal, sexagesimal
    // (and its float), inf and nan, and a float: Lua's tonumber of the token without underscores,
    // where it has a '.', 'e' or 'E'.
    private static final Pattern NULL_OR_BOOL = Pattern.compile(
            "~|null|Null|NULL|true|True|TRUE|false|False|FALSE|yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF");
    private static final Pattern INTEGER = Pattern.compile("[-+]?(0b_*[01][01_]+|_*[0-9][0-9_]*"
            + "|0x_*[0-9a-fA-F][0-9a-fA-F_]*|[0-9]+:[0-5]?[0-9][:0-9]*(\\.[0-9]+)?)");
    private static final Pattern INF_OR_NAN = Pattern.compile("[-+]?\\.(inf|Inf|INF)|\\.(nan|NaN|NAN)");
    private static final Pattern LUA_NUMBER = Pattern.compile("[-+]?(([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?"
            + "|0[xX]([0-9a-fA-F]+\\.?[0-9a-fA-F]*|\\.[0-9a-fA-F]+)([pP][-+]?[0-9]+)?)");
    private static final Set<String> TEXT_TAGS = Set.of("!!str", "!<tag:yaml.org,2002:str>");
    private static final Set<String> NON_TEXT_TAGS = Set.of(
            "!!int",
            "!!float",
            "!!bool",
            "!!null",
            "!<tag:yaml.org,2002:int>",
            "!<tag:yaml.org,2002:float>",
            "!<tag:yaml.org,2002:bool>",
            "!<tag:yaml.org,2002:null>");

    /** Whether the key {@code key}, whose token starts at {@code text[index]}, is text to lyaml. */
    static boolean isText(String text, int index, String key) {
        int i = index;
        // An anchor (&name) or a tag (!!int) may come before the key, in either order.
        for (int n = 0; n < 2 && i >= 0 && i < text.length(); n++) {
            char c = text.charAt(i);
            if (c != '&' && c != '!') {
                break;
            }
            int end = i;
            while (end < text.length() && !Character.isWhitespace(text.charAt(end))) {
                end++;
            }
            if (c == '!') {
                String tag = text.substring(i, end);
                return TEXT_TAGS.contains(tag) || !NON_TEXT_TAGS.contains(tag);
            }
            i = end;
            while (i < text.length() && (text.charAt(i) == ' ' || text.charAt(i) == '\t')) {
                i++;
            }
        }
        // A quoted key starts with its quote, so only a plain one is its own text here.
        return i < 0 || !text.startsWith(key, i) || !plainIsNotText(key);
    }

    /** Whether lyaml reads this plain scalar as a number, a boolean or null. */
    static boolean plainIsNotText(String s) {
        if (NULL_OR_BOOL.matcher(s).matches()
                || INTEGER.matcher(s).matches()
                || INF_OR_NAN.matcher(s).matches()) {
            return true;
        }
        boolean floatLike = s.indexOf('.') >= 0 || s.indexOf('e') >= 0 || s.indexOf('E') >= 0;
        return floatLike && LUA_NUMBER.matcher(s.replace("_", "")).matches();
    }
}
