package org.neurosweep.methods.lrp;

import java.util.ArrayList;
import java.util.List;

/**
 * Where LRP2 projects (layers 1-based, docs/methods/lrp2-mlama.md §2): LIRP after block {@code lirp}, LSRP after block
 * {@code lsrp}. The paper searches i < j; i = j is allowed here as the degenerate pair whose two shifts cancel.
 */
public record LayerPair(int lirp, int lsrp) {

    public LayerPair {
        if (lirp < 1 || lsrp < lirp) {
            throw new IllegalArgumentException("LRP2 layers need 1 <= i <= j, got (" + lirp + ", " + lsrp + ")");
        }
    }

    /** The search space of B5 for a model of {@code layers} blocks: every 1 <= i < j <= L, i ascending, then j. */
    public static List<LayerPair> searchSpace(int layers) {
        List<LayerPair> pairs = new ArrayList<>();
        for (int i = 1; i < layers; i++) {
            for (int j = i + 1; j <= layers; j++) {
                pairs.add(new LayerPair(i, j));
            }
        }
        return pairs;
    }

    @Override
    public String toString() {
        return "(" + lirp + ", " + lsrp + ")";
    }
}
