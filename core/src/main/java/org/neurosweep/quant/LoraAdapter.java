package org.neurosweep.quant;

import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.neurosweep.autograd.Var;

/**
 * A floating-point LoRA adapter (Hu et al. 2021) on a frozen weight W0 (out, in), the baseline LoTA-QAF is compared
 * with: {@code W = W0 + (α/r)·B·A}, A (r, in) drawn like PEFT's default (Kaiming-uniform with a = √5, i.e.
 * U(−1/√in, 1/√in)), B (out, r) = 0. Merging it into integer codes would need re-quantizing W, which loses part of the
 * adaptation; it is kept in floating point here.
 */
public final class LoraAdapter implements WeightAdapter {

    private final INDArray frozen;
    private final Var a;
    private final Var b;
    private final double scaling;

    private LoraAdapter(INDArray frozen, INDArray a, INDArray b, double scaling) {
        this.frozen = frozen;
        this.a = Var.param(a);
        this.b = Var.param(b);
        this.scaling = scaling;
    }

    /** A fresh adapter of rank {@code rank} and scaling α/r on {@code frozen} (out, in), which it keeps. */
    public static LoraAdapter init(INDArray frozen, int rank, double alpha, long seed) {
        if (rank < 1) {
            throw new IllegalArgumentException("LoRA rank must be >= 1, got " + rank);
        }
        long in = frozen.size(1);
        INDArray a = Draws.uniform(seed, rank, (int) in, 1.0 / Math.sqrt(in));
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            return new LoraAdapter(frozen, a, Nd4j.zeros(DataType.FLOAT, frozen.size(0), rank), alpha / rank);
        }
    }

    @Override
    public INDArray effectiveWeight() {
        return b.value().mmul(a.value()).muli(scaling).addi(frozen);
    }

    @Override
    public void backward(INDArray weightGrad) {
        a.addGrad(b.value().transpose().mmul(weightGrad).muli(scaling));
        b.addGrad(weightGrad.mmul(a.value().transpose()).muli(scaling));
    }

    @Override
    public List<Var> parameters() {
        return List.of(a, b);
    }
}
