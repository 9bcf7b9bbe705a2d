package org.neurosweep.quant;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Dense fp64 Cholesky factorisation of symmetric positive-definite matrices (a layer's d_in × d_in Hessian),
 * row-major {@code double[n·n]}. Matrices wider than {@link #BLOCK} are factored blocked, right-looking: per panel of
 * BLOCK columns, the diagonal block by the plain loops, the rows below it by forward substitution, and the trailing
 * matrix updated by one BLAS dgemm (A22 −= L21·L21ᵀ), which does all but O(n²·BLOCK) of the n³/3 flops.
 */
public final class Cholesky {

    /** Panel width of the blocked factorisation; at most this wide, the plain loops run alone. */
    static final int BLOCK = 128;

    private Cholesky() {
    }

    /**
     * The lower factor L with {@code A = L·Lᵀ} (upper triangle zero). Throws when A is not positive definite (a pivot
     * ≤ 0), naming the column.
     */
    public static double[] lower(double[] a, int n) {
        check(a, n);
        return n <= BLOCK ? unblocked(a, n, 0) : blocked(a, n);
    }

    /** The plain column-by-column factorisation alone (what {@link #lower} does up to {@link #BLOCK} columns). */
    public static double[] unblocked(double[] a, int n) {
        check(a, n);
        return unblocked(a, n, 0);
    }

    // right-looking: w holds A's trailing matrix, updated in place, and L's finished columns to its left
    private static double[] blocked(double[] a, int n) {
        double[] w = a.clone();
        for (int k = 0; k < n; k += BLOCK) {
            int b = Math.min(BLOCK, n - k);
            double[] diagonal = new double[b * b];                               // A11 (b, b)
            for (int i = 0; i < b; i++) {
                System.arraycopy(w, (k + i) * n + k, diagonal, i * b, b);
            }
            double[] l11 = unblocked(diagonal, b, k);
            for (int i = 0; i < b; i++) {
                System.arraycopy(l11, i * b, w, (k + i) * n + k, b);
            }
            int m = n - k - b;
            if (m == 0) {
                break;
            }
            double[] panel = new double[m * b];                                  // L21 = A21·L11⁻ᵀ (m, b)
            for (int i = 0; i < m; i++) {
                int row = (k + b + i) * n + k;
                for (int j = 0; j < b; j++) {
                    double s = w[row + j];
                    for (int p = 0; p < j; p++) {
                        s -= panel[i * b + p] * l11[j * b + p];
                    }
                    panel[i * b + j] = s / l11[j * b + j];
                }
                System.arraycopy(panel, i * b, w, row, b);
            }
            INDArray l21 = Nd4j.createFromArray(panel).reshape('c', m, b);
            double[] update = l21.mmul(l21.transpose()).dup('c').data().asDouble();   // L21·L21ᵀ (m, m)
            for (int i = 0; i < m; i++) {
                int row = (k + b + i) * n + k + b;
                for (int j = 0; j <= i; j++) {                                    // the lower triangle is all that is read
                    w[row + j] -= update[i * m + j];
                }
            }
        }
        for (int i = 0; i < n; i++) {
            Arrays.fill(w, i * n + i + 1, (i + 1) * n, 0.0);
        }
        return w;
    }

    // left-looking dot products, column after column; a failing column is named counting from first
    private static double[] unblocked(double[] a, int n, int first) {
        double[] l = new double[n * n];
        for (int j = 0; j < n; j++) {
            double d = a[j * n + j];
            for (int k = 0; k < j; k++) {
                d -= l[j * n + k] * l[j * n + k];
            }
            if (!(d > 0)) {
                throw new ArithmeticException("matrix is not positive definite: pivot " + d + " at column " + (first + j));
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
