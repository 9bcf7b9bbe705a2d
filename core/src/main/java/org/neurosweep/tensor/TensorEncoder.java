package org.neurosweep.tensor;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Writes the elements of an ND4J array in row-major order as little-endian bytes of a {@link DType}, in chunks of at
 * most {@link TensorDecoder#CHUNK_BYTES}; fp32 narrows to BF16/F16 by rounding to nearest even.
 */
final class TensorEncoder {

    private TensorEncoder() {
    }

    /** Writes {@code array.length() * dtype.byteSize()} bytes; {@code dtype} must be {@link DType#forArray} of the array. */
    static void write(INDArray array, DType dtype, OutputStream out) throws IOException {
        if (array.length() == 0) {
            return;
        }
        INDArray source = rowMajorContiguous(array, dtype);
        Pointer base = source.data().addressPointer();
        int size = dtype.byteSize();
        int chunkElements = TensorDecoder.CHUNK_BYTES / size;
        long count = source.length();
        ByteBuffer bytes = ByteBuffer.allocate((int) Math.min(count, chunkElements) * size).order(ByteOrder.LITTLE_ENDIAN);
        for (long done = 0; done < count; ) {
            int n = (int) Math.min(chunkElements, count - done);
            encodeChunk(base, dtype, done, n, bytes);
            out.write(bytes.array(), 0, n * size);
            done += n;
        }
    }

    /** {@code array} itself when it is a c-ordered, non-view array of the loaded type of {@code dtype}; else a copy that is. */
    private static INDArray rowMajorContiguous(INDArray array, DType dtype) {
        DataType type = dtype.loadedType();
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            INDArray typed = array.dataType() == type ? array : array.castTo(type);
            boolean contiguous = typed.ordering() == 'c' && !typed.isView() && Shape.hasDefaultStridesForShape(typed)
                    && typed.data().length() == typed.length();
            return contiguous ? typed : typed.dup('c');
        }
    }

    /** Elements {@code [at, at + n)} of the contiguous array at {@code base}, encoded into {@code out} from index 0. */
    private static void encodeChunk(Pointer base, DType dtype, long at, int n, ByteBuffer out) {
        switch (dtype) {
            case F32 -> out.asFloatBuffer().put(floats(base, at, n));
            case BF16 -> {
                float[] values = floats(base, at, n);
                for (int i = 0; i < n; i++) {
                    out.putShort(2 * i, HalfFloats.floatToBf16(values[i]));
                }
            }
            case F16 -> {
                float[] values = floats(base, at, n);
                for (int i = 0; i < n; i++) {
                    out.putShort(2 * i, HalfFloats.floatToHalf(values[i]));
                }
            }
            case I32 -> {
                int[] values = new int[n];
                new IntPointer(base).position(at).get(values, 0, n);
                out.asIntBuffer().put(values);
            }
            case I64 -> {
                long[] values = new long[n];
                new LongPointer(base).position(at).get(values, 0, n);
                out.asLongBuffer().put(values);
            }
            case I8, U8, BOOL -> new BytePointer(base).position(at).get(out.array(), 0, n);
        }
    }

    private static float[] floats(Pointer base, long at, int n) {
        float[] values = new float[n];
        new FloatPointer(base).position(at).get(values, 0, n);
        return values;
    }
}
