package com.gitinsight.gateway.messaging;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** cache-eviction's jndi: names: the server's own, never a URL of another host (attacker review 148). */
class JndiNamesTest {

    @Test
    void onlyNamesTheServerDefinesAreLookedUp() {
        assertTrue(CacheEvictionSchema.localJndiName("java:/ConnectionFactory"));
        assertTrue(CacheEvictionSchema.localJndiName("java:comp/env/jms/cf"));
        assertTrue(CacheEvictionSchema.localJndiName("jms/ConnectionFactory"));
        for (String url : new String[] {
            "rmi://attacker:1099/x", "ldap://attacker/cn=x", "ldaps://a/x", "iiop://a/x", "dns:a", "corbaname:x", ""
        }) {
            assertFalse(CacheEvictionSchema.localJndiName(url), url);
        }
    }
}
