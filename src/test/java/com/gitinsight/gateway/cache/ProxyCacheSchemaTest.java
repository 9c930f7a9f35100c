package com.gitinsight.gateway.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.gitinsight.gateway.config.ConfigException;
import com.gitinsight.gateway.config.GatewayConfig;
import com.gitinsight.gateway.config.KongConfigParser;
import com.gitinsight.gateway.config.PluginRegistry;
import org.junit.jupiter.api.Test;

class ProxyCachePluginTest {

    private final KongConfigParser parser = new KongConfigParser(PluginRegistry.builtIn());

    private ProxyCacheSchema.Config parse(String config) throws Exception {
        GatewayConfig parsed = parser.parse("t.yml", """
                _format_version: "3.0"
                plugins:
                  - name: proxy-cache
                    config: %s
                """.formatted(config));
        return (ProxyCacheSchema.Config) parsed.plugins().get(0).config();
    }

    @Test
    void entriesAreTheUsersUnlessTheRouteSharesThemAcrossAConsumer() throws Exception {
        assertEquals(ProxyCacheSchema.VaryIdentity.SUBJECT, parse("{}").varyIdentity());
        assertEquals(
                ProxyCacheSchema.VaryIdentity.SUBJECT,
                parse("{vary_identity: subject}").varyIdentity());
        assertEquals(
                ProxyCacheSchema.VaryIdentity.CONSUMER,
                parse("{vary_identity: consumer}").varyIdentity());
        ConfigException e = assertThrows(ConfigException.class, () -> parse("{vary_identity: user}"));
        assertTrue(e.getMessage().contains("vary_identity"), e.getMessage());
    }
}
