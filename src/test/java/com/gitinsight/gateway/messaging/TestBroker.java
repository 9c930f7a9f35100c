package com.gitinsight.gateway.messaging;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import org.junit.jupiter.api.Assumptions;

/**
 * The AMQP 0-9-1 broker for the messaging tests: RabbitMQ at 127.0.0.1:5672 (guest/guest) when it
 * answers. Without one, the tests that need it are skipped with a loud message.
 */
public final class TestBroker {

    private TestBroker() {
    }

    public static int port() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", 5672), 1000);
            System.out.println("[messaging tests] broker: RabbitMQ at 127.0.0.1:5672");
            return 5672;
        } catch (IOException e) {
            String message = "[messaging tests] SKIPPED: no AMQP broker at 127.0.0.1:5672 (start RabbitMQ to run them)";
            System.err.println("*".repeat(message.length()) + "\n" + message + "\n" + "*".repeat(message.length()));
            Assumptions.abort(message);
            return -1;
        }
    }
}
