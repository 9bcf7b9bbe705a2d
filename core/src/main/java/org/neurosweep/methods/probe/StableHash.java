package org.neurosweep.methods.probe;

import java.nio.charset.StandardCharsets;

/**
 * A 64-bit FNV-1a hash of a string's UTF-8 bytes: the same on every JVM and executor, so that seeds and dev/test
 * assignments derived from fact ids are reproducible across runs and clusters.
 */
public final class StableHash {

    private static final long OFFSET_BASIS = 0xcbf29ce484222325L;
    private static final long PRIME = 0x100000001b3L;

    private StableHash() {
    }

    public static long of(String text) {
        long h = OFFSET_BASIS;
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= PRIME;
        }
        return h;
    }

    /** A value in [0, 1) from the hash of {@code text}: its top 53 bits as a fraction. */
    public static double unit(String text) {
        return (of(text) >>> 11) * 0x1.0p-53;
    }
}
