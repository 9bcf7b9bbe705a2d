package org.neurosweep.methods.privacy;

/**
 * A skew-normal distribution (Azzalini) with location ξ, scale ω and shape α, fitted to a sample by the method of
 * moments (mean, variance, skewness; the skewness clipped to the family's range |γ| &lt; 0.995). Used to extrapolate
 * a canary's exposure from a sample of the randomness space (Carlini et al. 2019, §4.3).
 */
public record SkewNormal(double location, double scale, double shape) {

    private static final double MAX_SKEW = 0.99;
    private static final int OWEN_T_INTERVALS = 2000;

    /** The moment fit of {@code sample} (at least 3 values, not all equal). */
    public static SkewNormal fit(double[] sample) {
        int n = sample.length;
        if (n < 3) {
            throw new IllegalArgumentException("a skew-normal fit needs at least 3 values, got " + n);
        }
        double mean = 0;
        for (double x : sample) {
            mean += x;
        }
        mean /= n;
        double m2 = 0;
        double m3 = 0;
        for (double x : sample) {
            double d = x - mean;
            m2 += d * d;
            m3 += d * d * d;
        }
        m2 /= n;
        m3 /= n;
        if (!(m2 > 0)) {
            throw new IllegalArgumentException("a skew-normal fit needs values that are not all equal");
        }
        double skew = Math.max(-MAX_SKEW, Math.min(MAX_SKEW, m3 / Math.pow(m2, 1.5)));
        // |γ| = (4 − π)/2 · (δ√(2/π))³ / (1 − 2δ²/π)^{3/2}  solved for δ
        double g = Math.pow(Math.abs(skew), 2.0 / 3);
        double delta = Math.signum(skew) * Math.sqrt(Math.PI / 2 * g / (g + Math.pow((4 - Math.PI) / 2, 2.0 / 3)));
        double scale = Math.sqrt(m2 / (1 - 2 * delta * delta / Math.PI));
        double location = mean - scale * delta * Math.sqrt(2 / Math.PI);
        return new SkewNormal(location, scale, delta / Math.sqrt(1 - delta * delta));
    }

    /** P(X ≤ x) = Φ(z) − 2 T(z, α), z = (x − ξ)/ω, with Owen's T function. */
    public double cdf(double x) {
        double z = (x - location) / scale;
        double p = normalCdf(z) - 2 * owenT(z, shape);
        return Math.max(0, Math.min(1, p));
    }

    /** Φ(z) through the complementary error function. */
    static double normalCdf(double z) {
        return 0.5 * erfc(-z / Math.sqrt(2));
    }

    /** erfc by the Chebyshev fit of Numerical Recipes (fractional error below 1.2e-7 everywhere). */
    static double erfc(double x) {
        double z = Math.abs(x);
        double t = 1 / (1 + 0.5 * z);
        double r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? r : 2 - r;
    }

    /** T(h, a) = 1/(2π) ∫_0^a exp(−h²(1 + x²)/2) / (1 + x²) dx by Simpson's rule (odd in a). */
    static double owenT(double h, double a) {
        if (a == 0) {
            return 0;
        }
        double width = a / OWEN_T_INTERVALS;
        double sum = 0;
        for (int i = 0; i <= OWEN_T_INTERVALS; i++) {
            double x = i * width;
            double f = Math.exp(-0.5 * h * h * (1 + x * x)) / (1 + x * x);
            sum += f * (i == 0 || i == OWEN_T_INTERVALS ? 1 : i % 2 == 1 ? 4 : 2);
        }
        return sum * width / 3 / (2 * Math.PI);
    }
}
