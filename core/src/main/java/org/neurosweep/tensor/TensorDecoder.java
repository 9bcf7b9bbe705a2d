package org.neurosweep.tensor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Turns stored little-endian elements into ND4J arrays: floating-point dtypes widened to fp32, integers and booleans
 * kept at their width. Bytes are read in chunks of at most {@link #CHUNK_BYTES} and copied into the array's native
 * buffer, so no heap copy of the whole tensor is ever made and tensors over 2 GB decode.
 */
final class TensorDecoder {

    static final int CHUNK_BYTES = 1 << 22;

    private TensorDecoder() {
    }

    /**
     * The {@code count} elements of {@code dtype} at byte {@code position} of {@code file}, shaped c-order to
     * {@code shape} (whose product is {@code count}) and laid out in {@code order} ('c' or 'f').
     */
    static INDArray decode(RandomAccessBytes file, long position, DType dtype, long[] shape, char order) throws IOException {
        checkOrder(order);
        if (shapeHasZero(shape)) {
            try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                return Nd4j.create(dtype.loadedType(), shape.clone(), Nd4j.getStrides(shape, order), order);
            }
        }
        INDArray flat = decodeFlat(file, position, dtype, product(shape));
        INDArray shaped = flat.reshape('c', shape);
        if (order == 'c') {
            return shaped;
        }
        INDArray laidOut = detachedDup(shaped, order);
        flat.close();                                  // the row-major copy: freed now, not at some later GC
        return laidOut;
    }

    /** The {@code count} elements of {@code dtype} at byte {@code position}, as a detached (count,) array. */
    static INDArray decodeFlat(RandomAccessBytes file, long position, DType dtype, long count) throws IOException {
        INDArray out;
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            out = Nd4j.createUninitialized(dtype.loadedType(), new long[] {count}, 'c');
        }
        int size = dtype.byteSize();
        int chunkElements = CHUNK_BYTES / size;
        ChunkCopier copier = new ChunkCopier(dtype, out.data().addressPointer(), (int) Math.min(count, chunkElements));
        for (long done = 0; done < count; ) {
            int n = (int) Math.min(chunkElements, count - done);
            copier.copy(file.read(position + done * size, n * size), done, n);
            done += n;
        }
        return out;
    }

    /** A copy of {@code array} in {@code order}, detached from any workspace. */
    static INDArray detachedDup(INDArray array, char order) {
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            return array.dup(order);
        }
    }

    static void checkOrder(char order) {
        if (order != 'c' && order != 'f') {
            throw new IllegalArgumentException("array order must be 'c' or 'f', not '" + order + "'");
        }
    }

    static boolean shapeHasZero(long[] shape) {
        for (long d : shape) {
            if (d == 0) {
                return true;
            }
        }
        return false;
    }

    static long product(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /**
     * Copies one chunk of stored elements to the destination's native memory: byte for byte where the stored element is
     * the loaded one (F32, I32, I64, I8, U8 on a little-endian machine), so no heap memory is touched; otherwise decoded
     * into a heap array first (16-bit floats widened, booleans normalized).
     */
    private static final class ChunkCopier {
        private static final boolean LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

        private final DType dtype;
        private final Pointer destination;
        private final boolean raw;
        private float[] floats;
        private int[] ints;
        private long[] longs;
        private byte[] bytes;

        ChunkCopier(DType dtype, Pointer destination, int chunkElements) {
            this.dtype = dtype;
            this.destination = destination;
            this.raw = LITTLE_ENDIAN && dtype != DType.BF16 && dtype != DType.F16 && dtype != DType.BOOL;
            if (!raw) {
                switch (dtype) {
                    case F32, BF16, F16 -> floats = new float[chunkElements];
                    case I32 -> ints = new int[chunkElements];
                    case I64 -> longs = new long[chunkElements];
                    case I8, U8, BOOL -> bytes = new byte[chunkElements];
                }
            }
        }

        /** Elements {@code [at, at + n)} of the destination from {@code src} (little-endian, n elements). */
        void copy(ByteBuffer src, long at, int n) {
            if (raw) {
                long size = dtype.byteSize();
                new BytePointer(destination).position(at * size).limit((at + n) * size).asByteBuffer()
                        .put(src.duplicate().limit((int) (n * size)));
                return;
            }
            switch (dtype) {
                case F32 -> src.asFloatBuffer().get(floats, 0, n);
                case BF16 -> {
                    for (int i = 0; i < n; i++) {
                        floats[i] = HalfFloats.bf16ToFloat(src.getShort(2 * i));
                    }
                }
                case F16 -> {
                    for (int i = 0; i < n; i++) {
                        floats[i] = HalfFloats.halfToFloat(src.getShort(2 * i));
                    }
                }
                case I32 -> src.asIntBuffer().get(ints, 0, n);
                case I64 -> src.asLongBuffer().get(longs, 0, n);
                case I8, U8 -> src.get(bytes, 0, n);
                case BOOL -> {
                    for (int i = 0; i < n; i++) {
                        bytes[i] = src.get(i) == 0 ? (byte) 0 : (byte) 1;
                    }
                }
            }
            switch (dtype) {
                case F32, BF16, F16 -> new FloatPointer(destination).position(at).put(floats, 0, n);
                case I32 -> new IntPointer(destination).position(at).put(ints, 0, n);
                case I64 -> new LongPointer(destination).position(at).put(longs, 0, n);
                case I8, U8, BOOL -> new BytePointer(destination).position(at).put(bytes, 0, n);
            }
        }
    }
}
