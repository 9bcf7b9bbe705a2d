package org.neurosweep.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** GPTQ's int32 layouts: hand-worked words (LSB first; the 3-bit straddling codes) and round trips. */
class GptqPackingTest {

    @Test
    void fourBitCodesPackLsbFirstDownTheInputAxis() {
        int[] codes = {1, 2, 3, 4, 5, 6, 7, 8};                  // one column, 8 rows
        assertArrayEquals(new int[] {0x87654321}, GptqPacking.packRows(codes, 8, 1, 4));
        int[] twoBit = new int[16];
        twoBit[0] = 3;
        twoBit[15] = 2;
        assertArrayEquals(new int[] {3 | (2 << 30)}, GptqPacking.packRows(twoBit, 16, 1, 2));
    }

    /** GPTQ's 3-bit layout: codes 0–9 in word 0, code 10 in bits 30–31 of word 0 and bit 0 of word 1, and so on. */
    @Test
    void threeBitCodesStraddleWordsAsInGptq() {
        int[] codes = new int[32];
        codes[10] = 5;                                          // 0b101: low bits 01 → word 0 bits 30-31, high 1 → word 1 bit 0
        codes[21] = 6;                                          // 0b110: low bit 0 → word 1 bit 31, bits 11 → word 2 bits 0-1
        codes[11] = 7;                                          // word 1 bits 1-3
        codes[31] = 4;                                          // word 2 bits 29-31
        assertArrayEquals(new int[] {1 << 30, 1 | (7 << 1), 3 | (4 << 29)}, GptqPacking.packRows(codes, 32, 1, 3));
    }

    @Test
    void packThenUnpackRoundTripsEveryWidth() {
        Random random = new Random(2);
        for (int bits : new int[] {2, 3, 4, 8}) {
            int rows = 64;
            int cols = 96;
            int[] codes = new int[rows * cols];
            for (int k = 0; k < codes.length; k++) {
                codes[k] = random.nextInt(1 << bits);
            }
            int[] down = GptqPacking.packRows(codes, rows, cols, bits);
            assertEquals(rows * bits / 32 * cols, down.length);
            assertArrayEquals(codes, GptqPacking.unpackRows(down, rows, cols, bits));
            int[] across = GptqPacking.packColumns(codes, rows, cols, bits);
            assertEquals(rows * cols * bits / 32, across.length);
            assertArrayEquals(codes, GptqPacking.unpackColumns(across, rows, cols, bits));
        }
    }

    @Test
    void badWidthsAndCodesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> GptqPacking.packRows(new int[10], 10, 1, 4));
        assertThrows(IllegalArgumentException.class, () -> GptqPacking.packRows(new int[] {16, 0, 0, 0, 0, 0, 0, 0}, 8, 1, 4));
        assertThrows(IllegalArgumentException.class, () -> GptqPacking.wordsFor(32, 5));
    }

    @Test
    void v1StoresZeroMinusOne() {
        assertEquals(2, ZeroFormat.V1.stored(3));
        assertEquals(3, ZeroFormat.V1.trueZero(2));
        assertEquals(3, ZeroFormat.V2.stored(3));
        assertThrows(IllegalArgumentException.class, () -> ZeroFormat.V1.stored(0));
        assertEquals(ZeroFormat.V1, ZeroFormat.ofConfig(null));
        assertEquals(ZeroFormat.V2, ZeroFormat.ofConfig("gptq_v2"));
    }
}
