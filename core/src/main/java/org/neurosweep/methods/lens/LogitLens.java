package org.neurosweep.methods.lens;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.neurosweep.autograd.Activations;
import org.neurosweep.autograd.Var;

/**
 * The projection of docs/methods/internal-cot.md §5: {@code logits(r) = W_U · (γ_f ⊙ r / s)}, for many vectors at once
 * (one GEMM). With s = s*, the RMS of the true final residual at the same position, it is the papers' fixed-scale lens;
 * with s = rms(r) it is the final RMSNorm applied to r (the flagged per-layer variant). Softmax-invariant differences
 * from TransformerLens's folded/centred W_U do not change probabilities or ranks. A model that soft-caps its
 * logits (Gemma-2) has the lens logits soft-capped the same way.
 */
public final class LogitLens {
    private final Unembedding unembedding;

    public LogitLens(Unembedding unembedding) {
        this.unembedding = unembedding;
    }

    public Unembedding unembedding() {
        return unembedding;
    }

    /** sqrt(mean(x²) + eps) of each row of {@code x} (n, d): (n). */
    public INDArray rms(INDArray x) {
        INDArray meanSquare = x.mul(x).mean(1);
        return Transforms.sqrt(meanSquare.addi(unembedding.eps()), false);
    }

    /** Lens logits (n, vocab) of {@code residuals} (n, d), row i divided by {@code scales[i]} (n); f-order. */
    public INDArray logits(INDArray residuals, INDArray scales) {
        return logits(residuals, scales, 'f');
    }

    /**
     * The same in the given memory order: 'c' when the caller reduces each row over the vocabulary (contiguous rows),
     * 'f' when it reads columns.
     */
    public INDArray logits(INDArray residuals, INDArray scales, char order) {
        INDArray x = residuals.castTo(DataType.FLOAT).divColumnVector(scales.reshape(scales.length(), 1));
        x.muliRowVector(unembedding.gamma());
        INDArray out = Nd4j.createUninitialized(DataType.FLOAT, new long[] {x.size(0), unembedding.vocabSize()}, order);
        x.mmul(unembedding.weight(), out);
        return unembedding.softcap() == null ? out : Activations.softcap(Var.constant(out), unembedding.softcap()).value();
    }
}
