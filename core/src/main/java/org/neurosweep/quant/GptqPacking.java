package org.neurosweep.quant;

/**
 * GPTQ's int32 packing of b-bit codes: along one axis, the codes are a little-endian bit stream, code k occupying bits
 * [k·b, (k+1)·b) of the concatenated 32-bit words. For b = 2, 4, 8 that is 32/b codes per word, LSB first; for b = 3
 * it is GPTQ's 32-codes-in-3-words layout (code 10 straddles words 0 and 1, code 21 words 1 and 2).
 *
 * <p>{@code qweight} packs Qᵀ (in, out) along the input axis into (in·b/32, out); {@code qzeros} packs z (groups, out)
 * along the output axis into (groups, out·b/32). Arrays are row-major {@code int[]}; an axis of n codes needs
 * n·b divisible by 32. Packing runs once per checkpoint load or save, not per forward pass.
 */
public final class GptqPacking {

    private GptqPacking() {
    }

    /** Codes (rows, cols) → words (rows·bits/32, cols), packed down each column. */
    public static int[] packRows(int[] codes, int rows, int cols, int bits) {
        int words = wordsFor(rows, bits);
        int[] out = new int[words * cols];
        for (int c = 0; c < cols; c++) {
            pack(codes, c, cols, rows, bits, out, c, cols);
        }
        return out;
    }

    /** Words (rows·bits/32, cols) → codes (rows, cols). */
    public static int[] unpackRows(int[] words, int rows, int cols, int bits) {
        wordsFor(rows, bits);
        int[] out = new int[rows * cols];
        for (int c = 0; c < cols; c++) {
            unpack(words, c, cols, rows, bits, out, c, cols);
        }
        return out;
    }

    /** Codes (rows, cols) → words (rows, cols·bits/32), packed along each row. */
    public static int[] packColumns(int[] codes, int rows, int cols, int bits) {
        int words = wordsFor(cols, bits);
        int[] out = new int[rows * words];
        for (int r = 0; r < rows; r++) {
            pack(codes, r * cols, 1, cols, bits, out, r * words, 1);
        }
        return out;
    }

    /** Words (rows, cols·bits/32) → codes (rows, cols). */
    public static int[] unpackColumns(int[] words, int rows, int cols, int bits) {
        int perRow = wordsFor(cols, bits);
        int[] out = new int[rows * cols];
        for (int r = 0; r < rows; r++) {
            unpack(words, r * perRow, 1, cols, bits, out, r * cols, 1);
        }
        return out;
    }

    /** The first {@code n} codes of the bit stream that starts at {@code words[from]} → {@code dst[0, n)}. */
    static void unpackRun(int[] words, int from, int n, int bits, int[] dst) {
        unpack(words, from, 1, n, bits, dst, 0, 1);
    }

    /** The number of words that hold {@code n} codes of {@code bits} bits. */
    public static int wordsFor(int n, int bits) {
        if (bits < 2 || bits > 8 || bits == 5 || bits == 6 || bits == 7) {
            throw new IllegalArgumentException("GPTQ packs 2, 3, 4 or 8 bits, not " + bits);
        }
        if ((long) n * bits % 32 != 0) {
            throw new IllegalArgumentException(n + " codes of " + bits + " bits do not fill whole 32-bit words");
        }
        return n * bits / 32;
    }

    // n codes read at src[from + k·step] → the bit stream written at dst[to + w·dstStep]
    private static void pack(int[] src, int from, int step, int n, int bits, int[] dst, int to, int dstStep) {
        int mask = (1 << bits) - 1;
        for (int k = 0; k < n; k++) {
            int v = src[from + k * step];
            if (v < 0 || v > mask) {
                throw new IllegalArgumentException("code " + v + " does not fit in " + bits + " bits");
            }
            int bit = k * bits;
            int word = to + (bit >>> 5) * dstStep;
            int shift = bit & 31;
            dst[word] |= v << shift;
            if (shift + bits > 32) {
                dst[word + dstStep] |= v >>> (32 - shift);
            }
        }
    }

    private static void unpack(int[] src, int from, int step, int n, int bits, int[] dst, int to, int dstStep) {
        int mask = (1 << bits) - 1;
        for (int k = 0; k < n; k++) {
            int bit = k * bits;
            int word = from + (bit >>> 5) * step;
            int shift = bit & 31;
            int v = src[word] >>> shift;
            if (shift + bits > 32) {
                v |= src[word + step] << (32 - shift);
            }
            dst[to + k * dstStep] = v & mask;
        }
    }
}
