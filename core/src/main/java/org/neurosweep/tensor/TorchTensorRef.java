package org.neurosweep.tensor;

import java.util.Arrays;

/**
 * A tensor of a torch.save pickle: a strided view of a storage, as rebuilt by {@code torch._utils._rebuild_tensor_v2}.
 * Element {@code (i0, i1, ...)} is storage element {@code offset + Σ i_k * stride[k]}.
 *
 * @param storage the storage's entry key ({@code data/<key>} in the zip), element type and element count
 */
record TorchTensorRef(Storage storage, long offset, long[] shape, long[] stride) {

    /** One storage of the zip: entry {@code data/<key>}, holding {@code numel} elements of {@code dtype}. */
    record Storage(String key, DType dtype, long numel) {
    }

    long numel() {
        return TensorDecoder.product(shape);
    }

    /** Storage elements from {@code offset} through the last element the view touches; 0 for an empty view. */
    long span() {
        if (numel() == 0) {
            return 0;
        }
        long last = 0;
        for (int k = 0; k < shape.length; k++) {
            last = Math.addExact(last, Math.multiplyExact(shape[k] - 1, stride[k]));
        }
        return last + 1;
    }

    /** True when the view is the storage's elements {@code [offset, offset + numel)} in row-major order. */
    boolean isRowMajorContiguous() {
        long expected = 1;
        for (int k = shape.length - 1; k >= 0; k--) {
            if (shape[k] != 1 && stride[k] != expected) {
                return false;
            }
            expected *= shape[k];
        }
        return true;
    }

    @Override
    public String toString() {
        return "tensor(storage " + storage.key() + ", " + storage.dtype() + ", offset " + offset + ", shape "
                + Arrays.toString(shape) + ", stride " + Arrays.toString(stride) + ")";
    }
}
