package com.gitinsight.gateway.config;

import org.jose4j.keys.EcKeyUtil;
import org.jose4j.keys.RsaKeyUtil;

/** Checks a consumer's PEM public key at load, so a bad one is a config error, not a silent 401 later. */
final class PublicKeys {

    private PublicKeys() {}

    /** Why {@code pem} cannot verify {@code algorithm} tokens, or null when it can. */
    static String problem(String algorithm, String pem) {
        try {
            if (algorithm.startsWith("ES")) {
                new EcKeyUtil().fromPemEncoded(pem);
            } else {
                new RsaKeyUtil().fromPemEncoded(pem);
            }
            return null;
        } catch (Exception e) {
            String why = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
            // The key may come from a {vault://} reference: an error never shows the value itself.
            return why.contains(pem.strip()) ? e.getClass().getSimpleName() : why;
        }
    }
}
