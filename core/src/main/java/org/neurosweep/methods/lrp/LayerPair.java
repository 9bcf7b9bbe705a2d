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

    /**
     * Parses {@code "i-j"} (1 <= i < j <= layers) for a model of {@code layers} blocks.
     *
     * @param what names the setting in the error, e.g. {@code "parameter layer-pairs"}
     */
    public static LayerPair parse(String spec, int layers, String what) {
        String[] ij = spec.split("-");
        LayerPair pair;
        try {
            pair = new LayerPair(Integer.parseInt(ij[0].trim()), Integer.parseInt(ij[ij.length - 1].trim()));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(what + ": '" + spec + "' is not a layer pair \"i-j\" with 1 <= i < j", e);
        }
        if (ij.length != 2 || pair.lirp() == pair.lsrp() || pair.lsrp() > layers) {
            throw new IllegalArgumentException(what + ": '" + spec + "' must be \"i-j\" with 1 <= i < j <= " + layers);
        }
        return pair;
    }

    /** {@code "i-j"}, the form {@link #parse} reads. */
    public String spec() {
        return lirp + "-" + lsrp;
    }

    @Override
    public String toString() {
        return "(" + lirp + ", " + lsrp + ")";
    }
}
