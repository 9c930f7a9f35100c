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
    private final String file;
    private final RedactionKey key;

    /** {@code file} names the configuration (its {@code .json} ending selects JSON). */
    Redaction(KongConfigParser parser, String file, RedactionKey key) {
        this.parser = parser;
        this.file = file;
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

    /** The parsed text with its secrets redacted. */
    ObjectNode tree(String text) throws AdminException {
        return of(text).redactedTree();
    }

    /** {@code text} with the tokens it holds replaced by the secrets of {@code base} they stand for. */
    String restore(String text, String base) throws AdminException {
        if (!Secrets.hasTokens(text)) {
            return text;
        }
        Set<String> fields;
        try {
            fields = parser.secretFields(file, text);
        } catch (ConfigException e) {
            return text; // not YAML: validation reports it, with its line
        }
        try {
            return of(base).restore(text, fields);
        } catch (Secrets.UnknownToken | Secrets.MisplacedToken e) {
            throw new AdminException(400, e.getMessage());
        } catch (IOException e) {
            throw keyUnreadable(e);
        }
    }

    private Secrets of(String text) throws AdminException {
        try {
            return Secrets.of(text, parser.secretFields(file, text), key::token);
        } catch (ConfigException e) {
            throw AdminException.invalid(e);
        } catch (JsonProcessingException e) {
            throw new AdminException(400, "malformed configuration: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw keyUnreadable(e);
        }
    }

    private static AdminException keyUnreadable(IOException e) {
        return new AdminException(500, "Cannot read or make the redaction key (" + e.getMessage() + ")");
    }
}
