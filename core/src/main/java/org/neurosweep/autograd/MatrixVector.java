package org.neurosweep.autograd;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Row-vector × matrix products through OpenBLAS's {@code sgemv}, on the CPU backend. The OpenBLAS that ND4J ships
 * runs a GEMM with one column 8–10× slower than the same product as a GEMV (it packs the whole matrix for a single
 * column; measured in docs/BENCHMARKS.md), and a single-token decoding step is made of nothing but such products.
 * libnd4j's own gemv route rejects non-square transposed operands, so the call goes to the same OpenBLAS library
 * directly. Not used (callers fall back to GEMM) on other backends, for other dtypes, or when an operand's layout is
 * not a BLAS matrix.
 */
final class MatrixVector {
    private static final boolean AVAILABLE = detect();

    private MatrixVector() {
    }

    /**
     * x (1, k) · op(W) → a fresh c-order (1, m), op(W) = W (k, m) or, with {@code transposeW}, Wᵀ for W (m, k);
     * null when this path does not apply.
     */
    static INDArray rowTimes(INDArray x, INDArray w, boolean transposeW) {
        if (!AVAILABLE || x.rank() != 2 || x.size(0) != 1 || w.rank() != 2 || x.dataType() != DataType.FLOAT
                || w.dataType() != DataType.FLOAT || x.stride(1) < 1) {
            return null;
        }
        // W as a column-major BLAS matrix S: W itself (unit row stride) or Wᵀ (unit column stride)
        long rows = w.size(0);
        long cols = w.size(1);
        boolean storedTransposed;
        long ld;
        if ((w.stride(0) == 1 || rows == 1) && w.stride(1) >= Math.max(1, rows)) {
            storedTransposed = false;
            ld = Math.max(1, w.stride(1));
        } else if ((w.stride(1) == 1 || cols == 1) && w.stride(0) >= Math.max(1, cols)) {
            storedTransposed = true;
            ld = Math.max(1, w.stride(0));
        } else {
            return null;
        }
        long sRows = storedTransposed ? cols : rows;
        long sCols = storedTransposed ? rows : cols;
        long m = transposeW ? rows : cols;
        long k = transposeW ? cols : rows;
        if (x.size(1) != k || Math.max(Math.max(sRows, sCols), ld) > Integer.MAX_VALUE) {
            return null;
        }
        // yᵀ = op(W)ᵀ·xᵀ; op(W)ᵀ is S when "op(W)ᵀ = Wᵀ" and "S = Wᵀ" agree, else Sᵀ
        boolean sIsOpWT = !transposeW == storedTransposed;
        INDArray y = Nd4j.createUninitialized(DataType.FLOAT, new long[] {1, m}, 'c');
        Blas.sgemv(!sIsOpWT, (int) sRows, (int) sCols, w, (int) ld, x, (int) x.stride(1), y);
        return y;
    }

    private static boolean detect() {
        try {
            return "CpuBackend".equals(Nd4j.getBackend().getClass().getSimpleName())
                    && Blas.load();
        } catch (LinkageError | RuntimeException e) {
            return false;                                   // no OpenBLAS binding on the classpath (CUDA build)
        }
    }

    // the only class touching the OpenBLAS binding, loaded once detect() has found the CPU backend
    private static final class Blas {
        static boolean load() {
            return Loader.load(openblas_nolapack.class) != null;
        }

        static void sgemv(boolean transpose, int rows, int cols, INDArray a, int lda, INDArray x, int incX, INDArray y) {
            openblas_nolapack.cblas_sgemv(openblas_nolapack.CblasColMajor,
                    transpose ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans, rows, cols, 1f,
                    pointer(a), lda, pointer(x), incX, 0f, pointer(y), 1);
        }

        // the array's first element (ND4J's address pointer already includes a view's offset)
        private static FloatPointer pointer(INDArray a) {
            return new FloatPointer(a.data().addressPointer());
        }
    }
}
