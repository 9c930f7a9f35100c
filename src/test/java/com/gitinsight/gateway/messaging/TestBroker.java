package com.gitinsight.gateway.messaging;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.qpid.server.SystemLauncher;

/**
 * The AMQP 0-9-1 broker for the messaging tests: RabbitMQ at 127.0.0.1:5672 (guest/guest) when it
 * answers, else an embedded Qpid Broker-J on a free port (in memory), started once per JVM. Each
 * run says which it used. {@code -Dgateway.test.broker=embedded} forces the embedded one.
 */
public final class TestBroker {

    private static Broker broker;

    private record Broker(String name, int port, String vhost) {}

    private TestBroker() {}

    public static synchronized int port() {
        return broker().port();
    }

    /** The path part of an AMQP URL for this broker's virtual host. */
    public static synchronized String vhost() {
        return broker().vhost();
    }

    public static String url(int port) {
        return "amqp://guest:guest@127.0.0.1:" + port + "/" + vhost();
    }

    private static Broker broker() {
        if (broker == null) {
            broker = !"embedded".equals(System.getProperty("gateway.test.broker")) && rabbitMqRunning()
                    ? new Broker("RabbitMQ at 127.0.0.1:5672", 5672, "%2F")
                    : embedded();
            System.out.println("[messaging tests] broker: " + broker.name());
        }
        return broker;
    }

    private static boolean rabbitMqRunning() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", 5672), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static Broker embedded() {
        try {
            int port;
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
            Path work = Files.createTempDirectory("qpid");
            Path config = work.resolve("config.json");
            Files.writeString(config, """
                    {
                      "name": "embedded",
                      "modelVersion": "9.0",
                      "authenticationproviders": [{
                        "name": "plain", "type": "Plain", "secureOnlyMechanisms": [],
                        "users": [{"name": "guest", "password": "guest", "type": "managed"}]
                      }],
                      "ports": [{
                        "name": "AMQP", "port": "%d", "bindingAddress": "127.0.0.1",
                        "authenticationProvider": "plain", "protocols": ["AMQP_0_9_1"],
                        "virtualhostaliases": [{"name": "nameAlias", "type": "nameAlias"},
                                               {"name": "defaultAlias", "type": "defaultAlias"}]
                      }],
                      "virtualhostnodes": [{
                        "name": "default", "type": "Memory", "defaultVirtualHostNode": "true",
                        "virtualHostInitialConfiguration": "{\\"type\\": \\"Memory\\"}"
                      }]
                    }
                    """.formatted(port), StandardCharsets.UTF_8);
            Map<String, Object> attributes = new HashMap<>();
            attributes.put("type", "Memory");
            attributes.put("initialConfigurationLocation", config.toUri().toString());
            attributes.put("startupLoggedToSystemOut", false);
            attributes.put("qpid.work_dir", work.toString());
            System.setProperty("qpid.work_dir", work.toString());
            SystemLauncher launcher = new SystemLauncher();
            launcher.startup(attributes);
            Runtime.getRuntime().addShutdownHook(new Thread(launcher::shutdown));
            return new Broker(
                    "embedded Qpid Broker-J 10.1.0 on 127.0.0.1:" + port + " (no RabbitMQ at 127.0.0.1:5672)",
                    port,
                    "default");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException("the embedded AMQP broker did not start: " + e, e);
        }
    }
}
