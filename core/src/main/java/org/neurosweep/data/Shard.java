package org.neurosweep.data;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Shard {@code index} of {@code count} of a dataset, so that one dataset is split across work units. Records are
 * selected by their position in the source (line, array element or row, 0-based, counting bad records too), so the
 * split does not depend on which records parse and every bad record is reported by exactly one shard.
 *
 * <ul>
 *   <li>{@link Mode#MODULO}: positions {@code p} with {@code p % count == index} (no need to know the total);</li>
 *   <li>{@link Mode#CONTIGUOUS}: positions {@code [index * total / count, (index + 1) * total / count)}.</li>
 * </ul>
 */
public record Shard(int index, int count, Mode mode) implements Serializable {

    public enum Mode { MODULO, CONTIGUOUS }

    private static final Shard ALL = new Shard(0, 1, Mode.MODULO);

    public Shard {
        if (count < 1 || index < 0 || index >= count) {
            throw new IllegalArgumentException("shard index must be in [0, count) and count >= 1, got " + index + " of " + count);
        }
        if (mode == null) {
            throw new IllegalArgumentException("shard mode must not be null");
        }
    }

    /** The whole dataset. */
    public static Shard all() {
        return ALL;
    }

    public static Shard modulo(int index, int count) {
        return new Shard(index, count, Mode.MODULO);
    }

    public static Shard contiguous(int index, int count) {
        return new Shard(index, count, Mode.CONTIGUOUS);
    }

    /** Whether {@link #selects} needs the number of positions in the source. */
    public boolean needsTotal() {
        return mode == Mode.CONTIGUOUS && count > 1;
    }

    /** Whether the record at {@code position} belongs to this shard; {@code total} is only read when {@link #needsTotal()}. */
    public boolean selects(long position, long total) {
        if (count == 1) {
            return true;
        }
        if (mode == Mode.MODULO) {
            return position % count == index;
        }
        return position >= boundary(total, index) && position < boundary(total, index + 1);
    }

    /** Whether any position in {@code [from, to)} belongs to this shard (lets a reader skip a whole block of records). */
    public boolean selectsAny(long from, long to, long total) {
        if (from >= to) {
            return false;
        }
        if (count == 1) {
            return true;
        }
        if (mode == Mode.MODULO) {
            return from + Math.floorMod(index - from, (long) count) < to;
        }
        return from < boundary(total, index + 1) && to > boundary(total, index);
    }

    /** The elements of an in-memory list that this shard selects, in order. */
    public <T> List<T> select(List<T> items) {
        List<T> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            if (selects(i, items.size())) {
                out.add(items.get(i));
            }
        }
        return out;
    }

    /** First position of shard {@code shard} in contiguous mode. */
    private long boundary(long total, int shard) {
        return Math.multiplyExact(total, shard) / count;
    }
}
