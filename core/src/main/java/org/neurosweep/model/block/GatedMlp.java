package org.neurosweep.model.block;

import java.util.function.UnaryOperator;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.neurosweep.autograd.Linear;
import org.neurosweep.autograd.Tape;
import org.neurosweep.autograd.Var;
import org.neurosweep.hook.HookNames;
import org.neurosweep.hook.Layout;
import org.neurosweep.model.Activation;
import org.neurosweep.model.Weights;

/**
 * SwiGLU MLP: down(act(gate(x)) ⊙ up(x)); neuron k's activation is act(G_k·x)·(U_k·x). Used dense, as a routed
 * expert and as a shared expert.
 */
public final class GatedMlp implements FeedForward {
    private final Projection gate;
    private final Projection up;
    private final Projection down;
    private final Activation activation;
    /** (d, 2·ffn) f-order, gate's columns then up's, sharing their memory; null when they are separate arrays. */
    private final INDArray gateUp;

    public GatedMlp(Projection gate, Projection up, Projection down, Activation activation) {
        this(gate, up, down, activation, null);
    }

    private GatedMlp(Projection gate, Projection up, Projection down, Activation activation, INDArray gateUp) {
        this.gate = gate;
        this.up = up;
        this.down = down;
        this.activation = activation;
        this.gateUp = gateUp;
    }

    /**
     * A routed expert (no biases): gate and up are bound as views of one joint matrix, so that at inference one GEMM
     * computes both for the expert's tokens, its two halves coming out as contiguous blocks.
     */
    public static GatedMlp bindExpert(Weights w, String gateName, String upName, String downName, long d, long ffn,
                                      Activation activation) {
        Weights.ProjectionPair pair = w.projectionPair(gateName + ".weight", upName + ".weight", ffn, d);
        return new GatedMlp(new Projection(pair.first(), null), new Projection(pair.second(), null),
                Projection.bind(w, downName, ffn, d, false), activation, pair.joint());
    }

    /** Binds {@code prefix.gate/up/down} (or the given projection names) of width {@code ffn}. */
    public static GatedMlp bind(Weights w, String gateName, String upName, String downName, long d, long ffn,
                                boolean bias, Activation activation) {
        return new GatedMlp(Projection.bind(w, gateName, d, ffn, bias), Projection.bind(w, upName, d, ffn, bias),
                Projection.bind(w, downName, ffn, d, bias), activation);
    }

    /** Dense use: hooks {@code mlp.pre} (gate pre-activation) and {@code mlp.post} (neuron activations). */
    @Override
    public Var forward(Var x, ForwardContext ctx, int layer) {
        HookNames.Layer names = HookNames.layer(layer);
        return apply(x, v -> ctx.hooks().at(names.mlpPre, Layout.TOKENS, v),
                v -> ctx.hooks().at(names.mlpPost, Layout.TOKENS, v));
    }

    /** x (..., d) → (..., d), passing the gate pre-activation and the neuron activations through the given hooks. */
    public Var apply(Var x, UnaryOperator<Var> preHook, UnaryOperator<Var> postHook) {
        Var[] gateAndUp = gateUp != null && x.rank() == 2 && !Tape.isRecording()
                ? jointProducts(x.value())
                : new Var[] {gate.apply(x), up.apply(x)};
        Var pre = preHook.apply(gateAndUp[0]);
        Var post = postHook.apply(Neurons.gated(activation, pre, gateAndUp[1]));
        return down.apply(post);
    }

    /**
     * A routed expert at inference (no tape, no hook at its neurons): rows (R, d) → its output written into
     * {@code outT}, an f-order (d, R) array (a column block of the layer's stacked output). Allocates only its
     * intermediates, in the calling thread's workspace; safe to call from several threads at once.
     */
    void inferInto(INDArray rows, INDArray outT) {
        Var[] gateAndUp = gateUp != null ? jointProducts(rows) : new Var[] {gate.apply(Var.constant(rows)),
            up.apply(Var.constant(rows))};
        INDArray neurons = Neurons.activate(activation, gateAndUp[0]).value().muli(gateAndUp[1].value());   // (R, ffn)
        Linear.rowsTimesInto(neurons, down.weight().value(), outT);
        if (down.bias() != null) {
            outT.addiColumnVector(down.bias().value().reshape(outT.size(0), 1));
        }
    }

    // rows (R, d) → {x·G, x·U}: one product into an (R, 2·ffn) result whose column blocks are contiguous (R, ffn)
    // arrays: f-order from a GEMM, or one row from a GEMV (inference only: with a tape, separate products keep each
    // weight's gradient its own)
    private Var[] jointProducts(INDArray rows) {
        long ffn = gate.out();
        long r = rows.size(0);
        INDArray both;
        if (r == 1) {
            INDArray column = Nd4j.createUninitialized(rows.dataType(), new long[] {2 * ffn, 1}, 'f');
            Linear.rowsTimesInto(rows, gateUp, column);
            both = column.transpose();
        } else {
            both = Nd4j.createUninitialized(rows.dataType(), new long[] {r, 2 * ffn}, 'f');
            Nd4j.gemm(rows, gateUp, both, false, false, 1.0, 0.0);
        }
        return new Var[] {
            Var.constant(both.get(NDArrayIndex.all(), NDArrayIndex.interval(0, ffn))),
            Var.constant(both.get(NDArrayIndex.all(), NDArrayIndex.interval(ffn, 2 * ffn)))};
    }
}
