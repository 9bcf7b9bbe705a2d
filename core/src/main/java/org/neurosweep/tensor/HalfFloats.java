package org.neurosweep.tensor;

/**
 * Conversions between fp32 and the 16-bit formats, on raw bit patterns.
 *
 * <p>BF16 is the top half of an fp32 (8 exponent bits, 7 mantissa bits). F16 is IEEE 754 binary16 (5 exponent bits,
 * bias 15, 10 mantissa bits, subnormals down to 2^-24). Narrowing rounds to nearest, ties to even, as PyTorch does;
 * infinities stay infinite, NaNs stay NaN, and F16 overflow (|x| ≥ 65520) gives infinity.
 */
public final class HalfFloats {

    private HalfFloats() {
    }

    /**
     * {@code value} rounded to the HF dtype {@code dtype} ("bfloat16", "float16"; anything else is fp32) and widened
     * back: a constant as PyTorch holds it in a tensor of that dtype.
     */
    public static float roundedTo(String dtype, float value) {
        return switch (dtype) {
            case "bfloat16" -> bf16ToFloat(floatToBf16(value));
            case "float16" -> halfToFloat(floatToHalf(value));
            default -> value;
        };
    }

    public static float bf16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xffff) << 16);
    }

    static short floatToBf16(float value) {
        int x = Float.floatToRawIntBits(value);
        if ((x & 0x7fffffff) > 0x7f800000) {
            return (short) ((x >>> 16) | 0x0040); // NaN: keep sign and top payload bits, force quiet
        }
        int roundingBias = 0x7fff + ((x >>> 16) & 1);
        return (short) ((x + roundingBias) >>> 16);
    }

    public static float halfToFloat(short bits) {
        int h = bits & 0xffff;
        int sign = (h & 0x8000) << 16;
        int exponent = (h >>> 10) & 0x1f;
        int mantissa = h & 0x3ff;
        if (exponent == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
        }
        if (exponent == 0) {
            float magnitude = mantissa * 0x1p-24f; // subnormal (or zero): mantissa units of 2^-24, exact in fp32
            return sign == 0 ? magnitude : -magnitude;
        }
        return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
    }

    static short floatToHalf(float value) {
        int x = Float.floatToRawIntBits(value);
        int sign = (x >>> 16) & 0x8000;
        int abs = x & 0x7fffffff;
        if (abs > 0x7f800000) {
            return (short) (sign | 0x7e00 | ((abs >>> 13) & 0x3ff)); // NaN, quiet
        }
        if (abs >= 0x477ff000) {
            return (short) (sign | 0x7c00); // ≥ 65520 (halfway past 65504) or infinite
        }
        if (abs < 0x38800000) {
            return (short) (sign | subnormalHalf(abs)); // below 2^-14, the smallest normal half
        }
        int rebiased = abs - 0x38000000; // exponent bias 127 → 15, same mantissa bits
        return (short) (sign | roundShiftRight(rebiased, 13));
    }

    /** Magnitude {@code abs} (fp32 bits below 2^-14) in half-subnormal units of 2^-24, rounded to nearest even. */
    private static int subnormalHalf(int abs) {
        int exponent = abs >>> 23;
        if (exponent < 102) {
            return 0; // below 2^-25: rounds to zero
        }
        int significand = (abs & 0x7fffff) | 0x800000; // value = significand * 2^(exponent - 150)
        return roundShiftRight(significand, 126 - exponent);
    }

    /** {@code value >> shift} rounded to nearest, ties to even; 1 ≤ shift ≤ 24. */
    private static int roundShiftRight(int value, int shift) {
        int kept = value >>> shift;
        int dropped = value & ((1 << shift) - 1);
        int half = 1 << (shift - 1);
        if (dropped > half || (dropped == half && (kept & 1) == 1)) {
            kept++;
        }
        return kept;
    }
}
