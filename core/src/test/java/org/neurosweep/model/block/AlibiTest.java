package org.neurosweep.model.block;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

/** ALiBi slopes against the values of the paper's definition, for power-of-two head counts and others. */
class AlibiTest {

    @Test
    void powerOfTwoHeadsGetTheGeometricSequence() {
        // n = 8: r = 2^-1
        assertArrayEquals(new float[] {0.5f, 0.25f, 0.125f, 0.0625f, 0.03125f, 0.015625f, 0.0078125f, 0.00390625f},
                Alibi.slopes(8), 0f);
        // n = 4: r = 2^-2
        assertArrayEquals(new float[] {0.25f, 0.0625f, 0.015625f, 0.00390625f}, Alibi.slopes(4), 0f);
    }

    @Test
    void otherHeadCountsInterleaveTheNextPowerOfTwosOddTerms() {
        // n = 6: the 4-head sequence, then r' = 2^-1 to the powers 1 and 3
        assertArrayEquals(new float[] {0.25f, 0.0625f, 0.015625f, 0.00390625f, 0.5f, 0.125f}, Alibi.slopes(6), 0f);
        // n = 12: the 8-head sequence, then r' = 2^-0.5 to the powers 1, 3, 5, 7
        float[] s = Alibi.slopes(12);
        float[] tail = {s[8], s[9], s[10], s[11]};
        double r = Math.pow(2, -0.5);
        assertArrayEquals(new float[] {(float) r, (float) Math.pow(r, 3), (float) Math.pow(r, 5), (float) Math.pow(r, 7)},
                tail, 1e-7f);
    }
}
