package com.gitinsight.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.gitinsight.gateway.config.PluginRegistry;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The plugin filters run in Kong's order: each Kong plugin at the priority of its Kong
 * {@code handler.lua}, GitInsight's plugins where they always ran, the infrastructure filters at
 * their fixed places. Fails when the chain web.xml makes differs from Kong's order.
 */
class PluginOrderTest {

    /** The {@code PRIORITY} of each Kong plugin the gateway implements, from its Kong handler.lua. */
    static final Map<String, Integer> KONG = Map.ofEntries(
            Map.entry("bot-detection", 2500),
            Map.entry("cors", 2000),
            Map.entry("jwt", 1450),
            Map.entry("key-auth", 1250),
            Map.entry("basic-auth", 1100),
            Map.entry("ip-restriction", 990),
            Map.entry("request-size-limiting", 951),
            Map.entry("acl", 950),
            Map.entry("rate-limiting", 910),
            Map.entry("request-transformer", 801),
            Map.entry("response-transformer", 800),
            Map.entry("proxy-cache", 100),
            Map.entry("opentelemetry", 14),
            Map.entry("prometheus", 13),
            Map.entry("http-log", 12),
            Map.entry("file-log", 9),
            Map.entry("request-termination", 2),
            Map.entry("correlation-id", 1));

    private static final PluginRegistry PLUGINS = PluginRegistry.builtIn();

    /** The chain as it must run: Kong's plugins by their priorities, ours and the infrastructure in place. */
    private static final List<String> EXPECTED = List.of(
            "observability.ObserveFilter", // outermost: measures everything
            // Kong's log phase sees every answer, by descending priority: the inner one logs first.
            "logging.FileLogFilter", // file-log 9: logs last, with the custom fields http-log set
            "logging.HttpLogFilter", // http-log 12
            "tracing.TracingFilter", // opentelemetry 14: its root span covers every plugin, ends first
            "observability.RequestIdFilter", // request-id 1000001: every refusal carries the id
            "security.SecurityHeadersFilter", // security-headers 500000
            "proxy.HeaderLimitFilter", // right after the security headers
            // response-transformer's response phase: on every answer, an earlier plugin's refusal included
            "transform.ResponseTransformerPhase",
            "security.CorsPhase", // cors's response phase: a bot-detection refusal, a global instance's 404
            "security.BotDetectionFilter", // bot-detection 2500
            "security.CorsFilter", // cors 2000
            "security.JwtFilter", // jwt 1450
            "security.KeyAuthFilter", // key-auth 1250
            "security.BasicAuthFilter", // basic-auth 1100
            "security.HmacAuthFilter", // hmac-auth 1030
            "security.IpRestrictionFilter", // ip-restriction 990
            "security.RequestSizeFilter", // request-size-limiting 951
            "security.AclFilter", // acl 950
            "ratelimit.RateLimitFilter", // rate-limiting 910
            "ratelimit.RequestRateFilter", // request-rate 905
            "transform.RequestTransformerFilter", // request-transformer 801
            "transform.ResponseTransformerFilter", // response-transformer 800
            "cache.ProxyCacheFilter", // proxy-cache 100
            "tracing.TraceAccessFilter", // opentelemetry's access phase, 14: the log's trace_id from here
            "termination.RequestTerminationFilter", // request-termination 2
            "observability.CorrelationIdFilter", // correlation-id 1
            "proxy.WebSocketFilter"); // innermost: the handshake's proxy

    /** The filter classes PluginFilters makes: web.xml's infrastructure filters and every plugin's handler. */
    static List<String> webXmlFilters() throws Exception {
        String xml = Files.readString(Path.of("webapp/WEB-INF/web.xml"));
        int start = xml.indexOf("<param-name>filters</param-name>");
        String value = xml.substring(
                xml.indexOf("<param-value>", start) + "<param-value>".length(), xml.indexOf("</param-value>", start));
        return new ArrayList<>(PluginFilters.filterClasses(value.replaceAll("(?s)<!--.*?-->", " "), PLUGINS));
    }

    private static List<HttpFilter> make(List<String> classes) throws Exception {
        List<HttpFilter> out = new ArrayList<>();
        for (String c : classes) {
            out.add((HttpFilter) Class.forName(c).getDeclaredConstructor().newInstance());
        }
        return out;
    }

    private static List<String> names(List<HttpFilter> filters) {
        return filters.stream()
                .map(f -> f.getClass().getName().substring("com.gitinsight.gateway.".length()))
                .toList();
    }

    @Test
    void everyKongPluginHasThePriorityOfItsKongHandler() {
        KONG.forEach((plugin, priority) -> assertEquals(priority, PLUGINS.priority(plugin), plugin));
        assertEquals(
                PLUGINS.priority("proxy-cache"),
                PLUGINS.priority("response-caching"),
                "the seed's name for proxy-cache");
    }

    @Test
    void gitInsightsPluginsArePlacedWhereTheyRun() {
        int highestKong = Collections.max(KONG.values());
        assertTrue(PLUGINS.priority("request-id") > PLUGINS.priority("security-headers"));
        assertTrue(PLUGINS.priority("security-headers") > highestKong, "security headers on every plugin's refusal");
        assertTrue(PLUGINS.priority("request-rate") < PLUGINS.priority("rate-limiting"));
        assertTrue(PLUGINS.priority("request-rate") > PLUGINS.priority("proxy-cache"), "a cache hit is counted");
        for (String proxySide : List.of("circuit-breaker", "bulkhead")) {
            assertTrue(PLUGINS.priority(proxySide) < KONG.get("correlation-id"), proxySide + " acts in the proxy");
        }
        for (String plugin : PLUGINS.names()) {
            PLUGINS.priority(plugin); // every registered plugin says where it runs
        }
    }

    @Test
    void theChainRunsInKongsOrder() throws Exception {
        List<String> listed = webXmlFilters();
        assertEquals(EXPECTED, names(PluginFilters.ordered(make(listed), PLUGINS)));
    }

    /** The example: a denied address without a token gets jwt's 401 before ip-restriction's 403. */
    @Test
    void authenticationRunsBeforeIpRestriction() throws Exception {
        List<String> chain = names(PluginFilters.ordered(make(webXmlFilters()), PLUGINS));
        assertTrue(
                chain.indexOf("security.JwtFilter") < chain.indexOf("security.IpRestrictionFilter"), chain.toString());
        assertTrue(
                chain.indexOf("security.CorsFilter") < chain.indexOf("security.JwtFilter"), "preflights before auth");
    }

    @Test
    void theListingInWebXmlDoesNotDecideTheOrder() throws Exception {
        List<String> listed = new ArrayList<>(webXmlFilters());
        Collections.reverse(listed);
        assertEquals(EXPECTED, names(PluginFilters.ordered(make(listed), PLUGINS)));
        Random random = new Random(7);
        for (int i = 0; i < 20; i++) {
            Collections.shuffle(listed, random);
            assertEquals(EXPECTED, names(PluginFilters.ordered(make(listed), PLUGINS)), listed.toString());
        }
    }

    @Test
    void aFilterThatDoesNotSayWhereItRunsIsRefused() {
        HttpFilter placeless = new HttpFilter() {
            private static final long serialVersionUID = 1L;

            @Override
            protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain) {}
        };
        assertThrows(ServletException.class, () -> PluginFilters.ordered(List.of(placeless), PLUGINS));
    }
}
