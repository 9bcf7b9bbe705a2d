package org.neurosweep.methods.moe;

import java.util.function.Supplier;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.neurosweep.autograd.Workspaces;
import org.neurosweep.methods.lens.LogitLens;

/**
 * The LPI primitive of docs/methods/moe-attribution.md step 3 on the fixed-scale projection (docs/methods/internal-cot.md §5):
 * {@code log P(w | x) = log softmax(W_U · (γ_f ⊙ x / s*))[w]}, with s* the RMS of the true final residual at t* of the
 * same forward, and {@code LPI(c; r) = log P(w | r + c) − log P(w | r)}. Many vectors of one sample go through one
 * GEMM; log-probabilities are read for two tokens at once (the gold target and the model's own top-1), since the
 * normaliser is shared.
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

    /** Builds rows [from, to) of a virtual (n, d) array of vectors to project. */
    @FunctionalInterface
    public interface RowBlock {
        INDArray rows(int from, int to);
    }

    /** {@link #logProbs(Supplier, double, int...)} of the {@code n} rows that {@code rows} builds, block by block. */
    public double[][] logProbs(int n, RowBlock rows, double sStar, int... tokens) {
        double[][] out = new double[n][];
        for (int from = 0; from < n; from += rowsPerBlock) {
            int start = from;
            int end = Math.min(n, from + rowsPerBlock);
            double[][] block = logProbs(() -> rows.rows(start, end), sStar, tokens);
            System.arraycopy(block, 0, out, start, end - start);
        }
        return out;
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
     * with P = I − 11ᵀ/d symmetric), so g_i is centred too. Returns (n, d) fp32, or null when δ is not linear in c and
     * there is no such bound: the lens soft-caps its logits (Gemma-2) or transforms the residual before its norm
     * (BERT's MLM head).
     */
    public INDArray gainBound(INDArray bases, double sStar, int token) {
        if (lens.unembedding().softcap() != null || lens.unembedding().transform() != null) {
            return null;
        }
        long n = bases.size(0);
        INDArray p = lens.logits(bases, Nd4j.valueArrayOf(new long[] {n}, sStar, DataType.FLOAT), 'c');  // (n, V)
        p.subiColumnVector(p.max(1).reshape(n, 1));
        Transforms.exp(p, false);
        p.diviColumnVector(p.sum(1).reshape(n, 1));
        p.negi().getColumn(token).addi(1.0);                                                            // onehot(w) − p
        INDArray g = p.mmul(lens.unembedding().weight().transpose());                                   // (n, d)
        g.muliRowVector(lens.unembedding().gamma().castTo(DataType.FLOAT)).divi(sStar);
        if (lens.unembedding().centred()) {
            g.subiColumnVector(g.mean(1).reshape(n, 1));
        }
        return g;
    }

    /** s* of one final residual {@code hFinal} (d): the divisor its final norm applies (RMSNorm: its RMS). */
    public double finalScale(INDArray hFinal) {
        return lens.scale(hFinal.castTo(DataType.FLOAT).reshape(1, hFinal.length())).getDouble(0);
    }

    /**
     * log P(tokens[j] | x_i) for every row x_i of the (n, d) array that {@code rows} builds, all divided by
     * {@code sStar}: (n, tokens). Computed as z[token] − logsumexp(z) in fp32 ops on the (n, V) logits; the rows and
     * logits live in a scratch workspace of the calling thread, so {@code rows} should build its array there (it is
     * called with the workspace active) and nothing of it outlives the call.
     */
    public double[][] logProbs(Supplier<INDArray> rows, double sStar, int... tokens) {
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().getAndActivateWorkspace(Workspaces.SCRATCH, WORKSPACE)) {
            INDArray x = rows.get();
            long n = x.size(0);
            INDArray z = lens.logits(x, Nd4j.valueArrayOf(new long[] {n}, sStar, DataType.FLOAT), 'c'); // (n, V), rows contiguous
            double[][] picked = new double[tokens.length][];
            for (int j = 0; j < tokens.length; j++) {
                picked[j] = z.getColumn(tokens[j]).castTo(DataType.DOUBLE).toDoubleVector();
            }
            INDArray max = z.max(1);                                                                    // (n)
            z.subiColumnVector(max.reshape(n, 1));
            Transforms.exp(z, false);
            double[] lse = Transforms.log(z.sum(1), false).addi(max).castTo(DataType.DOUBLE).toDoubleVector();
            double[][] out = new double[(int) n][tokens.length];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < tokens.length; j++) {
                    out[i][j] = picked[j][i] - lse[i];
                }
            }
            return out;
        }
    }
}
