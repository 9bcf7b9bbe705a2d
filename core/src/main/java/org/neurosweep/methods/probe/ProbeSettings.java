package org.neurosweep.methods.probe;

/**
 * @param mode          ranking among candidates or teacher-forced exact match
 * @param scoreKind     what ranks candidates (ranking mode)
 * @param maxCandidates candidates per fact, gold included (0 = the whole pool)
 * @param microBatch    sequences per forward pass
 */
public record ProbeSettings(ProbeMode mode, ScoreKind scoreKind, int maxCandidates, int microBatch) {

    public ProbeSettings {
        if (mode == null || scoreKind == null) {
            throw new IllegalArgumentException("probe mode and score kind must be set");
        }
        if (maxCandidates < 0 || maxCandidates == 1) {
            throw new IllegalArgumentException("max candidates must be 0 (whole pool) or >= 2, got " + maxCandidates);
        }
        if (microBatch < 1) {
            throw new IllegalArgumentException("micro-batch must be >= 1, got " + microBatch);
        }
    }

    /** The exact-match probe of the world models' reference figures (data/README.md). */
    public static ProbeSettings exactMatch(int microBatch) {
        return new ProbeSettings(ProbeMode.EXACT_MATCH, ScoreKind.SUM, 0, microBatch);
    }
}
