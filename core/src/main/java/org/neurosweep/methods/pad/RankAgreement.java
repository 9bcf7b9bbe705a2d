package org.neurosweep.methods.pad;

/** How well a student's scores of a prompt's responses agree with the teacher's (PAD's training diagnostics). */
public final class RankAgreement {

    private RankAgreement() {
    }

    /** Kendall's τ-a: (concordant − discordant pairs) / (n choose 2); tied pairs count as neither. */
    public static double kendallTau(double[] a, double[] b) {
        int n = a.length;
        long score = 0;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                score += (long) Math.signum(a[i] - a[j]) * (long) Math.signum(b[i] - b[j]);
            }
        }
        return score / (n * (n - 1) / 2.0);
    }

    /** Index of the teacher's best response (highest score, lowest index on ties). */
    static int best(double[] teacher) {
        return PlackettLuce.rankingOf(teacher)[0];
    }

    /** Index of the teacher's worst response (lowest score, highest index on ties). */
    static int worst(double[] teacher) {
        int[] r = PlackettLuce.rankingOf(teacher);
        return r[r.length - 1];
    }
}
