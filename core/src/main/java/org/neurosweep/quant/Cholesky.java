package org.neurosweep.quant;

/**
 * Dense fp64 Cholesky factorisation of small symmetric positive-definite matrices (a layer's d_in × d_in Hessian),
 * row-major {@code double[n·n]}. Plain loops: the matrices are at most a few thousand wide and this runs once per
 * layer, so exactness and a clear failure matter more than speed.
 */
public final class Cholesky {

    private Cholesky() {
    }

    /**
     * The lower factor L with {@code A = L·Lᵀ} (upper triangle zero). Throws when A is not positive definite (a pivot
     * ≤ 0), naming the column.
     */
    public static double[] lower(double[] a, int n) {
        check(a, n);
        double[] l = new double[n * n];
        for (int j = 0; j < n; j++) {
            double d = a[j * n + j];
            for (int k = 0; k < j; k++) {
                d -= l[j * n + k] * l[j * n + k];
            }
            if (!(d > 0)) {
                throw new ArithmeticException("matrix is not positive definite: pivot " + d + " at column " + j);
            }
            double ljj = Math.sqrt(d);
            l[j * n + j] = ljj;
            for (int i = j + 1; i < n; i++) {
                double s = a[i * n + j];
                for (int k = 0; k < j; k++) {
                    s -= l[i * n + k] * l[j * n + k];
                }
                l[i * n + j] = s / ljj;
            }
        }
        return l;
    }

    /** A⁻¹ from A's lower factor L: {@code (L·Lᵀ)⁻¹ = L⁻ᵀ·L⁻¹} (torch's {@code cholesky_inverse}). */
    public static double[] inverse(double[] lower, int n) {
        check(lower, n);
        double[] inv = invertLower(lower, n);                    // L⁻¹, lower triangular
        double[] out = new double[n * n];
        // (L⁻ᵀ L⁻¹)[i,:] = Σ_k L⁻¹[k,i] · L⁻¹[k,:], k ≥ i: row updates over contiguous rows of L⁻¹
        for (int k = 0; k < n; k++) {
            for (int i = 0; i <= k; i++) {
                double a = inv[k * n + i];
                if (a != 0) {
                    for (int j = 0; j <= k; j++) {
                        out[i * n + j] += a * inv[k * n + j];
                    }
                }
            }
        }
        return out;
    }

    /** The upper factor U with {@code A = Uᵀ·U} (U = Lᵀ), what GPTQ's error compensation reads row by row. */
    public static double[] upper(double[] a, int n) {
        double[] l = lower(a, n);
        double[] u = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                u[j * n + i] = l[i * n + j];
            }
        }
        return u;
    }

    // forward substitution row by row, L·X = I: X[i,:] = (e_i − Σ_{k<i} L[i,k]·X[k,:]) / L[i,i], contiguous rows
    private static double[] invertLower(double[] l, int n) {
        double[] x = new double[n * n];
        for (int i = 0; i < n; i++) {
            int row = i * n;
            x[row + i] = 1;
            for (int k = 0; k < i; k++) {
                double a = l[row + k];
                if (a != 0) {
                    for (int c = 0; c <= k; c++) {
                        x[row + c] -= a * x[k * n + c];
                    }
                }
            }
            double d = l[row + i];
            for (int c = 0; c <= i; c++) {
                x[row + c] /= d;
            }
        }
        return x;
    }

    private static void check(double[] a, int n) {
        if (a.length != (long) n * n) {
            throw new IllegalArgumentException("expected a " + n + "×" + n + " matrix, got " + a.length + " values");
        }
    }
}
