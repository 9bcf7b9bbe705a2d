package org.neurosweep.autograd;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.BooleanIndexing;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.indexing.conditions.Conditions;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Token losses over logits rows (n, V), computed through log-softmax in the logits' precision. Prompt
 * tokens and padding are excluded from cross-entropy by giving them the target {@code ignoreIndex}.
 */
public final class Losses {

    private static final double LOG_2 = Math.log(2.0);
    /** Rows of logits per block when cross-entropy forms its (rows, V) temporaries (8 MB at V = 32000, fp32). */
    static final int LOSS_BLOCK_ROWS = 64;

    private Losses() {
    }

    /** Mean of −log p(target) over the tokens whose target is not {@code ignoreIndex} → (1); 0 when none counts. */
    public static Var crossEntropy(Var logits, int[] targets, int ignoreIndex) {
        long counted = Arrays.stream(targets).filter(t -> t != ignoreIndex).count();
        Var sum = crossEntropySum(logits, targets, ignoreIndex);
        return counted == 0 ? sum : Elementwise.scale(sum, 1.0 / counted);
    }

    /** Σ of −log p(target) over counted tokens → (1). */
    public static Var crossEntropySum(Var logits, int[] targets, int ignoreIndex) {
        return Reductions.sum(crossEntropyPerToken(logits, targets, ignoreIndex));
    }

    /** −log p(target) per row → (n), 0 where the target is {@code ignoreIndex}. */
    public static Var crossEntropyPerToken(Var logits, int[] targets, int ignoreIndex) {
        return Elementwise.neg(pickTargets(logits, targets, ignoreIndex));
    }

    /** log p(target) per row → (n); every target must be a valid id. */
    public static Var logProbsOf(Var logits, int[] targets) {
        return pickTargets(logits, targets, Integer.MIN_VALUE);
    }

    /** KL(P ‖ Q) per row → (n), P = softmax(p), Q = softmax(q) over the last dim of (n, V) logits. */
    public static Var klDivergence(Var p, Var q) {
        checkPair(p, q, "klDivergence");
        INDArray lp = Activations.logSoftmaxOf(p.value());
        INDArray lq = Activations.logSoftmaxOf(q.value());
        INDArray probP = Transforms.exp(lp.dup(), false);
        INDArray diff = lp.sub(lq);                                         // log P − log Q
        INDArray kl = probP.mul(diff).sum(true, 1);                        // (n, 1)
        INDArray out = kl.reshape(kl.length());
        return Tape.op(out, g -> {
            INDArray gc = g.reshape(g.length(), 1);
            if (p.requiresGrad()) {
                // d/dp = P · (log P − log Q − KL)
                p.accumulateOwned(diff.sub(kl).muli(probP).muli(gc));
            }
            if (q.requiresGrad()) {
                // d/dq = Q − P
                q.accumulateOwned(Transforms.exp(lq.dup(), false).subi(probP).muli(gc));
            }
        }, p, q);
    }

    /**
     * The per-row terms of token-level distillation in one op → (n):
     * <pre>
     *   ceWeight_t · CE(y_t, softmax(z_t)) + klWeight_t · KL( softmax(s_t / τ_t) ‖ softmax(z_t / τ_t) )
     * </pre>
     * for student logits z (n, V) and constant teacher logits s (n, V) of one shape, CE 0 where the target is
     * {@code ignoreIndex}; the value comes back in the student's dtype. The value and gradient are those of the composition
     * {@code add(mul(crossEntropyPerToken(z), ceWeight), mul(klDivergence(s/τ, z/τ), klWeight))} (equal to rounding:
     * the kernel computes in double), in three softmax passes over V per row and one gradient pass
     * ({@link DistillationRows}) instead of a tape step and its (n, V) temporaries per elementwise op.
     * d/dz_t = g_t · ceWeight_t · (softmax(z_t) − onehot(y_t)) + g_t · klWeight_t / τ_t · (softmax(z_t/τ_t) − softmax(s_t/τ_t)).
     */
    public static Var distillationPerToken(Var student, INDArray teacher, int[] targets, int ignoreIndex,
                                           double[] taus, double[] ceWeights, double[] klWeights) {
        int n = targets.length;
        if (student.rank() != 2 || !Arrays.equals(student.shape(), teacher.shape()) || student.size(0) != n
                || taus.length != n || ceWeights.length != n || klWeights.length != n) {
            throw new IllegalArgumentException("distillation loss: student " + Arrays.toString(student.shape())
                    + " and teacher " + Arrays.toString(teacher.shape()) + " logits must both be (n, V) with n = " + n
                    + " targets, temperatures and weights");
        }
        checkTargets(student, targets, ignoreIndex);
        int vocab = (int) student.size(1);
        DistillationRows rows = new DistillationRows(rowMajor(student.value()), rowMajor(teacher), n, vocab, targets,
                ignoreIndex, taus, ceWeights, klWeights);
        INDArray out = ofDtype(rows.values(), student.dataType());
        return Tape.op(out, g -> student.accumulateOwned(ofDtype(rows.gradient(rowMajor(g)), student.dataType())
                .reshape(n, vocab)), student);
    }

    /** The elements of {@code x} in row-major order, as double (float buffers copied in bulk, then widened). */
    private static double[] rowMajor(INDArray x) {
        INDArray c = x.ordering() == 'c' && !x.isView() ? x : x.dup('c');
        if (c.dataType() == DataType.DOUBLE) {
            return c.data().asDouble();
        }
        float[] f = c.castTo(DataType.FLOAT).data().asFloat();
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    /** A vector of {@code values} in {@code dtype} (float rounded in Java, not by a cast op). */
    private static INDArray ofDtype(double[] values, DataType dtype) {
        if (dtype == DataType.DOUBLE) {
            return Nd4j.createFromArray(values);
        }
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) values[i];
        }
        return Nd4j.createFromArray(f).castTo(dtype);
    }

    /** Jensen–Shannon divergence per row → (n): ½ KL(P ‖ M) + ½ KL(Q ‖ M), M = ½ (P + Q); in [0, log 2]. */
    public static Var jsDivergence(Var p, Var q) {
        checkPair(p, q, "jsDivergence");
        INDArray lp = Activations.logSoftmaxOf(p.value());
        INDArray lq = Activations.logSoftmaxOf(q.value());
        INDArray logM = logMean(lp, lq);
        INDArray probP = Transforms.exp(lp.dup(), false);
        INDArray probQ = Transforms.exp(lq.dup(), false);
        INDArray hp = lp.sub(logM).muli(0.5);                              // ∂JS/∂P = ½ (log P − log M)
        INDArray hq = lq.sub(logM).muli(0.5);
        INDArray js = probP.mul(hp).addi(probQ.mul(hq)).sum(true, 1);      // (n, 1)
        INDArray out = js.reshape(js.length());
        return Tape.op(out, g -> {
            INDArray gc = g.reshape(g.length(), 1);
            if (p.requiresGrad()) {
                p.accumulateOwned(throughSoftmax(probP, hp).muli(gc));
            }
            if (q.requiresGrad()) {
                q.accumulateOwned(throughSoftmax(probQ, hq).muli(gc));
            }
        }, p, q);
    }

    /** logits (n, V) → log p(targets[i]) (n); rows whose target is {@code ignoreIndex} give 0 and no gradient. */
    private static Var pickTargets(Var logits, int[] targets, int ignoreIndex) {
        checkTargets(logits, targets, ignoreIndex);
        // log p(t) = (x − max) − lse per row, lse = log Σ exp(x − max): only max and lse (n, 1) are kept for
        // backward, not the (n, V) log-softmax, and the (n, V) temporaries exist one block of rows at a time
        INDArray x = logits.value();
        INDArray max = x.max(true, -1);                                        // (n, 1)
        BooleanIndexing.replaceWhere(max, 0.0, Conditions.isInfinite());
        INDArray lse = Nd4j.createUninitialized(x.dataType(), targets.length, 1);
        INDArray out = Nd4j.zeros(x.dataType(), targets.length);
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            for (int from = 0; from < targets.length; from += LOSS_BLOCK_ROWS) {
                int to = Math.min(targets.length, from + LOSS_BLOCK_ROWS);
                INDArrayIndex rows = NDArrayIndex.interval(from, to);
                INDArray shifted = x.get(rows, NDArrayIndex.all()).sub(max.get(rows, NDArrayIndex.all()));
                INDArray exp = Transforms.exp(shifted.dup(), false);
                INDArray blockLse = Transforms.log(exp.sum(true, -1), false);
                lse.get(rows, NDArrayIndex.all()).assign(blockLse);
                INDArray lp = shifted.subi(blockLse);
                for (int i = from; i < to; i++) {
                    if (targets[i] != ignoreIndex) {
                        out.putScalar(i, lp.getDouble(i - from, targets[i]));
                    }
                }
                exp.close();
                shifted.close();
                blockLse.close();
            }
        }
        return Tape.op(out, g -> {
            // d log p(t) / d logits = onehot(t) − softmax, weighted by g on counted rows, 0 on ignored ones;
            // softmax = exp(x − max − lse), formed in the gradient's own array
            INDArray d = Transforms.exp(x.sub(max).subi(lse), false).negi();
            double[] weights = new double[targets.length];
            for (int i = 0; i < targets.length; i++) {
                if (targets[i] != ignoreIndex) {
                    d.putScalar(i, targets[i], d.getDouble(i, targets[i]) + 1.0);
                    weights[i] = g.getDouble(i);
                }
            }
            INDArray w = Nd4j.createFromArray(weights).castTo(d.dataType()).reshape(targets.length, 1);
            logits.accumulateOwned(d.muli(w));
        }, logits);
    }

    /** logits must be (n, V) with n = targets.length and every counted target in [0, V). */
    private static void checkTargets(Var logits, int[] targets, int ignoreIndex) {
        if (logits.rank() != 2 || logits.size(0) != targets.length) {
            throw new IllegalArgumentException("loss: logits " + Arrays.toString(logits.shape())
                    + " need (n, V) with n = " + targets.length + " targets");
        }
        long vocab = logits.size(1);
        for (int t : targets) {
            if (t != ignoreIndex && (t < 0 || t >= vocab)) {
                throw new IndexOutOfBoundsException("loss: target " + t + " outside [0, " + vocab + ")");
            }
        }
    }

    /** log ½ (e^a + e^b) elementwise, stable. */
    private static INDArray logMean(INDArray a, INDArray b) {
        INDArray m = Transforms.max(a, b, true);
        INDArray ea = Transforms.exp(a.sub(m), false);
        INDArray eb = Transforms.exp(b.sub(m), false);
        return Transforms.log(ea.addi(eb), false).addi(m).subi(LOG_2);
    }

    /** The gradient w.r.t. logits of Σ P·h with h held fixed: P · (h − Σ P h). */
    private static INDArray throughSoftmax(INDArray prob, INDArray h) {
        INDArray mean = prob.mul(h).sum(true, 1);
        return h.sub(mean).muli(prob);
    }

    private static void checkPair(Var p, Var q, String op) {
        if (p.rank() != 2 || !Arrays.equals(p.shape(), q.shape())) {
            throw new IllegalArgumentException(op + ": logits " + Arrays.toString(p.shape()) + " and "
                    + Arrays.toString(q.shape()) + " must both be (n, V)");
        }
    }
}
