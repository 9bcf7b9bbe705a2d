package org.neurosweep.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The fp64 Cholesky factor, inverse and upper factor on hand-worked matrices and a random SPD one. */
class CholeskyTest {

    // A = L·Lᵀ with L = [[2,0,0],[6,1,0],[−8,5,3]], worked by hand
    private static final double[] A = {4, 12, -16, 12, 37, -43, -16, -43, 98};

    @Test
    void lowerFactorOfTheHandWorkedMatrix() {
        assertArrayEquals(new double[] {2, 0, 0, 6, 1, 0, -8, 5, 3}, Cholesky.lower(A, 3), 1e-12);
    }

    @Test
    void upperFactorIsTheTranspose() {
        assertArrayEquals(new double[] {2, 6, -8, 0, 1, 5, 0, 0, 3}, Cholesky.upper(A, 3), 1e-12);
    }

    @Test
    void inverseOfATwoByTwo() {
        // [[2,1],[1,2]]⁻¹ = (1/3)·[[2,−1],[−1,2]]
        double[] h = {2, 1, 1, 2};
        assertArrayEquals(new double[] {2.0 / 3, -1.0 / 3, -1.0 / 3, 2.0 / 3}, Cholesky.inverse(Cholesky.lower(h, 2), 2),
                1e-14);
    }

    @Test
    void inverseTimesMatrixIsIdentityOnARandomSpdMatrix() {
        int n = 40;
        double[] a = randomSpd(n, 3);
        double[] inv = Cholesky.inverse(Cholesky.lower(a, n), n);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int k = 0; k < n; k++) {
                    s += a[i * n + k] * inv[k * n + j];
                }
                assertEquals(i == j ? 1 : 0, s, 1e-10, "(A·A⁻¹)[" + i + "," + j + "]");
            }
        }
        double[] u = Cholesky.upper(inv, n);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int k = 0; k < n; k++) {
                    s += u[k * n + i] * u[k * n + j];
                }
                assertEquals(inv[i * n + j], s, 1e-12);
                if (j < i) {
                    assertEquals(0, u[i * n + j]);
                }
            }
        }
    }

    @Test
    void notPositiveDefiniteNamesTheColumn() {
        ArithmeticException e = assertThrows(ArithmeticException.class,
                () -> Cholesky.lower(new double[] {1, 2, 2, 1}, 2));
        assertTrue(e.getMessage().contains("column 1"), e.getMessage());
    }

    // L with integer entries in [−2, 2] below a diagonal of 8: every value either factorisation computes from
    // A = L·Lᵀ is an integer (sums of integer products, divisions by 8, √64), so both must return L exactly
    private static double[] integerLower(int n, long seed) {
        Random rnd = new Random(seed);
        double[] l = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < i; j++) {
                l[i * n + j] = rnd.nextInt(5) - 2;
            }
            l[i * n + i] = 8;
        }
        return l;
    }

    // XᵀX/2n + 0.1·I for Gaussian X (2n, n): well conditioned
    private static double[] randomSpd(int n, long seed) {
        Random rnd = new Random(seed);
        double[] x = new double[2 * n * n];
        for (int k = 0; k < x.length; k++) {
            x[k] = rnd.nextGaussian();
        }
        double[] a = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int r = 0; r < 2 * n; r++) {
                    s += x[r * n + i] * x[r * n + j];
                }
                a[i * n + j] = s / (2 * n) + (i == j ? 0.1 : 0);
            }
        }
        return a;
    }

    private static double[] timesTranspose(double[] l, int n) {
        double[] a = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int k = 0; k <= Math.min(i, j); k++) {
                    s += l[i * n + k] * l[j * n + k];
                }
                a[i * n + j] = s;
            }
        }
        return a;
    }

    @Test
    void blockedFactorRecoversAKnownFactorExactly() {
        int n = 2 * Cholesky.BLOCK + 44;                     // two full panels and a partial one
        double[] l = integerLower(n, 5);
        assertArrayEquals(l, Cholesky.lower(timesTranspose(l, n), n));
    }

    @Test
    void blockedFactorAgreesWithTheUnblockedOne() {
        int n = 2 * Cholesky.BLOCK + 44;
        double[] a = randomSpd(n, 4);
        assertArrayEquals(Cholesky.unblocked(a, n), Cholesky.lower(a, n), 1e-12);
    }

    @Test
    void blockedFactorNamesAFailingColumnInALaterPanel() {
        int n = 2 * Cholesky.BLOCK + 44;
        double[] a = timesTranspose(integerLower(n, 6), n);
        int bad = Cholesky.BLOCK + 72;
        a[bad * n + bad] = -1;
        ArithmeticException e = assertThrows(ArithmeticException.class, () -> Cholesky.lower(a, n));
        assertTrue(e.getMessage().contains("column " + bad), e.getMessage());
    }
}
