package com.gitinsight.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ContainerReflectionTest {

    @Test
    void aMethodIsLookedUpOnceAClassAndAMissingOneIsNull() throws Exception {
        StringBuilder target = new StringBuilder("ab");
        assertSame(ContainerReflection.method(target, "length"), ContainerReflection.method(target, "length"));
        assertEquals(2, ContainerReflection.call(target, "length"));
        assertSame(
                ContainerReflection.method(target, "charAt", int.class),
                ContainerReflection.method(target, "charAt", int.class));
        assertEquals(
                'b', ContainerReflection.method(target, "charAt", int.class).invoke(target, 1));
        assertNull(ContainerReflection.method(target, "getUnwrappedCoyoteRequest"));
        assertNull(ContainerReflection.method(target, "charAt", String.class));
        assertThrows(NoSuchMethodException.class, () -> ContainerReflection.call(target, "noSuchMethod"));
    }
}
