package org.neurosweep.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** F16 and BF16 conversions against the IEEE definitions, computed independently in double precision. */
class HalfFloatsTest {

    /** binary16 value of a bit pattern from the definition: (-1)^s × (e == 0 ? m·2^-24 : (1 + m/1024)·2^(e-15)). */
    private static double halfByDefinition(int bits) {
        int sign = bits >>> 15;
        int e = (bits >>> 10) & 0x1f;
        int m = bits & 0x3ff;
        double magnitude;
        if (e == 0x1f) {
            magnitude = m == 0 ? Double.POSITIVE_INFINITY : Double.NaN;
        } else if (e == 0) {
            magnitude = Math.scalb((double) m, -24);
        } else {
            magnitude = Math.scalb(1 + m / 1024.0, e - 15);
        }
        return sign == 1 ? -magnitude : magnitude;
    }

    @Test
    void everyHalfWidensToItsDefinedValue() {
        for (int bits = 0; bits < 0x10000; bits++) {
            double expected = halfByDefinition(bits);
            float actual = HalfFloats.halfToFloat((short) bits);
            if (Double.isNaN(expected)) {
                assertTrue(Float.isNaN(actual), "NaN pattern " + Integer.toHexString(bits));
            } else {
                assertEquals(expected, actual, 0.0, "pattern " + Integer.toHexString(bits));
                assertEquals(Double.doubleToRawLongBits(expected) < 0, Float.floatToRawIntBits(actual) < 0, "sign of "
                        + Integer.toHexString(bits));
            }
        }
    }

    @Test
    void everyHalfNarrowsBackToItself() {
        for (int bits = 0; bits < 0x10000; bits++) {
            short h = (short) bits;
            float f = HalfFloats.halfToFloat(h);
            short back = HalfFloats.floatToHalf(f);
            if (Float.isNaN(f)) {
                assertTrue(Float.isNaN(HalfFloats.halfToFloat(back)), "NaN stays NaN: " + Integer.toHexString(bits));
            } else {
                assertEquals(h, back, "pattern " + Integer.toHexString(bits));
            }
        }
    }

    /** Random floats over the whole F16 range (subnormals, exact midpoints, overflow) round to the nearest half. */
    @Test
    void narrowingToHalfRoundsToNearestEven() {
        Random random = new Random(7);
        for (int i = 0; i < 200_000; i++) {
            float f = sample(random);
            if (Float.isNaN(f)) {
                continue;
            }
            assertEquals(nearestHalf(f), HalfFloats.halfToFloat(HalfFloats.floatToHalf(f)), 0.0, "rounding " + f);
        }
        assertEquals(Float.POSITIVE_INFINITY, HalfFloats.halfToFloat(HalfFloats.floatToHalf(65520f)));
        assertEquals(65504f, HalfFloats.halfToFloat(HalfFloats.floatToHalf(65519.99f)));
        assertEquals(0x0001, HalfFloats.floatToHalf(0x1.8p-25f)); // 1.5 × 2^-25 is above half the smallest subnormal
        assertEquals(0x0000, HalfFloats.floatToHalf(0x1p-25f)); // exactly half the smallest subnormal: tie to even 0
        assertEquals((short) 0x8000, HalfFloats.floatToHalf(-0f));
    }

    private static float sample(Random random) {
        return switch (random.nextInt(3)) {
            case 0 -> (float) Math.scalb(random.nextDouble() * 2 - 1, random.nextInt(44) - 27);
            case 1 -> { // an exact midpoint between two adjacent halves
                int bits = random.nextInt(0x7bff);
                yield (float) ((halfByDefinition(bits) + halfByDefinition(bits + 1)) / 2);
            }
            default -> Float.intBitsToFloat(random.nextInt()) % 70000f;
        };
    }

    /** The half nearest to |f| (ties to the even pattern), by search over the ordered non-negative patterns. */
    private static float nearestHalf(float f) {
        double x = Math.abs((double) f);
        if (x >= 65520) {
            return Math.copySign(Float.POSITIVE_INFINITY, f);
        }
        if (x >= 65504) {
            return Math.copySign(65504f, f);
        }
        int lo = 0;
        int hi = 0x7bff;
        while (hi - lo > 1) {
            int mid = (lo + hi) >>> 1;
            if (halfByDefinition(mid) <= x) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        double below = halfByDefinition(lo);
        double above = halfByDefinition(hi);
        int pick;
        if (x - below < above - x) {
            pick = lo;
        } else if (x - below > above - x) {
            pick = hi;
        } else {
            pick = (lo & 1) == 0 ? lo : hi;
        }
        return (float) Math.copySign(halfByDefinition(pick), f);
    }

    @Test
    void bf16WidensByShiftingIntoTheHighHalf() {
        Random random = new Random(11);
        for (int i = 0; i < 10_000; i++) {
            int bits = random.nextInt(0x10000);
            assertEquals(bits << 16, Float.floatToRawIntBits(HalfFloats.bf16ToFloat((short) bits)));
        }
    }

    /** BF16 narrowing picks the nearer of the two bf16 neighbours of x (truncation and the next one up), ties to even. */
    @Test
    void bf16NarrowingRoundsToNearestEven() {
        Random random = new Random(13);
        for (int i = 0; i < 200_000; i++) {
            float x = (float) Math.scalb(random.nextGaussian(), random.nextInt(200) - 100);
            if (i % 3 == 0) {
                x = Float.intBitsToFloat((Float.floatToRawIntBits(x) & 0xffff0000) | 0x8000); // exact midpoint
            }
            int truncated = Float.floatToRawIntBits(x) & 0xffff0000;
            double down = Float.intBitsToFloat(truncated);
            double up = Float.intBitsToFloat(truncated + 0x10000);
            double distDown = Math.abs(x - down);
            double distUp = Math.abs(up - x);
            int expected = distDown < distUp || (distDown == distUp && ((truncated >>> 16) & 1) == 0)
                    ? truncated : truncated + 0x10000;
            assertEquals(expected, HalfFloats.floatToBf16(x) << 16, "rounding " + x);
        }
        assertTrue(Float.isNaN(HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(Float.NaN))));
        assertTrue(Float.isNaN(HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(Float.intBitsToFloat(0x7f800001)))),
                "a NaN whose payload lies in the dropped half stays NaN");
        assertEquals(Float.NEGATIVE_INFINITY, HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(Float.NEGATIVE_INFINITY)));
    }
}
