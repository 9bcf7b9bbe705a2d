package org.neurosweep.methods.lrp;

import java.util.Map;
import java.util.TreeMap;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.neurosweep.autograd.Elementwise;
import org.neurosweep.autograd.Var;
import org.neurosweep.hook.HookNames;
import org.neurosweep.hook.Hooks;

/**
 * LRP2's two parameter-free projections (docs/methods/lrp2-mlama.md §4, B2) for queries in language l:
 * LIRP after block i, h^i ← h^i − v^i_l + v^i_en (towards English), and LSRP after block j,
 * h^j ← h^j − v^j_en + v^j_l (back to l), as additive shifts of the residual stream ({@code blocks.(i−1).resid_post}).
 * Both shifts of one layer are summed in double precision first, so i = j adds exactly nothing, and English (or
 * l with v_l = v_en) gets no hook at all: the identity.
 *
 * <p>The shift is added at every position of the batch. The probe's queries carry no special tokens, and padding
 * positions never reach real ones (causal and padding masks), so this equals applying it to query tokens only.
 */
public final class Lrp2Projection {

    private Lrp2Projection() {
    }

    /** Hooks projecting {@code language} at {@code pair}, relative to {@code english}; empty when they cancel. */
    public static Hooks hooks(LanguageVectors vectors, String language, String english, LayerPair pair) {
        Hooks hooks = Hooks.none();
        shifts(vectors, language, english, pair).forEach((layer, shift) -> {
            INDArray delta;
            try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                delta = Nd4j.createFromArray(toFloats(shift));                                       // (d)
            }
            hooks.intervene(HookNames.residPost(layer - 1),
                    (h, ctx) -> Elementwise.add(h, Var.constant(delta)));                             // (b, t, d) + (d)
        });
        return hooks;
    }

    /** The net shift per layer (1-based) that the pair adds; layers whose shift is zero are absent. */
    static Map<Integer, double[]> shifts(LanguageVectors vectors, String language, String english, LayerPair pair) {
        if (pair.lsrp() > vectors.layers()) {
            throw new IllegalArgumentException("LRP2 layer " + pair.lsrp() + " beyond the model's " + vectors.layers());
        }
        Map<Integer, double[]> shifts = new TreeMap<>();
        add(shifts, pair.lirp(), vectors.vector(english, pair.lirp()), vectors.vector(language, pair.lirp()));
        add(shifts, pair.lsrp(), vectors.vector(language, pair.lsrp()), vectors.vector(english, pair.lsrp()));
        shifts.values().removeIf(Lrp2Projection::isZero);
        return shifts;
    }

    // shifts[layer] += plus − minus
    private static void add(Map<Integer, double[]> shifts, int layer, double[] plus, double[] minus) {
        double[] s = shifts.computeIfAbsent(layer, k -> new double[plus.length]);
        for (int k = 0; k < s.length; k++) {
            s[k] += plus[k] - minus[k];
        }
    }

    private static boolean isZero(double[] v) {
        for (double x : v) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    private static float[] toFloats(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }
}
