package com.gitinsight.gateway.it;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;
import org.jboss.arquillian.container.spi.event.container.AfterUnDeploy;
import org.jboss.arquillian.container.spi.event.container.BeforeDeploy;
import org.jboss.arquillian.core.api.annotation.Observes;
import org.jboss.arquillian.core.spi.LoadableExtension;

/**
 * Makes each Arquillian deployment start after the last one's gateway has exited. Arquillian's
 * Payara Micro container stops a gateway with {@code Process.destroy()} and does not wait for it, so
 * the next test class's gateway could find the JMX port (one for the whole run) still held, exit at
 * once, and leave Arquillian waiting its whole startup timeout: a CI run lost four test classes that
 * way, 180 s each. Registered through {@code META-INF/services}.
 */
public final class StoppedGateways implements LoadableExtension {

    /** What marks a gateway Arquillian started: its deployment directory. */
    private static final String STARTED_BY_ARQUILLIAN = "arquillian-payara-micro";

    private static final Duration GRACE = Duration.ofSeconds(60);

    /** Payara Micro unpacks itself and the WAR (~200 MB) before it starts. */
    private static final long LOW_DISK = 1L << 30;

    @Override
    public void register(ExtensionBuilder builder) {
        builder.observer(Waiter.class);
    }

    /** The observer: public with a public constructor, as Arquillian makes it. */
    public static final class Waiter {

        public void afterUndeploy(@Observes AfterUnDeploy event) {
            awaitExit();
        }

        /**
         * Also after a failed deployment, which is never undeployed; then checks the JMX port, and says
         * when the disk is nearly full (Arquillian does not show why a gateway failed to start).
         */
        public void beforeDeploy(@Observes BeforeDeploy event) {
            awaitExit();
            awaitJmxPortFree();
            warnIfDiskNearlyFull();
        }
    }

    /** Waits for every gateway this JVM started to exit, killing one that has not within the grace. */
    static void awaitExit() {
        List<ProcessHandle> gateways = ProcessHandle.current()
                .children()
                .filter(p -> p.info().commandLine().orElse("").contains(STARTED_BY_ARQUILLIAN))
                .toList();
        for (ProcessHandle gateway : gateways) {
            // Read before it exits: then /proc has nothing of it.
            String[] args = gateway.info().commandLine().orElse("").split(" ");
            long started = System.nanoTime();
            gateway.destroy();
            boolean exited = exited(gateway, GRACE);
            long waited = (System.nanoTime() - started) / 1_000_000;
            if (waited > 2000) {
                System.err.printf("StoppedGateways: the gateway %d took %d ms to exit%n", gateway.pid(), waited);
            }
            if (!exited) {
                gateway.destroyForcibly();
                if (!exited(gateway, GRACE)) {
                    throw new IllegalStateException("the gateway " + gateway.pid() + " did not exit");
                }
            }
            deleteDeploymentDirectory(args);
        }
    }

    /** Arquillian leaves each deployment's copy of the WAR (~26 MB) in a temporary directory. */
    private static void deleteDeploymentDirectory(String[] args) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals("--deploy") && args[i + 1].contains(STARTED_BY_ARQUILLIAN)) {
                Path war = Path.of(args[i + 1]);
                Path directory =
                        war.getParent() == null ? null : war.getParent().getParent();
                if (directory != null && directory.getFileName().toString().startsWith(STARTED_BY_ARQUILLIAN)) {
                    try (Stream<Path> files = Files.walk(directory)) {
                        files.sorted(Comparator.reverseOrder())
                                .forEach(f -> f.toFile().delete());
                    } catch (IOException e) {
                        System.err.println("StoppedGateways: could not delete " + directory + ": " + e);
                    }
                }
            }
        }
    }

    private static boolean exited(ProcessHandle process, Duration within) {
        try {
            process.onExit().get(within.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A held JMX port fails the deployment now, with its reason, rather than after the startup timeout. */
    private static void awaitJmxPortFree() {
        String port = System.getProperty("gateway.it.jmxPort");
        if (port == null) {
            return;
        }
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> bindable(Integer.parseInt(port)));
        } catch (ConditionTimeoutException e) {
            throw new IllegalStateException(
                    "the gateway's JMX port " + port + " is held by another process: the gateway could not start", e);
        }
    }

    private static void warnIfDiskNearlyFull() {
        for (String dir : new String[] {System.getProperty("java.io.tmpdir"), System.getProperty("gateway.it.dir")}) {
            if (dir == null) {
                continue;
            }
            File existing = new File(dir);
            while (existing != null && !existing.exists()) {
                existing = existing.getParentFile();
            }
            if (existing != null && existing.getUsableSpace() < LOW_DISK) {
                System.err.printf(
                        "StoppedGateways: only %d MB free under %s: the gateway may fail to start%n",
                        existing.getUsableSpace() >> 20, dir);
            }
        }
    }

    private static boolean bindable(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
