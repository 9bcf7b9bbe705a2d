package org.neurosweep.quant;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * GPTQ's layer Hessian {@code H = (2/N)·Σ x·xᵀ} (in, in) over the N calibration rows x (in) that reach one linear
 * layer, accumulated in fp64 batch by batch. Not thread-safe.
 */
public final class Hessian {

    private final int in;
    private final INDArray sum;     // Σ x·xᵀ, (in, in) fp64, outside any workspace
    private long rows;

    public Hessian(int in) {
        this.in = in;
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            this.sum = Nd4j.zeros(DataType.DOUBLE, in, in);
        }
    }

    /** Adds the rows of {@code x} (…, in): every leading index is one calibration row. */
    public void add(INDArray x) {
        if (x.size(x.rank() - 1) != in) {
            throw new IllegalArgumentException("calibration rows have width " + x.size(x.rank() - 1) + ", the layer " + in);
        }
        INDArray rowsX = x.dup('c').reshape('c', x.length() / in, in).castTo(DataType.DOUBLE);
        Nd4j.gemm(rowsX, rowsX, sum, true, false, 1.0, 1.0);
        rows += rowsX.size(0);
    }

    public int in() {
        return in;
    }

    /** Calibration rows seen so far. */
    public long rows() {
        return rows;
    }

    /** H = 2/N · Σ x·xᵀ, row-major, fresh. */
    public double[] matrix() {
        if (rows == 0) {
            throw new IllegalStateException("no calibration rows reached the layer");
        }
        double[] h = sum.dup('c').data().asDouble();
        for (int k = 0; k < h.length; k++) {
            h[k] *= 2.0 / rows;
        }
        return h;
    }
}
