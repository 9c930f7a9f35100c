package com.gitinsight.gateway.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.Security;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PerThreadRandomProviderTest {

    @AfterEach
    void removeProvider() {
        Security.removeProvider(PerThreadRandomProvider.NAME);
    }

    @Test
    void installedOnceFirstItIsTheDefaultSecureRandomAndDeclaredThreadSafe() throws Exception {
        BootAgent.install();
        BootAgent.install();

        Provider first = Security.getProviders()[0];
        assertEquals(PerThreadRandomProvider.NAME, first.getName());
        assertEquals(
                1,
                Arrays.stream(Security.getProviders())
                        .filter(p -> p.getName().equals(PerThreadRandomProvider.NAME))
                        .count());
        assertEquals(PerThreadRandomProvider.ALGORITHM, new SecureRandom().getAlgorithm());
        // Without this attribute SecureRandom synchronises every call on the instance.
        assertEquals(
                "true",
                first.getService("SecureRandom", PerThreadRandomProvider.ALGORITHM)
                        .getAttribute("ThreadSafe"));
        // Named algorithms still come from the JDK.
        assertEquals("SUN", SecureRandom.getInstance("DRBG").getProvider().getName());
    }

    @Test
    void eachThreadDrawsFromItsOwnGeneratorAndNoDrawRepeats() throws Exception {
        PerThreadSecureRandom spi = new PerThreadSecureRandom();
        Set<SecureRandom> generators = ConcurrentHashMap.newKeySet();
        Set<String> draws = ConcurrentHashMap.newKeySet();
        CountDownLatch start = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                    generators.add(spi.current());
                    assertSame(spi.current(), spi.current());
                    for (int i = 0; i < 500; i++) {
                        byte[] bytes = new byte[16];
                        spi.engineNextBytes(bytes);
                        draws.add(HexFormat.of().formatHex(bytes));
                    }
                } catch (Throwable e) {
                    failure.set(e);
                }
            });
            thread.start();
            threads.add(thread);
        }
        start.countDown();
        for (Thread thread : threads) {
            thread.join();
        }
        assertNull(failure.get());
        assertEquals(8, generators.size());
        assertEquals(8 * 500, draws.size());
        assertEquals(8, spi.engineGenerateSeed(8).length);
    }

    @Test
    void theDefaultGeneratorThroughTheProviderNeverRepeats() throws NoSuchAlgorithmException {
        BootAgent.install();
        SecureRandom random = SecureRandom.getInstance(PerThreadRandomProvider.ALGORITHM);
        Set<String> seen = ConcurrentHashMap.newKeySet();
        for (int i = 0; i < 1000; i++) {
            byte[] bytes = new byte[16];
            random.nextBytes(bytes);
            seen.add(HexFormat.of().formatHex(bytes));
        }
        assertEquals(1000, seen.size());
    }
}
