package org.neurosweep.methods.moe;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.neurosweep.autograd.Workspaces;
import org.neurosweep.methods.lens.LogitLens;

/**
 * The LPI primitive of docs/methods/moe-attribution.md step 3 on the fixed-scale projection (docs/methods/internal-cot.md §5):
 * {@code log P(w | x) = log softmax(W_U · (γ_f ⊙ x / s*))[w]}, with s* the RMS of the true final residual at t* of the
 * same forward, and {@code LPI(c; r) = log P(w | r + c) − log P(w | r)}. The vectors of many samples (each row with
 * its own s* and tokens) go through one GEMM per block of rows; log-probabilities are read for two tokens at once (the
 * gold target and the model's own top-1), since the normaliser is shared.
 */
public final class LpiProjection {
    private static final String WORKSPACE = "lpi-projection";
    private final LogitLens lens;
    private final int rowsPerBlock;

    /** Rows of the (n, d) arrays are projected {@code rowsPerBlock} at a time: the (rows, V) logits bound memory. */
    public LpiProjection(LogitLens lens, int rowsPerBlock) {
        if (rowsPerBlock < 1) {
            throw new IllegalArgumentException("rows per projection block must be at least 1, got " + rowsPerBlock);
        }
        this.lens = lens;
        this.rowsPerBlock = rowsPerBlock;
    }

    public int rowsPerBlock() {
        return rowsPerBlock;
    }

    public LogitLens lens() {
        return lens;
    }

    /**
     * For each row x_i of {@code bases} (n, d), the direction g_i of the linear upper bound
     * {@code LPI(c; x_i) ≤ g_i · c} that holds for every component c: with p = P(· | x_i) and the logit change
     * δ = W_U(γ_f ⊙ c / s*), LPI(c; x_i) = δ[w] − log Σ_v p_v e^{δ_v} ≤ δ[w] − Σ_v p_v δ_v (Jensen's inequality), so
     * {@code g_i = γ_f ⊙ (W_U[w] − Σ_v p_v W_U[v]) / s*}. A LayerNorm lens centres c first (δ = W_U(γ_f ⊙ Pc / s*)
     * with P = I − 11ᵀ/d symmetric), so g_i is centred too. Row i has its own s* ({@code sStar[i]}) and w
     * ({@code token[i]}): the rows of a whole micro-batch take one (n, d) × (d, V) and one (n, V) × (V, d) product.
     * Returns (n, d) fp32, or null when δ is not linear in c and there is no such bound: the lens soft-caps its
     * logits (Gemma-2) or transforms the residual before its norm (BERT's MLM head).
     */
    public INDArray gainBound(INDArray bases, double[] sStar, int[] token) {
        if (lens.unembedding().softcap() != null || lens.unembedding().transform() != null) {
            return null;
        }
        long n = bases.size(0);
        INDArray scales = scales(sStar, 0, (int) n);
        INDArray p = lens.logits(bases, scales, 'c');                                                  // (n, V)
        p.subiColumnVector(p.max(1).reshape(n, 1));
        Transforms.exp(p, false);
        p.diviColumnVector(p.sum(1).reshape(n, 1));
        p.negi();
        for (int i = 0; i < n; i++) {
            p.putScalar(i, token[i], p.getDouble(i, token[i]) + 1.0);                                   // onehot(w) − p
        }
        INDArray g = p.mmul(lens.unembedding().weight().transpose());                                   // (n, d)
        g.muliRowVector(lens.unembedding().gamma().castTo(DataType.FLOAT)).diviColumnVector(scales.reshape(n, 1));
        if (lens.unembedding().centred()) {
            g.subiColumnVector(g.mean(1).reshape(n, 1));
        }
        return g;
    }

    /** s* of one final residual {@code hFinal} (d): the divisor its final norm applies (RMSNorm: its RMS). */
    public double finalScale(INDArray hFinal) {
        return lens.scale(hFinal.castTo(DataType.FLOAT).reshape(1, hFinal.length())).getDouble(0);
    }

    /** {@link #logProbs(INDArray, double[], int[][])} of rows that all have the same s* and tokens (one sample). */
    public double[][] logProbs(INDArray rows, double sStar, int... tokens) {
        int n = (int) rows.size(0);
        double[] s = new double[n];
        int[][] t = new int[n][];
        Arrays.fill(s, sStar);
        Arrays.fill(t, tokens);
        return logProbs(rows, s, t);
    }

    /**
     * log P(tokens[i][j] | x_i) for every row x_i of {@code rows} (n, d), row i divided by {@code sStar[i]}:
     * (n, tokens[i].length). The rows may come from many samples (each with its own s* and tokens): they are
     * projected {@link #rowsPerBlock} at a time, one [rows, d] × [d, V] GEMM per block, so that W_U is streamed once
     * per block rather than once per sample and level. Computed as z[token] − logsumexp(z) in fp32 ops on the
     * (rows, V) logits, which live in a scratch workspace of the calling thread and do not outlive the block.
     */
    public double[][] logProbs(INDArray rows, double[] sStar, int[][] tokens) {
        int n = (int) rows.size(0);
        if (sStar.length != n || tokens.length != n) {
            throw new IllegalArgumentException(n + " rows but " + sStar.length + " scales and " + tokens.length + " token sets");
        }
        double[][] out = new double[n][];
        for (int from = 0; from < n; from += rowsPerBlock) {
            int to = Math.min(n, from + rowsPerBlock);
            try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().getAndActivateWorkspace(Workspaces.SCRATCH, WORKSPACE)) {
                INDArray x = rows.get(NDArrayIndex.interval(from, to), NDArrayIndex.all());
                INDArray z = lens.logits(x, scales(sStar, from, to), 'c');                            // (rows, V), rows contiguous
                long m = to - from;
                double[][] picked = new double[(int) m][];
                for (int i = 0; i < m; i++) {
                    int[] t = tokens[from + i];
                    picked[i] = new double[t.length];
                    for (int j = 0; j < t.length; j++) {
                        picked[i][j] = z.getDouble(i, t[j]);
                    }
                }
                INDArray max = z.max(1);                                                                // (rows)
                z.subiColumnVector(max.reshape(m, 1));
                Transforms.exp(z, false);
                double[] lse = Transforms.log(z.sum(1), false).addi(max).castTo(DataType.DOUBLE).toDoubleVector();
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < picked[i].length; j++) {
                        picked[i][j] -= lse[i];
                    }
                    out[from + i] = picked[i];
                }
            }
        }
        return out;
    }

    private static INDArray scales(double[] sStar, int from, int to) {
        float[] s = new float[to - from];
        for (int i = from; i < to; i++) {
            s[i - from] = (float) sStar[i];
        }
        return Nd4j.createFromArray(s);
    }
}
