package org.neurosweep.methods.lens;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.neurosweep.autograd.Activations;
import org.neurosweep.autograd.Var;

/**
 * The projection of docs/methods/internal-cot.md §5 through the model's own head ({@link Unembedding}):
 * {@code logits(r) = W_U · (γ_f ⊙ c(T(r)) / s + β_f) + b_U}, for many vectors at once (one GEMM). With s = s*, the
 * divisor the final norm used for the true final residual at the same position, it is the papers' fixed-scale lens;
 * with s = the norm's own divisor of r it is the final norm applied to r (the flagged per-layer variant). For the
 * RMSNorm families c is the identity and s* = rms(h_L[t]); for the LayerNorm ones (GPT-NeoX, BLOOM, BERT's MLM
 * transform) c centres each row and s* = sqrt(var + eps) of the true final row. Softmax-invariant differences from
 * TransformerLens's folded/centred W_U do not change probabilities or ranks. A model that soft-caps its logits
 * (Gemma-2) has the lens logits soft-capped the same way.
 */
public final class LogitLens {
    private final Unembedding unembedding;

    public LogitLens(Unembedding unembedding) {
        this.unembedding = unembedding;
    }

    public Unembedding unembedding() {
        return unembedding;
    }

    /**
     * The final norm's own divisor of each row of {@code residuals} (n, d), after the head's transform: (n).
     * RMSNorm: sqrt(mean(u²) + eps); LayerNorm: sqrt(var(u) + eps), the population variance.
     */
    public INDArray scale(INDArray residuals) {
        INDArray u = normInput(residuals);
        if (unembedding.centred()) {
            u.subiColumnVector(u.mean(1).reshape(u.size(0), 1));
        }
        INDArray meanSquare = u.mul(u).mean(1);
        return Transforms.sqrt(meanSquare.addi(unembedding.eps()), false);
    }

    /** Lens logits (n, vocab) of {@code residuals} (n, d), row i's norm divided by {@code scales[i]} (n); f-order. */
    public INDArray logits(INDArray residuals, INDArray scales) {
        return logits(residuals, scales, 'f');
    }

    /**
     * The same in the given memory order: 'c' when the caller reduces each row over the vocabulary (contiguous rows),
     * 'f' when it reads columns.
     */
    public INDArray logits(INDArray residuals, INDArray scales, char order) {
        INDArray x = normInput(residuals);
        if (unembedding.centred()) {
            x.subiColumnVector(x.mean(1).reshape(x.size(0), 1));
        }
        x.diviColumnVector(scales.castTo(DataType.FLOAT).reshape(scales.length(), 1));
        x.muliRowVector(unembedding.gamma());
        if (unembedding.beta() != null) {
            x.addiRowVector(unembedding.beta());
        }
        INDArray out;
        if (order == 'c') {
            // (n, V) with contiguous rows is the memory of an f-order (V, n): write W_Uᵀ · xᵀ straight into it. Asked
            // for a c-order result, ND4J's mmul computes into an f-order temporary and copies it over (a strided
            // copy of the whole (n, V) array, a third of the GEMM's own time at V = 32k).
            INDArray t = Nd4j.createUninitialized(DataType.FLOAT, new long[] {unembedding.vocabSize(), x.size(0)}, 'f');
            unembedding.weight().transpose().mmul(x.transpose(), t);
            out = t.transpose();
        } else {
            out = Nd4j.createUninitialized(DataType.FLOAT, new long[] {x.size(0), unembedding.vocabSize()}, 'f');
            x.mmul(unembedding.weight(), out);
        }
        if (unembedding.bias() != null) {
            out.addiRowVector(unembedding.bias());
        }
        return unembedding.softcap() == null ? out : Activations.softcap(Var.constant(out), unembedding.softcap()).value();
    }

    // T(r) as a fresh fp32 (n, d) array the caller may change in place
    private INDArray normInput(INDArray residuals) {
        INDArray x = residuals.castTo(DataType.FLOAT);
        if (unembedding.transform() != null) {
            return unembedding.transform().apply(x);
        }
        return x == residuals ? x.dup() : x;
    }
}
