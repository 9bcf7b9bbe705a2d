package org.neurosweep.model.check;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.neurosweep.hook.Captures;
import org.neurosweep.hook.HookNames;
import org.neurosweep.hook.Hooks;
import org.neurosweep.model.Batch;
import org.neurosweep.model.CausalLM;
import org.neurosweep.model.Forward;
import org.neurosweep.tensor.TensorSource;

/**
 * One reference file against one model: its inputs, our forward over them (run once, on first use, capturing
 * every standard hook), and the comparison rules of the {@link Tolerance}. Compare only real (mask 1) positions.
 */
public final class ReferenceRun {
    private final CausalLM model;
    private final TensorSource reference;
    private final Tolerance tolerance;
    private final int[][] inputIds;
    private final int[][] attentionMask;
    private Captures captures;
    private INDArray logits;

    ReferenceRun(CausalLM model, TensorSource reference, Tolerance tolerance) {
        this.model = model;
        this.reference = reference;
        this.tolerance = tolerance;
        this.inputIds = rows(reference.load("input_ids"));
        this.attentionMask = rows(reference.load("attention_mask"));
    }

    public CausalLM model() {
        return model;
    }

    public TensorSource reference() {
        return reference;
    }

    public Tolerance tolerance() {
        return tolerance;
    }

    /** The reference inputs (b, t). */
    public int[][] inputIds() {
        return copy(inputIds);
    }

    /** The reference attention mask (b, t), 1 = real token. */
    public int[][] attentionMask() {
        return copy(attentionMask);
    }

    /** Our activations on the reference inputs: embed, final_norm and per layer resid_post, mlp.post, attn.pattern, router_logits. */
    public Captures captures() {
        runForward();
        return captures;
    }

    /** Our logits (b, t, vocab) on the reference inputs. */
    public INDArray logits() {
        runForward();
        return logits;
    }

    /**
     * Compares a per-token tensor over real positions only. {@code seqAxis} is the sequence axis of a
     * (b, ..., t, ...) tensor, or −1 for a token-major (b·t, ...) one.
     */
    public CheckResult compareTokens(String name, INDArray ours, INDArray ref, int seqAxis) {
        if (!Arrays.equals(ours.shape(), ref.shape())) {
            return CheckResult.fail(name, "shape " + Arrays.toString(ours.shape()) + " but reference "
                    + Arrays.toString(ref.shape()));
        }
        INDArray keep = maskFor(ref.shape(), seqAxis);
        INDArray o = ours.castTo(DataType.DOUBLE).mul(keep);
        INDArray r = ref.castTo(DataType.DOUBLE).mul(keep);
        return judge(name, o, r, tolerance == Tolerance.BF16 && name.equals("logits") ? argmaxAgreement(ours, ref) : -1);
    }

    /** Compares two tensors over all their entries. */
    public CheckResult compareAll(String name, INDArray ours, INDArray ref) {
        if (!Arrays.equals(ours.shape(), ref.shape())) {
            return CheckResult.fail(name, "shape " + Arrays.toString(ours.shape()) + " but reference "
                    + Arrays.toString(ref.shape()));
        }
        return judge(name, ours.castTo(DataType.DOUBLE), ref.castTo(DataType.DOUBLE), -1);
    }

    private CheckResult judge(String name, INDArray ours, INDArray ref, double agreement) {
        INDArray diff = ours.sub(ref);
        double error = tolerance == Tolerance.FP32
                ? Transforms.abs(diff).maxNumber().doubleValue() / Transforms.abs(ref).maxNumber().doubleValue()
                : diff.norm2Number().doubleValue() / ref.norm2Number().doubleValue();
        String measure = tolerance == Tolerance.FP32 ? "max|ours-ref|/max|ref|" : "||ours-ref||/||ref||";
        boolean within = error < tolerance.limit();
        String reason = within ? "" : measure + " above " + tolerance.limit();
        if (agreement >= 0) {
            boolean agrees = agreement >= tolerance.argmaxAgreement();
            within &= agrees;
            reason = (reason.isEmpty() ? "" : reason + "; ") + String.format("argmax agreement %.1f%%%s",
                    100 * agreement, agrees ? "" : " below " + 100 * tolerance.argmaxAgreement() + "%");
        }
        return new CheckResult(name, error, within ? CheckResult.Status.PASS : CheckResult.Status.FAIL, reason);
    }

    // share of real positions whose logits argmax agrees; logits (b, t, V)
    private double argmaxAgreement(INDArray ours, INDArray ref) {
        INDArray a = ours.argMax(2);
        INDArray b = ref.argMax(2);
        int real = 0;
        int same = 0;
        for (int r = 0; r < attentionMask.length; r++) {
            for (int j = 0; j < attentionMask[r].length; j++) {
                if (attentionMask[r][j] == 1) {
                    real++;
                    same += a.getLong(r, j) == b.getLong(r, j) ? 1 : 0;
                }
            }
        }
        return real == 0 ? 1 : (double) same / real;
    }

    // 1 at real positions, broadcastable against shape
    private INDArray maskFor(long[] shape, int seqAxis) {
        int b = attentionMask.length;
        int t = attentionMask[0].length;
        double[] flat = new double[b * t];
        for (int r = 0; r < b; r++) {
            for (int j = 0; j < t; j++) {
                flat[r * t + j] = attentionMask[r][j];
            }
        }
        long[] ms = new long[shape.length];
        Arrays.fill(ms, 1);
        if (seqAxis < 0) {
            ms[0] = (long) b * t;
        } else {
            ms[0] = b;
            ms[seqAxis] = t;
        }
        return Nd4j.create(flat, ms, DataType.DOUBLE);
    }

    private void runForward() {
        if (logits != null) {
            return;
        }
        List<String> names = new ArrayList<>(List.of(HookNames.EMBED, HookNames.FINAL_NORM));
        for (int l = 0; l < model.config().numLayers(); l++) {
            names.addAll(List.of(HookNames.residPost(l), HookNames.mlpPost(l), HookNames.attnPattern(l),
                    HookNames.routerLogits(l)));
        }
        names.retainAll(model.hookNames());
        Hooks hooks = new Hooks().capture(names.toArray(new String[0]));
        try (Forward f = model.forward(Batch.masked(inputIds, attentionMask), hooks, null)) {
            captures = f.captures();
            logits = f.logits().value().detach();
        }
    }

    private static int[][] rows(INDArray a) {
        int[][] out = new int[(int) a.size(0)][];
        for (int r = 0; r < out.length; r++) {
            out[r] = a.getRow(r).toIntVector();
        }
        return out;
    }

    private static int[][] copy(int[][] a) {
        int[][] c = new int[a.length][];
        for (int r = 0; r < a.length; r++) {
            c[r] = a[r].clone();
        }
        return c;
    }
}
