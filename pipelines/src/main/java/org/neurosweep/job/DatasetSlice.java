package org.neurosweep.job;

import org.neurosweep.data.Shard;

import java.io.Serializable;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The part of a dataset one unit reads: the dataset's name in the sweep (the {@code dataset} column), its reader
 * {@code format}, the file or folder {@code uri}, the {@link Shard}, at most {@code maxRecords} of the records the
 * shard selects (0 = all), and format-specific {@code options} (e.g. {@code languages} for mLAMA).
 */
public record DatasetSlice(String name, String format, String uri, Shard shard, int maxRecords,
                           Map<String, String> options) implements Serializable {

    public DatasetSlice {
        if (name == null || format == null || uri == null || shard == null) {
            throw new IllegalArgumentException("a dataset slice needs a name, a format, a uri and a shard");
        }
        if (maxRecords < 0) {
            throw new IllegalArgumentException("maxRecords must be >= 0, got " + maxRecords);
        }
        options = Collections.unmodifiableMap(new TreeMap<>(options));
    }

    /** {@code records} cut to {@link #maxRecords()}. */
    public <T> List<T> limit(List<T> records) {
        return maxRecords == 0 || records.size() <= maxRecords ? records : records.subList(0, maxRecords);
    }

    /** "name[i/n]" for listings. */
    public String label() {
        return shard.count() == 1 ? name : name + "[" + shard.index() + "/" + shard.count() + "]";
    }

    String canonical() {
        String opts = options.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(","));
        return name + "|" + format + "|" + uri + "|" + shard.mode() + ":" + shard.index() + "/" + shard.count()
                + "|max=" + maxRecords + "|{" + opts + "}";
    }
}
