package org.neurosweep.tensor;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The only globals a torch.save state-dict pickle may name: tensor rebuilding, storage types, and the dict class.
 * {@link RestrictedUnpickler} maps each to a Java action and refuses every other global, so a pickle never causes
 * anything to be imported or run.
 */
enum TorchGlobal {
    ORDERED_DICT("collections", "OrderedDict", null),
    REBUILD_TENSOR_V2("torch._utils", "_rebuild_tensor_v2", null),
    REBUILD_PARAMETER("torch._utils", "_rebuild_parameter", null),
    REBUILD_PARAMETER_WITH_STATE("torch._utils", "_rebuild_parameter_with_state", null),
    FLOAT_STORAGE("torch", "FloatStorage", DType.F32),
    HALF_STORAGE("torch", "HalfStorage", DType.F16),
    BFLOAT16_STORAGE("torch", "BFloat16Storage", DType.BF16),
    LONG_STORAGE("torch", "LongStorage", DType.I64),
    INT_STORAGE("torch", "IntStorage", DType.I32),
    CHAR_STORAGE("torch", "CharStorage", DType.I8),
    BYTE_STORAGE("torch", "ByteStorage", DType.U8),
    BOOL_STORAGE("torch", "BoolStorage", DType.BOOL);

    private final String module;
    private final String name;
    private final DType storageDType;

    TorchGlobal(String module, String name, DType storageDType) {
        this.module = module;
        this.name = name;
        this.storageDType = storageDType;
    }

    /** The element type of a storage class; null for the other globals. */
    DType storageDType() {
        return storageDType;
    }

    String qualifiedName() {
        return module + "." + name;
    }

    /** The allowed global {@code module.name}, or null when it is not allowed. */
    static TorchGlobal lookup(String module, String name) {
        for (TorchGlobal g : values()) {
            if (g.module.equals(module) && g.name.equals(name)) {
                return g;
            }
        }
        return null;
    }

    static List<String> allowed() {
        return Arrays.stream(values()).map(TorchGlobal::qualifiedName).collect(Collectors.toList());
    }
}
