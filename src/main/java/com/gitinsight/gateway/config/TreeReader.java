package com.gitinsight.gateway.config;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads YAML or JSON with Jackson's streaming parser into a {@link Node} tree with locations.
 * JSON is valid YAML, but the JSON parser gives better messages for JSON files.
 */
final class TreeReader {

    private final JsonFactory yaml = new YAMLFactory();
    private final JsonFactory json = new JsonFactory();

    Node read(String text, boolean asJson) throws ConfigException.Syntax {
        JsonFactory factory = asJson ? json : yaml;
        try (JsonParser parser = factory.createParser(text)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                return new Node.MapNode(new Node.Location(1, 1), new LinkedHashMap<>());
            }
            Node root = readValue(parser);
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

    private Node readValue(JsonParser p) throws IOException {
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
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            Node.Location keyAt = location(p.currentTokenLocation());
            p.nextToken();
            Node value = readValue(p);
            if (entries.containsKey(key)) {
                throw new OwnError(
                        p,
                        "duplicate key '" + key + "' (first at "
                                + entries.get(key).keyLocation() + ")");
            }
            entries.put(key, new Node.Entry(keyAt, value));
        }
        return new Node.MapNode(at, entries);
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
