import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;

/**
 * Stand-ins for GitInsight's backends, for `scripts/run.sh --demo`: two python-api instances, one
 * go-api and one auth-service on free loopback ports. Each answers JSON naming itself and echoing
 * what the gateway sent. Writes a gateway configuration that uses them to the path given.
 * Run with: java scripts/demo/DemoBackends.java OUTPUT.yml
 */
public class DemoBackends {

    public static void main(String[] args) throws Exception {
        // Without it the JDK server's header and body writes meet the client's delayed ACK: ~40 ms a request.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        Path output = Path.of(args[0]);
        List<String> python = new ArrayList<>();
        for (int i = 1; i <= 2; i++) {
            python.add("127.0.0.1:" + start("python-api-" + i));
        }
        String go = "127.0.0.1:" + start("go-api-1");
        String auth = "127.0.0.1:" + start("auth-service-1");
        String yaml = """
                # Written by scripts/run.sh --demo: GitInsight's routes in front of local stand-ins.
                _format_version: "3.0"
                upstreams:
                  - name: python-api
                    algorithm: round-robin
                    healthchecks:
                      active:
                        http_path: /health
                        healthy: {interval: 5, successes: 1}
                        unhealthy: {interval: 2, tcp_failures: 2, http_failures: 2}
                    targets:
                      - {target: "%s", max_fails: 3, fail_timeout: 10}
                      - {target: "%s", max_fails: 3, fail_timeout: 10}
                  - name: go-api
                    targets:
                      - target: %s
                services:
                  - name: python-api
                    url: http://python-api
                    retries: 2
                  - name: go-api
                    url: http://go-api
                  - name: auth-service
                    url: http://%s
                routes:
                  - name: repositories-route
                    service: python-api
                    strip_path: false
                    paths: [/api/v1/repositories, /api/v1/analysis, /api/v1/ai]
                    plugins:
                      - name: jwt
                        config: {key_claim_name: kid, claims_to_verify: [exp]}
                      - name: cors
                        config:
                          origins: ["https://gitinsight.com", "https://app.gitinsight.com"]
                          headers: [Accept, Authorization, Content-Type, X-Requested-With]
                  - name: fast-routes
                    service: go-api
                    strip_path: false
                    paths: [/api/v1/fast, /api/v1/stream]
                    plugins:
                      - name: response-caching
                        config: {content_type: [application/json], cache_ttl: 300}
                  - name: health-route
                    service: go-api
                    strip_path: false
                    paths: [/health, /metrics]
                  - name: auth-routes
                    service: auth-service
                    strip_path: false
                    paths: [/api/v1/auth]
                consumers:
                  - username: web-frontend
                    custom_id: web-frontend
                    jwt_secrets:
                      - {key: web-frontend-key, secret: "{vault://env/GATEWAY_JWT_SECRET_WEB_FRONTEND}"}
                  - username: mobile-app
                    custom_id: mobile-app
                    jwt_secrets:
                      - {key: mobile-app-key, secret: "{vault://env/GATEWAY_JWT_SECRET_MOBILE_APP}"}
                plugins:
                  - name: request-id
                  - name: prometheus
                    config: {status_code_metrics: true, latency_metrics: true, bandwidth_metrics: true}
                  - name: security-headers
                  - name: circuit-breaker
                    config: {failure_threshold: 3, open_seconds: 30}
                """.formatted(python.get(0), python.get(1), go, auth);
        Files.writeString(output, yaml);
        System.out.println("demo backends ready: python-api " + python + ", go-api " + go + ", auth-service " + auth);
        Thread.currentThread().join();
    }

    private static int start(String name) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> answer(name, exchange));
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.start();
        return server.getAddress().getPort();
    }

    private static void answer(String name, HttpExchange ex) throws IOException {
        if (name.startsWith("go-api") && ex.getRequestURI().getPath().startsWith("/api/v1/stream/events")) {
            events(ex);
            return;
        }
        byte[] requestBody = ex.getRequestBody().readAllBytes();
        String body = "{\"service\":\"" + name.substring(0, name.lastIndexOf('-')) + "\",\"instance\":\"" + name
                + "\",\"method\":\"" + ex.getRequestMethod() + "\",\"uri\":\"" + ex.getRequestURI().toString().replace("\"", "%22")
                + "\",\"request_bytes\":" + requestBody.length
                + ",\"x_forwarded_for\":\"" + String.valueOf(ex.getRequestHeaders().getFirst("X-Forwarded-For")) + "\"}\n";
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** A live stream of made-up analysis events (server-sent events), one a second, for 2 minutes. */
    private static void events(HttpExchange ex) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "text/event-stream");
        ex.getResponseHeaders().set("Cache-Control", "no-cache");
        ex.sendResponseHeaders(200, 0);
        String[] stages = {"queued", "cloning", "parsing", "scoring", "insights", "completed"};
        try (OutputStream out = ex.getResponseBody()) {
            for (int i = 0; i < 120; i++) {
                String event = "event: analysis\nid: " + i + "\ndata: {\"repository_id\":42,\"stage\":\"" + stages[i % stages.length]
                        + "\",\"at\":\"" + java.time.Instant.now() + "\"}\n\n";
                out.write(event.getBytes(StandardCharsets.UTF_8));
                out.flush();
                Thread.sleep(1000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // The client went away.
        }
    }
}
