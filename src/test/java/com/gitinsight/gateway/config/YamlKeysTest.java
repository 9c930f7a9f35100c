package com.gitinsight.gateway.config;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** lyaml's reading of plain keys (lyaml/implicit.lua), and a key's token as the source has it. */
class YamlKeysTest {

    @Test
    void whatLyamlReadsAsANumberABooleanOrNull() {
        for (String s : new String[] {
            "123",
            "-7",
            "+3",
            "_1",
            "1_000",
            "012",
            "0b101",
            "-0b11",
            "0x1F",
            "-0x10",
            "0x_1",
            "1:30",
            "-1:30:05",
            "1:30.5",
            "1.5",
            "1.",
            ".5",
            "1e5",
            "1E-3",
            "0XE",
            "0x1.8p1",
            "1:60",
            ".inf",
            "-.Inf",
            ".nan",
            "~",
            "null",
            "NULL",
            "true",
            "False",
            "yes",
            "No",
            "ON",
            "off"
        }) {
            assertTrue(YamlKeys.plainIsNotText(s), s);
        }
    }

    @Test
    void whatLyamlReadsAsText() {
        for (String s : new String[] {
            "0o17", "0x_", "0x", "0b2", "y", "n", "Y", "yEs", "1.2.3", "v1", ".", "-", "+", "12ab", "x-num", "X-Num",
            "nan", "inf", "Null_", "1e", "e5", "_", "0x1p4", "1:x"
        }) {
            assertFalse(YamlKeys.plainIsNotText(s), s);
        }
    }

    @Test
    void aKeysTokenDecides() {
        assertFalse(YamlKeys.isText("123: a", 0, "123"));
        assertTrue(YamlKeys.isText("'123': a", 0, "123"), "quoted");
        assertTrue(YamlKeys.isText("\"123\": a", 0, "123"), "quoted");
        assertFalse(YamlKeys.isText("&k 123: a", 0, "123"), "anchored: still lyaml's number");
        assertFalse(YamlKeys.isText("!!int 12: a", 0, "12"), "tagged a number");
        assertTrue(YamlKeys.isText("!!str 12: a", 0, "12"), "tagged text");
        assertTrue(YamlKeys.isText("&k !!str 12: a", 0, "12"), "anchored and tagged text");
        assertTrue(YamlKeys.isText("x: 1", 5, "1"), "past the end: text");
        assertTrue(YamlKeys.isText("x: 1", -1, "1"), "no index: text");
    }
}
