package org.neurosweep.tensor;

import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the allowed {@link TorchGlobal}s mean when a torch.save pickle applies them, in plain Java: no Python is run.
 * Malformed arguments raise {@link IllegalArgumentException}, which the unpickler reports with the pickle position.
 */
final class TorchRebuild {

    private TorchRebuild() {
    }

    /** REDUCE: {@code callable(*args)}. */
    static Object call(Object callable, List<Object> args) {
        if (!(callable instanceof TorchGlobal global)) {
            throw new IllegalArgumentException("REDUCE of a non-callable " + describe(callable));
        }
        return switch (global) {
            case ORDERED_DICT -> {
                if (!args.isEmpty()) {
                    throw new IllegalArgumentException("collections.OrderedDict called with arguments");
                }
                yield new LinkedHashMap<>();
            }
            case REBUILD_TENSOR_V2 -> tensor(args);
            case REBUILD_PARAMETER, REBUILD_PARAMETER_WITH_STATE -> {
                if (args.isEmpty() || !(args.get(0) instanceof TorchTensorRef tensor)) {
                    throw new IllegalArgumentException(global.qualifiedName() + " without a tensor argument");
                }
                yield tensor; // a Parameter is its data
            }
            default -> throw new IllegalArgumentException("storage class " + global.qualifiedName() + " cannot be called");
        };
    }

    /** {@code _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])}. */
    private static TorchTensorRef tensor(List<Object> args) {
        if (args.size() < 4 || !(args.get(0) instanceof TorchTensorRef.Storage storage)) {
            throw new IllegalArgumentException("_rebuild_tensor_v2 needs (storage, offset, size, stride, ...), got "
                    + args.size() + " arguments");
        }
        long offset = nonNegative(args.get(1), "storage offset");
        long[] shape = longs(args.get(2), "size");
        long[] stride = longs(args.get(3), "stride");
        if (shape.length != stride.length) {
            throw new IllegalArgumentException("tensor size " + Arrays.toString(shape) + " and stride "
                    + Arrays.toString(stride) + " differ in rank");
        }
        return new TorchTensorRef(storage, offset, shape, stride);
    }

    /** BINPERSID: persistent id {@code ('storage', storage_class, key, device, numel)}. */
    static TorchTensorRef.Storage storage(Object pid) {
        if (!(pid instanceof List<?> t) || t.size() != 5 || !"storage".equals(t.get(0))
                || !(t.get(1) instanceof TorchGlobal type) || type.storageDType() == null
                || !(t.get(2) instanceof String key)) {
            throw new IllegalArgumentException("persistent id " + describe(pid)
                    + " is not ('storage', <storage class>, key, device, numel)");
        }
        return new TorchTensorRef.Storage(key, type.storageDType(), nonNegative(t.get(4), "storage numel"));
    }

    private static long nonNegative(Object value, String what) {
        if (!(value instanceof Long n) || n < 0) {
            throw new IllegalArgumentException(what + " " + describe(value) + " is not a non-negative integer");
        }
        return n;
    }

    private static long[] longs(Object value, String what) {
        if (!(value instanceof List<?> items)) {
            throw new IllegalArgumentException("tensor " + what + " " + describe(value) + " is not a tuple");
        }
        long[] result = new long[items.size()];
        for (int i = 0; i < result.length; i++) {
            result[i] = nonNegative(items.get(i), "tensor " + what + " element");
        }
        return result;
    }

    /** A short description for messages; containers are not printed, since a pickle can make them cyclic. */
    static String describe(Object value) {
        if (value == null) {
            return "None";
        }
        if (value instanceof String || value instanceof Number || value instanceof Boolean || value instanceof TorchGlobal) {
            return value.getClass().getSimpleName() + " " + value;
        }
        if (value instanceof Collection<?> c) {
            return "sequence of " + c.size();
        }
        if (value instanceof Map<?, ?> m) {
            return "dict of " + m.size();
        }
        return value.getClass().getSimpleName();
    }
}
