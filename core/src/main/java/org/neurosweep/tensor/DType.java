package org.neurosweep.tensor;

import org.nd4j.linalg.api.buffer.DataType;

/**
 * Element types of stored tensors, spelled as in the safetensors header.
 *
 * <p>Floating-point tensors are always widened to fp32 on load ({@link #loadedType()} is {@code FLOAT});
 * integer and boolean tensors keep their width as the matching ND4J type (I8 → INT8, U8 → UINT8,
 * I32 → INT32, I64 → INT64, BOOL → BOOL).
 */
public enum DType {
    F32(4, DataType.FLOAT),
    F16(2, DataType.FLOAT),
    BF16(2, DataType.FLOAT),
    I8(1, DataType.INT8),
    U8(1, DataType.UINT8),
    I32(4, DataType.INT32),
    I64(8, DataType.INT64),
    BOOL(1, DataType.BOOL);

    private final int byteSize;
    private final DataType loadedType;

    DType(int byteSize, DataType loadedType) {
        this.byteSize = byteSize;
        this.loadedType = loadedType;
    }

    /** Bytes per stored element. */
    public int byteSize() {
        return byteSize;
    }

    /** The ND4J type of an array loaded from a tensor of this dtype. */
    public DataType loadedType() {
        return loadedType;
    }

    public boolean isFloatingPoint() {
        return loadedType == DataType.FLOAT;
    }

    /** The dtype named {@code name} in a safetensors header, or null when there is none of that name. */
    public static DType fromHeaderName(String name) {
        for (DType d : values()) {
            if (d.name().equals(name)) {
                return d;
            }
        }
        return null;
    }

    /**
     * The dtype in which an ND4J array of {@code type} is stored; floating-point arrays go to {@code floatType}.
     *
     * @throws IllegalArgumentException for ND4J types with no safetensors counterpart here (SHORT, UINT16, ...)
     */
    public static DType forArray(DataType type, DType floatType) {
        if (type.isFPType()) {
            return floatType;
        }
        for (DType d : values()) {
            if (!d.isFloatingPoint() && d.loadedType == type) {
                return d;
            }
        }
        throw new IllegalArgumentException("no safetensors dtype for ND4J type " + type);
    }
}
