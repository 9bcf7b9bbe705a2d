package org.neurosweep.methods.sparse;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TopEpsilonTest {

    private static final int[] COUNTS = {5, 3, 0, 3, 1, 0, 0, 0, 0, 0};

    @Test
    void keepsTheKMostFrequentWithTheirTies() {
        TopEpsilon.Selection top1 = TopEpsilon.select(COUNTS, 0.1);
        assertEquals(1, top1.k());
        assertEquals(5, top1.thresholdCount());
        assertArrayEquals(new int[] {0}, top1.members());
        // k = 2: the 2nd largest count is 3, held by two components: both are kept (3 members)
        TopEpsilon.Selection top2 = TopEpsilon.select(COUNTS, 0.2);
        assertEquals(3, top2.thresholdCount());
        assertArrayEquals(new int[] {0, 1, 3}, top2.members());
        assertEquals(4, TopEpsilon.select(COUNTS, 0.4).members().length, "k = 4: 5, 3, 3, 1");
    }

    @Test
    void neverKeepsAComponentThatWasNeverActive() {
        TopEpsilon.Selection half = TopEpsilon.select(COUNTS, 0.5);
        assertEquals(1, half.thresholdCount(), "the 5th largest count is 0; the threshold stays at one count");
        assertArrayEquals(new int[] {0, 1, 3, 4}, half.members());
        TopEpsilon.Selection none = TopEpsilon.select(new int[6], 0.5);
        assertEquals(0, none.size());
        assertEquals(0, none.thresholdCount());
    }

    @Test
    void kIsTheDecimalCeiling() {
        assertEquals(23, TopEpsilon.k(0.01, 2300), "0.01 * 2300 is 23.000000000000004 in binary");
        assertEquals(24, TopEpsilon.k(0.01, 2304));
        assertEquals(1, TopEpsilon.k(0.005, 10));
        assertThrows(IllegalArgumentException.class, () -> TopEpsilon.k(0, 10));
        assertThrows(IllegalArgumentException.class, () -> TopEpsilon.k(1.5, 10));
    }
}
