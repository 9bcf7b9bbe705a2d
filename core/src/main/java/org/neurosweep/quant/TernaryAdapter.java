package org.neurosweep.quant;

import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.neurosweep.autograd.Var;

/**
 * LoTA-QAF's ternary adapter of one quantized projection (Chen et al. 2025, arXiv:2505.18724).
 *
 * <p>A (r, in) and B (out, r) hold values in {−1, 0, +1}. Their product {@code P = B·A} (out, in) has integer entries
 * in [−r, r]; the ternary markers are {@code M = +1 where P > ω and Q < qmax, −1 where P < −ω and Q > 0, else 0}
 * (strict inequalities: |P| = ω gives 0), so {@code Q + M} never leaves [0, qmax]. With the residual on, the part of
 * P the markers did not use, {@code R = P − ω·M}, moves each group's zero point by {@code δ = Σ_{i∈G} R / (ω·g)}.
 * The effective weight is that of the merged layer {@code (Q + M, s, z, δ)} ({@link QuantizedLinear#weight()}), so
 * training and merged inference share one evaluation order and the merge is lossless bit for bit.
 *
 * <p>Backward: M passes gradients straight through (∂M/∂P = 1, the boundary masks ignored) and δ is differentiated
 * exactly, so {@code ∂L/∂P[o,i] = s[o,G(i)]·(∂L/∂W[o,i] + Σ_{i'∈G(i)} ∂L/∂W[o,i'] / (ω·g))}; then
 * {@code ∂L/∂A = Bᵀ·∂L/∂P}, {@code ∂L/∂B = ∂L/∂P·Aᵀ}.
 */
public final class TernaryAdapter implements WeightAdapter {

    /**
     * @param rank     r, the inner width of B·A
     * @param omega    ω, the threshold |P| must exceed for a marker; 0 &lt; ω &lt; r (else no marker could fire)
     * @param residual whether δ adapts the zero points (off: δ ≡ 0 and the merged zeros stay integers)
     */
    public record Settings(int rank, double omega, boolean residual) {

        public Settings {
            if (rank < 1) {
                throw new IllegalArgumentException("rank must be >= 1, got " + rank);
            }
            if (!(omega > 0) || omega >= rank) {
                throw new IllegalArgumentException("omega must lie in (0, rank = " + rank + "), got " + omega
                        + ": with omega >= rank no marker can ever fire");
            }
        }

        /** ω = 0.75·r, the ratio of the paper's r = 64, ω = 48. */
        public static Settings of(int rank, boolean residual) {
            return new Settings(rank, 0.75 * rank, residual);
        }
    }

    /** P = B·A (out, in), the markers M (out, in) and the offsets δ (out, groups), all fresh. */
    public record State(INDArray product, INDArray markers, INDArray delta) {
    }

    private final QuantizedLinear base;
    private final Settings settings;
    private final Var a;
    private final Var b;
    /** (out, in) 1 where a code may step up (Q ≠ qmax) / down (Q ≠ 0), else 0. */
    private final INDArray canRise;
    private final INDArray canFall;

    /** An adapter with given ternary factors A (r, in) and B (out, r), e.g. a trained one read back. */
    public TernaryAdapter(QuantizedLinear base, Settings settings, INDArray a, INDArray b) {
        if (a.rank() != 2 || a.size(0) != settings.rank() || a.size(1) != base.in()
                || b.rank() != 2 || b.size(0) != base.out() || b.size(1) != settings.rank()) {
            throw new IllegalArgumentException("ternary factors must be A (" + settings.rank() + ", " + base.in()
                    + ") and B (" + base.out() + ", " + settings.rank() + ")");
        }
        this.base = base;
        this.settings = settings;
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            this.a = Var.param(a.castTo(DataType.FLOAT).dup('c'));
            this.b = Var.param(b.castTo(DataType.FLOAT).dup('c'));
            this.canRise = base.codes().neq(base.qmax()).castTo(DataType.FLOAT);
            this.canFall = base.codes().neq(0.0).castTo(DataType.FLOAT);
        }
        checkTernary(this.a.value(), "A");
        checkTernary(this.b.value(), "B");
    }

    /**
     * The paper's start: B = 0, so the adapted layer equals the quantized base; A drawn Kaiming-normal
     * (std √(2/in)) from {@code seed} and ternarized at Δ = 0.75·mean|A|: +1 above Δ, −1 below −Δ, 0 between.
     */
    public static TernaryAdapter init(QuantizedLinear base, Settings settings, long seed) {
        INDArray draw = Draws.normal(seed, settings.rank(), (int) base.in(), Math.sqrt(2.0 / base.in()));
        return new TernaryAdapter(base, settings, ternarize(draw), Nd4j.zeros(DataType.FLOAT, base.out(), settings.rank()));
    }

    /** +1 where x > Δ, −1 where x < −Δ, else 0, with Δ = 0.75·mean|x|. */
    static INDArray ternarize(INDArray x) {
        double threshold = 0.75 * Transforms.abs(x, true).meanNumber().doubleValue();
        return x.gt(threshold).castTo(DataType.FLOAT).subi(x.lt(-threshold).castTo(DataType.FLOAT));
    }

    /** P, M and δ of the current factors. */
    public State state() {
        double omega = settings.omega();
        INDArray p = b.value().mmul(a.value());                                          // (out, in), integers
        INDArray m = p.gt(omega).castTo(DataType.FLOAT).muli(canRise)
                .subi(p.lt(-omega).castTo(DataType.FLOAT).muli(canFall));
        INDArray delta = settings.residual()
                ? base.groups().sum(p.sub(m.mul(omega))).divi(omega * base.groups().groupSize())
                : Nd4j.zeros(DataType.FLOAT, base.out(), base.groups().groups());
        return new State(p, m, delta);
    }

    /** The lossless merge: codes Q' = Q + M (within [0, qmax] by construction), the same s, z, G, and δ. */
    public QuantizedLinear merged() {
        State s = state();
        return base.withCodes(base.codes().add(s.markers()), s.delta());
    }

    @Override
    public INDArray effectiveWeight() {
        return merged().weight();
    }

    @Override
    public void backward(INDArray weightGrad) {
        INDArray gp = productGradient(weightGrad);
        a.addGrad(b.value().transpose().mmul(gp));
        b.addGrad(gp.mmul(a.value().transpose()));
    }

    /** ∂L/∂P (out, in) from ∂L/∂W (out, in): the straight-through markers plus the exact gradient of δ. */
    public INDArray productGradient(INDArray weightGrad) {
        GroupIndex groups = base.groups();
        INDArray gp = weightGrad.mul(groups.expand(base.scales()));
        if (settings.residual()) {
            gp.addi(groups.expand(groups.sum(gp)).divi(settings.omega() * groups.groupSize()));
        }
        return gp;
    }

    @Override
    public List<Var> parameters() {
        return List.of(a, b);
    }

    public Var a() {
        return a;
    }

    public Var b() {
        return b;
    }

    public QuantizedLinear base() {
        return base;
    }

    public Settings settings() {
        return settings;
    }

    private static void checkTernary(INDArray x, String name) {
        INDArray off = x.neq(0.0).castTo(DataType.FLOAT).muli(x.neq(1.0).castTo(DataType.FLOAT))
                .muli(x.neq(-1.0).castTo(DataType.FLOAT));
        if (off.sumNumber().doubleValue() != 0) {
            throw new IllegalArgumentException(name + " must hold only -1, 0 and +1");
        }
    }
}
