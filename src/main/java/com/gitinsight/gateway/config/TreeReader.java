package com.gitinsight.gateway.config;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.CollectionEndEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.MappingStartEvent;
import org.yaml.snakeyaml.events.NodeEvent;
import org.yaml.snakeyaml.events.SequenceStartEvent;

/**
 * Reads YAML or JSON with Jackson's streaming parser into a {@link Node} tree with locations.
 * JSON is valid YAML, but the JSON parser gives better messages for JSON files.
 *
 * <p>YAML's anchors, aliases and merge keys ({@code <<}) are resolved as Kong's YAML loader (lyaml)
 * resolves them: an alias is the anchored value itself (Jackson's parser hands it over as a string
 * holding the anchor's name, which read as a value would send a service to a host named after
 * the anchor); a merge adds the keys a mapping does not give itself, the first of a list of
 * merged mappings winning. What aliases expand to is bounded (a few lines of nested aliases can
 * stand for billions of values).
 */
final class TreeReader {

    /** Values a document may stand for once its aliases are expanded. */
    static final int MAX_EXPANDED_VALUES = 1_000_000;

    /**
     * Values a document's aliases may add to it: enough to share plugin configurations across
     * thousands of routes; a kilobyte of nested aliases standing for a million values was accepted
     * and every admin read then copied, redacted and wrote the million (helper review 189: 8.8 MB
     * per read, OutOfMemoryError under 16 of them).
     */
    static final int MAX_ALIAS_VALUES = 200_000;

    private static final String MERGE = "<<";
    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(TreeReader.class.getName());

    private final JsonFactory yaml = new YAMLFactory();
    private final JsonFactory json = new JsonFactory();

    Node read(String text, boolean asJson) throws ConfigException.Syntax {
        JsonFactory factory = asJson ? json : yaml;
        try (JsonParser parser = factory.createParser(text)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                return new Node.MapNode(new Node.Location(1, 1), new LinkedHashMap<>());
            }
            Node root = new Reading(!asJson, asJson ? Anchors.NONE : anchorsAt(text), text).readValue(parser);
            if (!asJson) {
                // Kong reads a YAML file's first document only (lyaml's load): a file with more,
                // or a trailing "---", loads there (helper review 256), so here too, said once.
                if (parser.nextToken() != null) {
                    LOG.warning("the configuration has more than one YAML document: only the first is read,"
                            + " as Kong reads it (line "
                            + parser.currentTokenLocation().getLineNr() + " on is ignored)");
                }
                return root;
            }
            if (parser.nextToken() != null) {
                throw new ConfigException.Syntax(
                        location(parser.currentTokenLocation()), "unexpected content after the end of the document");
            }
            return root;
        } catch (JsonParseException e) {
            JsonLocation loc = e.getLocation();
            throw new ConfigException.Syntax(
                    loc == null ? new Node.Location(0, 0) : location(loc),
                    e instanceof OwnError ? e.getOriginalMessage() : ParseErrors.describe(e));
        } catch (IOException e) {
            throw new ConfigException.Syntax(
                    new Node.Location(0, 0),
                    e instanceof com.fasterxml.jackson.core.JsonProcessingException j
                            ? ParseErrors.describe(j)
                            : e.getMessage());
        }
    }

    /**
     * Where each anchor of the text is defined. Jackson's parser shows an anchor on a mapping's
     * value as none at all, so SnakeYAML's events (the parser Jackson itself runs on) are read
     * first: both place a value at its event's start. A text SnakeYAML cannot parse has none here;
     * Jackson's pass then reports its syntax error.
     */
    private static Anchors anchorsAt(String text) {
        if (text.indexOf('&') < 0) {
            return Anchors.NONE;
        }
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(Integer.MAX_VALUE); // the text is bounded where it is read
        Map<Node.Location, String> values = new HashMap<>();
        Map<Node.Location, String> keys = new HashMap<>();
        // Each open collection: whether a mapping, and how many nodes it holds so far (in a mapping,
        // an even count means the next node is a key).
        java.util.ArrayDeque<int[]> open = new java.util.ArrayDeque<>();
        try {
            for (Event e : new Yaml(options).parse(new StringReader(text))) {
                if (e instanceof CollectionEndEvent) {
                    open.pop();
                    continue;
                }
                if (!(e instanceof NodeEvent n)) {
                    continue;
                }
                int[] parent = open.peek();
                boolean key = parent != null && parent[0] == 1 && parent[1] % 2 == 0;
                if (parent != null) {
                    parent[1]++;
                }
                if (n.getAnchor() != null && !(e instanceof AliasEvent)) {
                    // A mapping and its first key start at one place: an anchor on the key is the key's.
                    Node.Location at = new Node.Location(
                            e.getStartMark().getLine() + 1, e.getStartMark().getColumn() + 1);
                    (key ? keys : values).put(at, n.getAnchor());
                }
                if (e instanceof MappingStartEvent) {
                    open.push(new int[] {1, 0});
                } else if (e instanceof SequenceStartEvent) {
                    open.push(new int[] {0, 0});
                }
            }
        } catch (YAMLException e) {
            return Anchors.NONE;
        }
        return new Anchors(values, keys);
    }

    /** Where anchors are defined: on values, and on mapping keys (lyaml anchors a key's text too). */
    private record Anchors(Map<Node.Location, String> values, Map<Node.Location, String> keys) {
        static final Anchors NONE = new Anchors(Map.of(), Map.of());
    }

    /** One document's reading: its anchors, and how many values it stands for so far. */
    private static final class Reading {
        private final boolean yaml;
        private final Anchors anchorsAt;
        private final String text;
        /** Whether the text has characters beyond the BMP (its code points and chars then differ). */
        private final boolean surrogates;
        /** The last key's offset, in code points and in chars (a text with surrogates only). */
        private long pointsRead;

        private int charsRead;
        private final Map<String, Anchored> anchors = new HashMap<>();
        private long values;
        private long aliasValues;

        Reading(boolean yaml, Anchors anchorsAt, String text) {
            this.yaml = yaml;
            this.anchorsAt = anchorsAt;
            this.text = text;
            this.surrogates = yaml && text.chars().anyMatch(c -> Character.isSurrogate((char) c));
        }

        /**
         * Whether a YAML key is text to lyaml ({@link YamlKeys}). The parser's offset counts code
         * points (SnakeYAML's marks): turned into the text's char index, walking on from the last
         * key's, as keys come in the text's order.
         */
        private boolean textKey(String key, JsonLocation at) {
            long offset = at.getCharOffset();
            if (!yaml || offset < 0) {
                return true;
            }
            int index;
            if (!surrogates) {
                index = offset < text.length() ? (int) offset : -1;
            } else {
                if (offset < pointsRead) {
                    pointsRead = 0;
                    charsRead = 0;
                }
                try {
                    charsRead = text.offsetByCodePoints(charsRead, (int) (offset - pointsRead));
                    pointsRead = offset;
                } catch (IndexOutOfBoundsException e) {
                    pointsRead = 0;
                    charsRead = 0;
                    return true;
                }
                index = charsRead;
            }
            return YamlKeys.isText(text, index, key);
        }

        private record Anchored(Node node, long values) {}

        Node readValue(JsonParser p) throws IOException {
            if (yaml && ((YAMLParser) p).isCurrentAlias()) {
                Anchored anchored = anchors.get(p.getText());
                if (anchored == null) {
                    // An alias to an anchor still being read (a cycle) or never defined.
                    throw new OwnError(p, "invalid reference: *" + p.getText());
                }
                values += anchored.values();
                aliasValues += anchored.values();
                if (aliasValues > MAX_ALIAS_VALUES) {
                    throw new OwnError(p, "the document's aliases expand to more than " + MAX_ALIAS_VALUES + " values");
                }
                if (values > MAX_EXPANDED_VALUES) {
                    throw new OwnError(
                            p, "the document's aliases expand to more than " + MAX_EXPANDED_VALUES + " values");
                }
                return anchored.node();
            }
            String anchor = anchorsAt.values().get(location(p.currentTokenLocation()));
            long before = values;
            Node value = readOwn(p);
            values++;
            if (anchor != null) {
                anchors.put(anchor, new Anchored(value, values - before));
            }
            return value;
        }

        private Node readOwn(JsonParser p) throws IOException {
            Node.Location at = location(p.currentTokenLocation());
            JsonToken token = p.currentToken();
            switch (token) {
                case START_OBJECT:
                    return readMap(p, at);
                case START_ARRAY:
                    List<Node> items = new ArrayList<>();
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        items.add(readValue(p));
                    }
                    return new Node.ListNode(at, items);
                case VALUE_STRING:
                    return new Node.ScalarNode(at, p.getText());
                case VALUE_NUMBER_INT:
                    return new Node.ScalarNode(at, p.getLongValue());
                case VALUE_NUMBER_FLOAT:
                    return new Node.ScalarNode(at, p.getDoubleValue());
                case VALUE_TRUE:
                    return new Node.ScalarNode(at, Boolean.TRUE);
                case VALUE_FALSE:
                    return new Node.ScalarNode(at, Boolean.FALSE);
                case VALUE_NULL:
                    return new Node.ScalarNode(at, null);
                default:
                    throw new OwnError(p, "unexpected token " + token);
            }
        }

        private Node readMap(JsonParser p, Node.Location at) throws IOException {
            Map<String, Node.Entry> entries = new LinkedHashMap<>();
            List<Node.MapNode> merged = new ArrayList<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                boolean textKey = textKey(key, p.currentTokenLocation());
                Node.Location keyAt = location(p.currentTokenLocation());
                String keyAnchor = anchorsAt.keys().get(keyAt);
                if (keyAnchor != null) {
                    values++;
                    anchors.put(keyAnchor, new Anchored(new Node.ScalarNode(keyAt, key), 1));
                }
                p.nextToken();
                Node value = readValue(p);
                if (yaml && MERGE.equals(key)) {
                    merged.addAll(mergedMaps(p, value));
                    continue;
                }
                if (entries.containsKey(key)) {
                    throw new OwnError(
                            p,
                            "duplicate key '" + key + "' (first at "
                                    + entries.get(key).keyLocation() + ")");
                }
                entries.put(key, new Node.Entry(keyAt, value, textKey));
            }
            // lyaml's merge: a key the mapping gives itself wins, then the first merged mapping's.
            for (Node.MapNode m : merged) {
                m.entries().forEach(entries::putIfAbsent);
            }
            return new Node.MapNode(at, entries);
        }

        /** A merge key's value: a mapping, or a list of mappings (lyaml's words for anything else). */
        private static List<Node.MapNode> mergedMaps(JsonParser p, Node value) throws OwnError {
            if (value instanceof Node.MapNode m) {
                return List.of(m);
            }
            if (value instanceof Node.ListNode l) {
                List<Node.MapNode> maps = new ArrayList<>();
                for (int i = 0; i < l.items().size(); i++) {
                    if (!(l.items().get(i) instanceof Node.MapNode m)) {
                        throw new OwnError(p, "invalid '<<' sequence element " + (i + 1));
                    }
                    maps.add(m);
                }
                return maps;
            }
            throw new OwnError(p, "invalid '<<' merge event: a merge key takes a mapping or a list of mappings");
        }
    }

    private static Node.Location location(JsonLocation loc) {
        return new Node.Location(loc.getLineNr(), loc.getColumnNr());
    }

    /** An error this reader words itself (a key's name, never a value): told as it is. */
    private static final class OwnError extends JsonParseException {
        private static final long serialVersionUID = 1L;

        OwnError(JsonParser p, String message) {
            super(p, message);
        }
    }
}
