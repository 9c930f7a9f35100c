package com.gitinsight.gateway.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Rust's str::to_lowercase (Kong's ATC router's lower()), from its Final_Sigma rule and tests. */
class RustLowerCaseTest {

    @Test
    void aCapitalSigmaIsFinalWhenACasedLetterPrecedesAndNoneFollows() {
        assertEquals("οδος", RustLowerCase.of("ΟΔΟΣ"));
        assertEquals("σ", RustLowerCase.of("Σ"), "alone: not final");
        assertEquals("aς", RustLowerCase.of("AΣ"));
        assertEquals("aσb", RustLowerCase.of("AΣB"));
        // Attacker review 313: Java judges these by word boundaries (a digit is inside a word).
        assertEquals("a1σ", RustLowerCase.of("A1Σ"), "a digit is neither cased nor case-ignorable");
        assertEquals("aς1b", RustLowerCase.of("AΣ1B"));
        // Case-ignorable characters are looked past, either way.
        assertEquals("a'ς", RustLowerCase.of("A'Σ"));
        assertEquals("aσ'b", RustLowerCase.of("AΣ'B"));
        assertEquals("a\u0301ς", RustLowerCase.of("A\u0301Σ"), "a combining mark");
        assertEquals("ας.", RustLowerCase.of("ΑΣ."));
    }

    @Test
    void everythingElseIsJavasRootLowerCase() {
        assertEquals("josé", RustLowerCase.of("JOSÉ"));
        assertEquals("k", RustLowerCase.of("\u212A"), "the Kelvin sign");
        assertEquals("i\u0307", RustLowerCase.of("\u0130"), "İ as two code points");
        assertEquals("i\u0307ς1", RustLowerCase.of("\u0130Σ1"));
        assertEquals("\ud801\udc28", RustLowerCase.of("\ud801\udc00"), "a supplementary letter (Deseret)");
    }
}
