package org.neurosweep.methods.moe;

/** A routed expert of one layer: the unit that expert blocking removes (docs/methods/moe-attribution.md step 7). */
public record ExpertPair(int layer, int expert) {

    /** {@code layer:expert}, as tables list blocked pairs. */
    @Override
    public String toString() {
        return layer + ":" + expert;
    }
}
