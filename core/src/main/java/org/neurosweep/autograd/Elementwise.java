package org.neurosweep.autograd;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Elementwise arithmetic with numpy broadcasting of trailing dims, e.g. (b, t, d) + (d),
 * (b, t, d) * (b, t, 1), (b, t, d) * (b, t, d). Every op allocates its output once.
 */
public final class Elementwise {

    private Elementwise() {
    }

    public static Var add(Var a, Var b) {
        INDArray out = combine(a.value(), b.value(), Kind.ADD);
        return Tape.op(out, g -> {
            Broadcast.backInto(a, g);
            Broadcast.backInto(b, g);
        }, a, b);
    }

    public static Var sub(Var a, Var b) {
        INDArray out = combine(a.value(), b.value(), Kind.SUB);
        return Tape.op(out, g -> {
            Broadcast.backInto(a, g);
            if (b.requiresGrad()) {
                Broadcast.backIntoOwned(b, g.neg());
            }
        }, a, b);
    }

    public static Var mul(Var a, Var b) {
        INDArray out = combine(a.value(), b.value(), Kind.MUL);
        return Tape.op(out, g -> {
            if (a.requiresGrad()) {
                Broadcast.backIntoOwned(a, combine(g, b.value(), Kind.MUL));
            }
            if (b.requiresGrad()) {
                Broadcast.backIntoOwned(b, combine(g, a.value(), Kind.MUL));
            }
        }, a, b);
    }

    /** x / y elementwise with broadcasting. */
    public static Var div(Var a, Var b) {
        INDArray out = combine(a.value(), b.value(), Kind.DIV);
        return Tape.op(out, g -> {
            if (a.requiresGrad()) {
                Broadcast.backIntoOwned(a, combine(g, b.value(), Kind.DIV));
            }
            if (b.requiresGrad()) {
                // d(a/b)/db = -out / b
                INDArray gb = combine(g, out, Kind.MUL);
                Broadcast.backIntoOwned(b, combine(gb, b.value(), Kind.DIV).negi());
            }
        }, a, b);
    }

    /** s · x. */
    public static Var scale(Var x, double s) {
        INDArray out = x.value().mul(s);
        return Tape.op(out, g -> x.accumulateOwned(g.mul(s)), x);
    }

    /** x + s. */
    public static Var addScalar(Var x, double s) {
        INDArray out = x.value().add(s);
        return Tape.op(out, x::addGrad, x);
    }

    /** −x. */
    public static Var neg(Var x) {
        return scale(x, -1.0);
    }

    private enum Kind { ADD, SUB, MUL, DIV }

    /** a ∘ b into one fresh array of the broadcast shape. */
    static INDArray combine(INDArray a, INDArray b, Kind kind) {
        Broadcast.shape(a.shape(), b.shape());
        return switch (kind) {
            case ADD -> a.add(b);
            case SUB -> a.sub(b);
            case MUL -> a.mul(b);
            case DIV -> a.div(b);
        };
    }
}
