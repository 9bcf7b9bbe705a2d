package org.neurosweep.autograd;

/**
 * The row kernel of {@link Losses#distillationPerToken}: for student logits z and teacher logits s, both (n, V) held
 * row-major in double, one pass per row computes the three softmaxes the loss reads — softmax(z_t) for the
 * cross-entropy, softmax(z_t / τ_t) and P_t = softmax(s_t / τ_t) for the KL — and the row's value
 * <pre>
 *   ceWeight_t · (logsumexp(z_t) − z_t[y_t]) + klWeight_t · Σ_v P_t,v · (log P_t,v − log softmax(z_t / τ_t)_v)
 * </pre>
 * keeping the softmaxes for the gradient, which is then one more pass without exponentials. All arithmetic is in
 * double whatever the logits' dtype: V exponentials per softmax per row, no per-op temporaries.
 */
final class DistillationRows {
    private final int n;
    private final int vocab;
    private final int[] targets;
    private final int ignoreIndex;
    private final double[] taus;
    private final double[] ceWeights;
    private final double[] klWeights;
    private final double[] softmax;        // softmax(z_t), (n·V)
    private final double[] softmaxAtTau;   // softmax(z_t / τ_t), (n·V)
    private final double[] teacherProbs;   // P_t = softmax(s_t / τ_t), (n·V)
    private final double[] values;         // the row values, (n)

    DistillationRows(double[] student, double[] teacher, int n, int vocab, int[] targets, int ignoreIndex,
                     double[] taus, double[] ceWeights, double[] klWeights) {
        this.n = n;
        this.vocab = vocab;
        this.targets = targets;
        this.ignoreIndex = ignoreIndex;
        this.taus = taus;
        this.ceWeights = ceWeights;
        this.klWeights = klWeights;
        this.softmax = new double[n * vocab];
        this.softmaxAtTau = new double[n * vocab];
        this.teacherProbs = new double[n * vocab];
        this.values = new double[n];
        for (int t = 0; t < n; t++) {
            int off = t * vocab;
            double tau = taus[t];
            double logZ = softmaxRow(student, off, 1.0, softmax);
            double logZTau = softmaxRow(student, off, tau, softmaxAtTau);
            double logZTeacher = softmaxRow(teacher, off, tau, teacherProbs);
            double kl = 0;
            for (int v = 0; v < vocab; v++) {
                double p = teacherProbs[off + v];
                if (p > 0) {
                    kl += p * ((teacher[off + v] - student[off + v]) / tau - logZTeacher + logZTau);
                }
            }
            double ce = targets[t] == ignoreIndex ? 0 : logZ - student[off + targets[t]];
            values[t] = ceWeights[t] * ce + klWeights[t] * kl;
        }
    }

    /** The row values (n). */
    double[] values() {
        return values;
    }

    /**
     * d Σ_t g_t · value_t / d z, (n·V) row-major:
     * g_t · ceWeight_t · (softmax(z_t) − onehot(y_t)) + g_t · klWeight_t / τ_t · (softmax(z_t / τ_t) − P_t).
     */
    double[] gradient(double[] g) {
        double[] d = new double[n * vocab];
        for (int t = 0; t < n; t++) {
            int off = t * vocab;
            boolean counted = targets[t] != ignoreIndex;
            double a = counted ? g[t] * ceWeights[t] : 0;
            double b = g[t] * klWeights[t] / taus[t];
            for (int v = 0; v < vocab; v++) {
                d[off + v] = a * softmax[off + v] + b * (softmaxAtTau[off + v] - teacherProbs[off + v]);
            }
            if (counted) {
                d[off + targets[t]] -= a;
            }
        }
        return d;
    }

    /** softmax(x_row / τ) into out's row; returns logsumexp(x_row / τ). */
    private double softmaxRow(double[] x, int off, double tau, double[] out) {
        double max = Double.NEGATIVE_INFINITY;
        for (int v = 0; v < vocab; v++) {
            max = Math.max(max, x[off + v]);
        }
        double inverseTau = 1.0 / tau;
        double sum = 0;
        for (int v = 0; v < vocab; v++) {
            double e = Math.exp((x[off + v] - max) * inverseTau);
            out[off + v] = e;
            sum += e;
        }
        double inverseSum = 1.0 / sum;
        for (int v = 0; v < vocab; v++) {
            out[off + v] *= inverseSum;
        }
        return max * inverseTau + Math.log(sum);
    }
}
