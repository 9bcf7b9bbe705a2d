package org.neurosweep.autograd;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.BooleanIndexing;
import org.nd4j.linalg.indexing.conditions.Conditions;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Erf;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Swish;
import org.nd4j.linalg.ops.transforms.Transforms;

/** Pointwise nonlinearities and the last-dim softmax family; each allocates its output once and transforms it in place. */
public final class Activations {

    private static final double SQRT_HALF = Math.sqrt(0.5);
    private static final double INV_SQRT_2PI = 1.0 / Math.sqrt(2.0 * Math.PI);
    private static final double GELU_TANH_C = Math.sqrt(2.0 / Math.PI);
    private static final double GELU_TANH_K = 0.044715;

    private Activations() {
    }

    public static Var sigmoid(Var x) {
        INDArray s = Transforms.sigmoid(x.value().dup(), false);
        return Tape.op(s, g -> {
            // dσ = σ(1 − σ)
            INDArray d = s.rsub(1.0).muli(s).muli(g);
            x.accumulateOwned(d);
        }, x);
    }

    /** SiLU (swish): x · σ(x). */
    public static Var silu(Var x) {
        INDArray xv = x.value();
        if (!Tape.recording(x)) {
            // libnd4j's swish is x·σ(x) in one op (the product below is three: copy, sigmoid, multiply)
            INDArray y = xv.ulike();                                                  // same layout as x
            Nd4j.exec(new Swish(xv, y));
            return Var.constant(y);
        }
        INDArray s = Transforms.sigmoid(xv.dup(), false);
        INDArray y = s.mul(xv);
        return Tape.op(y, g -> {
            // d = σ + x σ (1 − σ) = σ + y − y σ
            INDArray d = y.sub(y.mul(s)).addi(s).muli(g);
            x.accumulateOwned(d);
        }, x);
    }

    /**
     * SwiGLU's neurons silu(gate) ⊙ up, gate and up (..., ffn), as one recorded op: the same products as
     * {@code mul(silu(gate), up)}, but backward keeps only the inputs (kept by their producers anyway), not σ(gate)
     * and silu(gate), which it recomputes (two (..., ffn) arrays per layer fewer held through a training step).
     */
    public static Var siluGated(Var gate, Var up) {
        INDArray gv = gate.value();
        INDArray uv = up.value();
        INDArray y = Transforms.sigmoid(gv.dup(), false).muli(gv).muli(uv);
        return Tape.op(y, g -> {
            INDArray s = Transforms.sigmoid(gv.dup(), false);
            INDArray silu = s.mul(gv);
            if (up.requiresGrad()) {
                up.accumulateOwned(g.mul(silu));
            }
            if (gate.requiresGrad()) {
                // d silu = σ + silu − silu σ, times d silu(gate) = g ⊙ up
                gate.accumulateOwned(silu.sub(silu.mul(s)).addi(s).muli(g.mul(uv)));
            }
        }, gate, up);
    }

    /** Exact GELU: x · Φ(x) = ½ x (1 + erf(x / √2)). */
    public static Var gelu(Var x) {
        INDArray xv = x.value();
        INDArray phi = xv.mul(SQRT_HALF);                                  // Φ(x)
        Nd4j.exec(new Erf(phi, phi));
        phi.addi(1.0).muli(0.5);
        if (!Tape.recording(x)) {
            return Var.constant(phi.muli(xv));
        }
        INDArray y = phi.mul(xv);
        return Tape.op(y, g -> {
            // d = Φ(x) + x φ(x),  φ(x) = exp(−x²/2) / √(2π)
            INDArray d = xv.mul(xv).muli(-0.5);
            Transforms.exp(d, false).muli(INV_SQRT_2PI).muli(xv).addi(phi).muli(g);
            x.accumulateOwned(d);
        }, x);
    }

    /** GELU, tanh approximation: ½ x (1 + tanh(√(2/π) (x + 0.044715 x³))). */
    public static Var geluTanh(Var x) {
        INDArray xv = x.value();
        if (!Tape.recording(x)) {
            // ½ (1 + tanh u) = σ(2u): y = x · σ(2u), six passes over x instead of nine
            INDArray s = xv.mul(xv).muli(2 * GELU_TANH_C * GELU_TANH_K).addi(2 * GELU_TANH_C).muli(xv);
            return Var.constant(Transforms.sigmoid(s, false).muli(xv));
        }
        INDArray x2 = xv.mul(xv);
        INDArray t = x2.mul(GELU_TANH_K).addi(1.0).muli(xv).muli(GELU_TANH_C);
        Transforms.tanh(t, false);                                          // tanh(u)
        INDArray y = t.add(1.0).muli(xv).muli(0.5);
        return Tape.op(y, g -> {
            // d = ½ (1 + t) + ½ x (1 − t²) √(2/π) (1 + 3·0.044715 x²)
            INDArray du = x2.mul(3 * GELU_TANH_K).addi(1.0).muli(GELU_TANH_C);
            INDArray sech2 = t.mul(t).rsubi(1.0);
            INDArray d = sech2.muli(du).muli(xv).addi(t).addi(1.0).muli(0.5).muli(g);
            x.accumulateOwned(d);
        }, x);
    }

    /**
     * Tanh soft-capping (Gemma-2): cap · tanh(x / cap), smooth and bounded by ±cap; dy/dx = 1 − (y / cap)². One pass
     * over x whatever its shape (all heads at once).
     */
    public static Var softcap(Var x, double cap) {
        if (!(cap > 0)) {
            throw new IllegalArgumentException("softcap: cap must be > 0, got " + cap);
        }
        INDArray y = Transforms.tanh(x.value().div(cap), false);
        if (!Tape.recording(x)) {
            return Var.constant(y.muli(cap));
        }
        INDArray d = y.mul(y).rsubi(1.0);                                  // 1 − tanh²
        return Tape.op(y.muli(cap), g -> x.accumulateOwned(d.muli(g)), x);
    }

    /** min(max(x, lo), hi); the gradient passes where lo ≤ x ≤ hi (PyTorch's clamp). */
    public static Var clamp(Var x, double lo, double hi) {
        if (lo > hi) {
            throw new IllegalArgumentException("clamp: lo " + lo + " > hi " + hi);
        }
        INDArray y = x.value().dup();
        BooleanIndexing.replaceWhere(y, lo, Conditions.lessThan(lo));
        BooleanIndexing.replaceWhere(y, hi, Conditions.greaterThan(hi));
        return Tape.op(y, g -> {
            INDArray passes = y.eq(x.value()).castTo(g.dataType());
            x.accumulateOwned(passes.muli(g));
        }, x);
    }

    /** Softmax over the last dim; a row that is entirely −∞ yields all zeros (not NaN). */
    public static Var softmax(Var x) {
        INDArray p = softmaxOf(x.value());
        return Tape.op(p, g -> x.accumulateOwned(softmaxBackward(p, g)), x);
    }

    /** log softmax over the last dim: x − max − log Σ exp(x − max). */
    public static Var logSoftmax(Var x) {
        INDArray lp = logSoftmaxOf(x.value());
        return Tape.op(lp, g -> {
            // dx = g − softmax · Σ g
            INDArray p = Transforms.exp(lp.dup(), false);
            x.accumulateOwned(p.muli(g.sum(true, -1)).rsubi(g));
        }, x);
    }

    /** Softmax rows of {@code x} into a fresh array; all-−∞ rows become zeros. */
    static INDArray softmaxOf(INDArray x) {
        return expNormalized(x.sub(finiteRowMax(x)));
    }

    /** Softmax rows of {@code x} written over {@code x} (the same arithmetic as {@link #softmaxOf}); returns x. */
    static INDArray softmaxInPlace(INDArray x) {
        return expNormalized(x.subi(finiteRowMax(x)));
    }

    // the max over the last dim, 0 where it is infinite (an all-−∞ row stays −∞ after the shift, so exp gives 0)
    private static INDArray finiteRowMax(INDArray x) {
        INDArray max = x.max(true, -1);
        BooleanIndexing.replaceWhere(max, 0.0, Conditions.isInfinite());
        return max;
    }

    // rows of p = x − max → exp(p) / Σ exp(p), in place; a row summing to 0 stays 0
    private static INDArray expNormalized(INDArray p) {
        Transforms.exp(p, false);
        INDArray sum = p.sum(true, -1);
        BooleanIndexing.replaceWhere(sum, 1.0, Conditions.equals(0.0));
        return p.divi(sum);
    }

    /** Log-softmax rows of {@code x} into a fresh array. */
    static INDArray logSoftmaxOf(INDArray x) {
        INDArray max = x.max(true, -1);
        BooleanIndexing.replaceWhere(max, 0.0, Conditions.isInfinite());
        INDArray shifted = x.sub(max);
        INDArray lse = Transforms.exp(shifted.dup(), false).sum(true, -1);
        Transforms.log(lse, false);
        return shifted.subi(lse);
    }

    /** dx = p · (g − Σ g·p) over the last dim. */
    static INDArray softmaxBackward(INDArray p, INDArray g) {
        INDArray gp = g.mul(p);
        INDArray dot = gp.sum(true, -1);
        return gp.subi(p.mul(dot));
    }
}
