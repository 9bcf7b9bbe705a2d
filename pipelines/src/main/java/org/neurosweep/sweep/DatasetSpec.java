package org.neurosweep.sweep;

import org.neurosweep.data.Shard;

import java.util.Map;

/**
 * {@code sweep.datasets.NAME}: a dataset file or folder, its reader format, how it is split across units, and
 * format-specific options.
 *
 * @param shards     units per dataset (per model and parameter point)
 * @param maxRecords at most this many records per unit (0 = all)
 */
public record DatasetSpec(String name, String format, String uri, int shards, Shard.Mode shardMode, int maxRecords,
                          Map<String, String> options, String origin) {

    public DatasetSpec {
        options = Map.copyOf(options);
    }
}
