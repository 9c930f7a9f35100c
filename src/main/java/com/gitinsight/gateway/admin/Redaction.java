package com.gitinsight.gateway.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.gitinsight.gateway.config.ConfigException;
import com.gitinsight.gateway.config.KongConfigParser;
import java.io.IOException;
import java.util.Set;

/**
 * Redaction as this gateway does it: the secret fields its parser's schema names, tokens keyed with
 * this install's key. Each version is read by its own fields, so a backup written before a secret
 * was rotated shows that old secret redacted too, not in clear.
 */
final class Redaction {

    private final KongConfigParser parser;
    private final java.util.function.UnaryOperator<String> nameOf;
    private final RedactionKey key;

    /** {@code file} names the configuration (its {@code .json} ending selects JSON). */
    Redaction(KongConfigParser parser, String file, RedactionKey key) {
        this(parser, text -> file, key);
    }

    /**
     * {@code nameOf} names a text as it is parsed (its {@code .json} ending selects JSON): in a
     * fleet, each stored document's own format, whatever this node's file is called.
     */
    Redaction(KongConfigParser parser, java.util.function.UnaryOperator<String> nameOf, RedactionKey key) {
        this.parser = parser;
        this.nameOf = nameOf;
        this.key = key;
    }

    /** The text with its secrets redacted (comments kept where that can be done safely). */
    String text(String text) throws AdminException {
        try {
            return of(text).redactedText();
        } catch (IOException e) {
            throw keyUnreadable(e);
        }
    }

    /** The last text's redacted tree: reads of one version (a console page makes hundreds) parse it once. */
    private record Redacted(String text, ObjectNode tree) {}

    private volatile Redacted last;

    /**
     * The parsed text with its secrets redacted (a copy: callers may edit it). Each read parsed
     * the whole file and keyed every secret again (attacker review 189: 1.2 s a read with 5,000
     * consumers, five reads per consumer on the console's page).
     */
    ObjectNode tree(String text) throws AdminException {
        Redacted cached = last;
        if (cached == null || !(cached.text() == text || cached.text().equals(text))) {
            cached = new Redacted(text, of(text).redactedTree());
            last = cached;
        }
        return cached.tree().deepCopy();
    }

    /** {@code text} with the tokens it holds replaced by the secrets of {@code base} they stand for. */
    String restore(String text, String base) throws AdminException {
        boolean tokens = Secrets.hasTokens(text) || Secrets.holdsWithheldComments(text);
        boolean references = text.contains("{vault://");
        if (!tokens && !references) {
            return text;
        }
        Set<String> fields;
        try {
            fields = parser.secretFields(nameOf.apply(text), text);
        } catch (ConfigException e) {
            throw unreadable(e.getMessage());
        }
        Secrets secrets = of(base);
        try {
            String restored = text;
            if (tokens) {
                restored = secrets.restore(text, fields);
                if (Secrets.valuesHoldTokens(restored)) {
                    // Never a token saved as the secret it stands for: whoever saw an export could use it.
                    throw unreadable("a redacted value was left where it could not be put back");
                }
            }
            if (references) {
                secrets.refuseMovedReferences(restored, fields);
            }
            return restored;
        } catch (Secrets.UnknownToken | Secrets.MisplacedToken e) {
            throw new AdminException(400, e.getMessage());
        } catch (JsonProcessingException e) {
            throw unreadable(com.gitinsight.gateway.config.ParseErrors.describe(e));
        } catch (IOException e) {
            throw keyUnreadable(e);
        }
    }

    /**
     * A text with redacted values that cannot be read as this configuration's format: its tokens
     * cannot be put back, and another parser (JSON takes tabs, YAML does not) must not take them
     * for the secrets.
     */
    private static AdminException unreadable(String why) {
        return new AdminException(
                400,
                "the configuration holds redacted values ({redacted:...}) and could not be read to put the"
                        + " secrets back (" + why + "); indent with spaces, or send the secrets themselves");
    }

    private Secrets of(String text) throws AdminException {
        try {
            return Secrets.of(text, parser.secretFields(nameOf.apply(text), text), key::token);
        } catch (ConfigException e) {
            throw AdminException.invalid(e);
        } catch (JsonProcessingException e) {
            throw new AdminException(
                    400, "malformed configuration: " + com.gitinsight.gateway.config.ParseErrors.describe(e));
        } catch (IOException e) {
            throw keyUnreadable(e);
        }
    }

    private static AdminException keyUnreadable(IOException e) {
        return new AdminException(500, "Cannot read or make the redaction key (" + e.getMessage() + ")");
    }
}
