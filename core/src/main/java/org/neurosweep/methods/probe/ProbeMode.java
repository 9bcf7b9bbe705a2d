package org.neurosweep.methods.probe;

/** How an mLAMA fact is judged. */
public enum ProbeMode {
    /** The gold object ranked among the candidates by the log-probability of the filled template; P@1, rank, RR. */
    RANK,
    /**
     * Teacher-forced exact match (data/README.md): answered when every token of the object text is the argmax of
     * the logits that predict it.
     */
    EXACT_MATCH
}
