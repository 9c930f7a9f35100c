package com.gitinsight.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.gitinsight.gateway.config.PluginHandler;
import com.gitinsight.gateway.config.PluginRegistry;
import com.gitinsight.gateway.config.PluginSchema;
import com.gitinsight.gateway.messaging.EvictionListener;
import com.gitinsight.gateway.runtime.ChainOrder;
import com.gitinsight.gateway.runtime.PluginFilter;
import com.gitinsight.gateway.upstream.ServiceGuards;
import jakarta.servlet.http.HttpFilter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A plugin is one unit: every plugin the parser accepts names its handler, and that handler is
 * run (a plugin filter by PluginFilters, the guards by ServiceGuards, cache-eviction by the
 * eviction listener). Fails when a plugin is accepted and would silently do nothing.
 */
class PluginUnitsTest {

    private static String infrastructure() throws Exception {
        String webXml = Files.readString(Path.of("webapp/WEB-INF/web.xml"));
        Matcher m = Pattern.compile(
                        "<param-name>filters</param-name>\\s*<param-value>(.*?)</param-value>", Pattern.DOTALL)
                .matcher(webXml);
        assertTrue(m.find(), "web.xml names the infrastructure filters");
        return m.group(1).replaceAll("(?s)<!--.*?-->", " ");
    }

    @Test
    void everyAcceptedPluginIsRunByItsHandler() throws Exception {
        PluginRegistry plugins = PluginRegistry.builtIn();
        assertFalse(plugins.schemas().isEmpty());
        Set<String> chain = PluginFilters.filterClasses(infrastructure(), plugins);
        for (PluginSchema schema : plugins.schemas()) {
            PluginHandler handler = schema.handler();
            Class<?> type = Class.forName(handler.className());
            switch (handler.phase()) {
                case REQUEST -> {
                    assertTrue(HttpFilter.class.isAssignableFrom(type), schema.name() + ": a filter");
                    assertTrue(ChainOrder.class.isAssignableFrom(type), schema.name() + ": says where it runs");
                    assertTrue(chain.contains(type.getName()), schema.name() + ": its filter runs");
                    if (PluginFilter.class.isAssignableFrom(type)) {
                        PluginFilter<?> filter =
                                (PluginFilter<?>) type.getDeclaredConstructor().newInstance();
                        assertEquals(
                                schema.storedAs(), filter.plugin(), schema.name() + ": the filter runs this plugin");
                    }
                }
                case UPSTREAM -> {
                    assertEquals(ServiceGuards.class, type, schema.name());
                    assertTrue(
                            ServiceGuards.PLUGINS.contains(schema.storedAs()), schema.name() + ": the guards apply it");
                }
                case EVENTS -> assertEquals(EvictionListener.class, type, schema.name());
            }
        }
    }

    @Test
    void theChainRunsEachFilterOnceAndOnlyInfrastructureIsListedInWebXml() throws Exception {
        Set<String> listed = PluginFilters.filterClasses(infrastructure(), new PluginRegistry(java.util.List.of()));
        for (PluginSchema schema : PluginRegistry.builtIn().schemas()) {
            String handler = schema.handler().className();
            if (PluginFilter.class.isAssignableFrom(Class.forName(handler))) {
                assertFalse(listed.contains(handler), handler + " is found through its schema, not listed");
            }
        }
    }
}
