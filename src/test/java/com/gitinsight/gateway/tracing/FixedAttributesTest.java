package com.gitinsight.gateway.tracing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FixedAttributesTest {

    private static final AttributeKey<String> URL = AttributeKey.stringKey("http.url");
    private static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.status_code");
    private static final AttributeKey<String> HOST = AttributeKey.stringKey("http.host");
    private static final AttributeKey<Double> TRY = AttributeKey.doubleKey("try_count");
    private static final FixedAttributes.Layout LAYOUT = new FixedAttributes.Layout(URL, TRY, STATUS, HOST);

    @Test
    void readAsTheSdksAttributesOfTheSameValuesAreRead() {
        FixedAttributes fixed =
                LAYOUT.create().set(URL, "http://a/x").set(STATUS, 200L).set(HOST, null);
        Attributes sdk =
                Attributes.builder().put(URL, "http://a/x").put(STATUS, 200L).build();
        List<String> order = new ArrayList<>();
        fixed.forEach((k, v) -> order.add(k.getKey() + "=" + v));
        List<String> sdkOrder = new ArrayList<>();
        sdk.forEach((k, v) -> sdkOrder.add(k.getKey() + "=" + v));
        assertEquals(sdkOrder, order, "sorted by name, a null value not set");
        assertEquals(2, fixed.size());
        assertEquals(sdk.asMap(), fixed.asMap());
        assertEquals(sdk, fixed.toBuilder().build());
        assertEquals(200L, fixed.get(AttributeKey.longKey("http.status_code")), "an equal key, not the same object");
        assertNull(fixed.get(HOST));
        assertNull(fixed.get(AttributeKey.stringKey("other")));
    }

    @Test
    void aKeySetTwiceKeepsTheLastValueAndCountsOnce() {
        FixedAttributes fixed = LAYOUT.create().set(TRY, 1.0).set(TRY, 2.0);
        assertEquals(1, fixed.size());
        assertEquals(2.0, fixed.get(TRY));
    }

    @Test
    void aStringIsCutAtTheSdksLimit() {
        FixedAttributes fixed =
                LAYOUT.create().setLimited(URL, "u".repeat(5000)).setLimited(HOST, null);
        assertEquals(Tracing.MAX_ATTRIBUTE_LENGTH, fixed.get(URL).length());
        assertEquals(1, fixed.size());
    }

    @Test
    void aKeyOutsideTheLayoutOrALayoutNamingOneKeyTwiceIsAMistake() {
        assertThrows(IllegalArgumentException.class, () -> LAYOUT.create().set(AttributeKey.stringKey("x"), "y"));
        assertThrows(
                IllegalArgumentException.class,
                () -> new FixedAttributes.Layout(URL, AttributeKey.stringKey("http.url")));
        assertTrue(LAYOUT.create().isEmpty());
    }
}
