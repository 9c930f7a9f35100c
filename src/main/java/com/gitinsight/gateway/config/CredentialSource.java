package com.gitinsight.gateway.config;

import java.util.Collection;

/**
 * A plugin config that reads credentials from query arguments or headers of its choosing
 * (key-auth's key names, jwt's): no log record or span shows what a request carries under those
 * names, wherever the plugin is configured and whether or not it ran on that request (a key sent
 * to a path no route matched, or refused before authentication, is still a key).
 */
public interface CredentialSource {

    /** Query argument names a credential is read from (exact, as nginx compares them). */
    Collection<String> credentialArguments();

    /** Header names a credential is read from. */
    Collection<String> credentialHeaders();
}
