package com.gitinsight.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AnswerDatesTest {

    @Test
    void anHttpDateWithATwoDigitDayMadeOnceASecond() {
        AtomicLong clock = new AtomicLong(1_796_552_577_726L); // Sun, 06 Dec 2026 10:22:57.726 UTC
        AnswerDates dates = new AnswerDates(clock::get);
        String first = dates.now();
        assertEquals("Sun, 06 Dec 2026 10:22:57 GMT", first);
        clock.set(1_796_552_577_999L);
        assertSame(first, dates.now(), "the same second: the same text, not made again");
        clock.set(1_796_552_578_000L);
        assertEquals("Sun, 06 Dec 2026 10:22:58 GMT", dates.now());
        clock.set(-1L);
        assertEquals("Wed, 31 Dec 1969 23:59:59 GMT", dates.now(), "floored, not truncated");
    }
}
