package org.neurosweep.quant;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.neurosweep.tensor.HalfFloats;

/**
 * GPTQ (Frantar et al. 2023): quantizes a weight (out, in) column by column on the asymmetric group grid of
 * {@link RoundToNearest}, and after each column spreads its rounding error over the columns not yet quantized so as to
 * minimise the layer's output error {@code ‖W·X − Ŵ·X‖²} on calibration inputs X, whose Hessian is {@code H = 2X·Xᵀ}.
 *
 * <p>Steps, as in the paper's reference: columns never reached by calibration ({@code H[i,i] = 0}) are zeroed with
 * {@code H[i,i] = 1}; with act-order the columns are visited by decreasing {@code H[i,i]} (groups are then runs of
 * {@code groupSize} columns in that order, stored in {@code g_idx}); {@code H += λ·mean(diag H)·I} (dampening λ);
 * U = upper Cholesky factor of H⁻¹. For column i with weight column w and quantized column q:
 * {@code e = (w − q) / U[i,i]}, {@code W[:, j] −= e·U[i, j]} for j > i, applied inside blocks of {@code blockSize}
 * columns at once and to the later columns in one GEMM per block ("lazy batch updates"). A group's scale and zero are
 * found when its first column is reached, from the weights as they stand at the start of the current block (as the
 * reference does). Scales are rounded to fp16 when found, so the compensation sees the grid the checkpoint stores.
 * All arithmetic is fp64.
 */
public final class Gptq {

    /**
     * @param dampening λ, the share of the mean Hessian diagonal added to the diagonal (GPTQ's {@code percdamp}, 0.01)
     * @param blockSize columns per lazy batch update (128 in the paper; it changes only the order of the sums)
     */
    public record Settings(int bits, int groupSize, double dampening, boolean actOrder, int blockSize) {
        public Settings {
            if (bits < 2 || bits > 8) {
                throw new IllegalArgumentException("bits must lie in 2..8, got " + bits);
            }
            if (!(dampening >= 0) || blockSize < 1) {
                throw new IllegalArgumentException("dampening must be >= 0 and block size >= 1, got " + dampening
                        + ", " + blockSize);
            }
        }
    }

    private Gptq() {
    }

    /** Quantizes {@code weight} (out, in) given the layer's calibration Hessian (in, in, row-major). */
    public static QuantizedLinear quantize(INDArray weight, double[] hessian, Settings s) {
        int out = (int) weight.size(0);
        int in = (int) weight.size(1);
        int gs = s.groupSize();
        if (gs < 1 || in % gs != 0) {
            throw new IllegalArgumentException("group size " + gs + " does not divide the " + in + " input columns");
        }
        if (hessian.length != (long) in * in) {
            throw new IllegalArgumentException("Hessian has " + hessian.length + " values, the layer needs " + in + "²");
        }
        int qmax = (1 << s.bits()) - 1;
        double[] h = hessian.clone();
        double[] w0 = weight.dup('c').castTo(DataType.DOUBLE).data().asDouble();   // (out, in) row-major
        for (int i = 0; i < in; i++) {
            if (h[i * in + i] == 0) {
                h[i * in + i] = 1;
                for (int r = 0; r < out; r++) {
                    w0[r * in + i] = 0;
                }
            }
        }
        int[] perm = s.actOrder() ? byDecreasingDiagonal(h, in) : IntStream.range(0, in).toArray();
        // W and H with columns (and H's rows) in visiting order
        double[] w = new double[out * in];
        for (int r = 0; r < out; r++) {
            for (int k = 0; k < in; k++) {
                w[r * in + k] = w0[r * in + perm[k]];
            }
        }
        double[] hp = new double[in * in];
        double meanDiag = 0;
        for (int a = 0; a < in; a++) {
            for (int b = 0; b < in; b++) {
                hp[a * in + b] = h[perm[a] * in + perm[b]];
            }
            meanDiag += hp[a * in + a] / in;
        }
        for (int a = 0; a < in; a++) {
            hp[a * in + a] += s.dampening() * meanDiag;
        }
        double[] u = Cholesky.upper(Cholesky.inverse(Cholesky.lower(hp, in), in), in);

        int groups = in / gs;
        float[] codes = new float[out * in];          // (out, in) in visiting order
        float[] scales = new float[out * groups];
        float[] zeros = new float[out * groups];
        for (int i1 = 0; i1 < in; i1 += s.blockSize()) {
            int i2 = Math.min(i1 + s.blockSize(), in);
            int width = i2 - i1;
            double[] block = new double[out * width];             // W1: the block's columns, updated inside it
            for (int r = 0; r < out; r++) {
                System.arraycopy(w, r * in + i1, block, r * width, width);
            }
            double[] err = new double[out * width];
            for (int i = i1; i < i2; i++) {
                int g = i / gs;
                if (i % gs == 0) {
                    findGrid(w, out, in, i, gs, qmax, scales, zeros, groups, g);
                }
                double d = u[i * in + i];
                for (int r = 0; r < out; r++) {
                    double x = block[r * width + (i - i1)];
                    double scale = scales[r * groups + g];
                    double zero = zeros[r * groups + g];
                    double q = Math.min(Math.max(Math.rint(x / scale) + zero, 0), qmax);
                    codes[r * in + i] = (float) q;
                    double e = (x - scale * (q - zero)) / d;
                    err[r * width + (i - i1)] = e;
                    for (int j = i + 1; j < i2; j++) {
                        block[r * width + (j - i1)] -= e * u[i * in + j];
                    }
                }
            }
            if (i2 < in) {
                lazyUpdate(w, out, in, i1, i2, err, u);
            }
        }

        int[] gIdx = new int[in];
        float[] inOrder = new float[out * in];
        for (int k = 0; k < in; k++) {
            gIdx[perm[k]] = k / gs;
            for (int r = 0; r < out; r++) {
                inOrder[r * in + perm[k]] = codes[r * in + k];
            }
        }
        return new QuantizedLinear(s.bits(), GroupIndex.of(gIdx, gs),
                Nd4j.createFromArray(inOrder).reshape('c', out, in),
                Nd4j.createFromArray(zeros).reshape('c', out, groups),
                Nd4j.createFromArray(scales).reshape('c', out, groups), null);
    }

    /**
     * The layer's squared output error per output unit on the calibration rows whose Hessian is H:
     * {@code tr((W−Ŵ)·H·(W−Ŵ)ᵀ) / 2 / out} = mean over rows x and outputs of ((W−Ŵ)·x)².
     */
    public static double outputError(INDArray weight, INDArray quantized, double[] hessian) {
        INDArray diff = weight.castTo(DataType.DOUBLE).sub(quantized.castTo(DataType.DOUBLE));
        int in = (int) weight.size(1);
        INDArray h = Nd4j.createFromArray(hessian).reshape('c', in, in);
        return diff.mmul(h).muli(diff).sumNumber().doubleValue() / 2 / weight.size(0);
    }

    // a group's scale (fp16) and zero per row, from the weights of its gs columns starting at visiting position i
    private static void findGrid(double[] w, int out, int in, int i, int gs, int qmax, float[] scales, float[] zeros,
                                 int groups, int g) {
        for (int r = 0; r < out; r++) {
            double lo = 0;
            double hi = 0;
            for (int k = i; k < i + gs; k++) {
                lo = Math.min(lo, w[r * in + k]);
                hi = Math.max(hi, w[r * in + k]);
            }
            if (lo == 0 && hi == 0) {
                lo = -1;
                hi = 1;
            }
            float scale = HalfFloats.roundedTo("float16", (float) ((hi - lo) / qmax));
            scales[r * groups + g] = scale;
            zeros[r * groups + g] = (float) Math.min(Math.max(Math.rint(-lo / scale), 0), qmax);
        }
    }

    // W[:, i2:] −= Err · U[i1:i2, i2:] as one GEMM
    private static void lazyUpdate(double[] w, int out, int in, int i1, int i2, double[] err, double[] u) {
        int width = i2 - i1;
        int rest = in - i2;
        INDArray e = Nd4j.createFromArray(err).reshape('c', out, width);
        double[] uBlock = new double[width * rest];
        for (int a = 0; a < width; a++) {
            System.arraycopy(u, (i1 + a) * in + i2, uBlock, a * rest, rest);
        }
        double[] update = e.mmul(Nd4j.createFromArray(uBlock).reshape('c', width, rest)).dup('c').data().asDouble();
        for (int r = 0; r < out; r++) {
            for (int j = 0; j < rest; j++) {
                w[r * in + i2 + j] -= update[r * rest + j];
            }
        }
    }

    // visiting order of act-order: decreasing H[i,i], ties by column index
    private static int[] byDecreasingDiagonal(double[] h, int in) {
        Integer[] order = IntStream.range(0, in).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> -h[i * in + i]).thenComparingInt(i -> i));
        return Arrays.stream(order).mapToInt(Integer::intValue).toArray();
    }
}
