package org.neurosweep.tensor;

/**
 * One tensor of a safetensors file: its stored dtype and shape, and where its bytes lie.
 *
 * @param position absolute byte offset of the first element in the file (8 + header length + data_offsets[0])
 * @param byteLength data_offsets[1] - data_offsets[0], equal to product(shape) × dtype size
 */
record TensorInfo(String name, DType dtype, long[] shape, long position, long byteLength) {
}
