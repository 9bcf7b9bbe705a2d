package org.neurosweep.jobs.moe;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.neurosweep.data.ParquetRecords;
import org.neurosweep.data.ReadResult;
import org.neurosweep.data.Shard;
import org.neurosweep.methods.moe.ExpertBlocking;
import org.neurosweep.methods.moe.ExpertPair;

/**
 * A committed {@code p1_expert_rank} table (the moe-attribution summary) read back for expert blocking: the ranked
 * (layer, expert) pairs of one model per task, in rank order.
 */
final class ExpertRanking {

    private ExpertRanking() {
    }

    /**
     * The rows of {@code model} in every Parquet file under {@code folder} (e.g.
     * {@code <out>/p1_expert_rank/run=<id>}), by task.
     *
     * @throws IllegalArgumentException when the folder holds no Parquet file, a file is unreadable, or the model has no row
     */
    static Map<String, List<ExpertBlocking.RankedPair>> read(Path folder, String model) {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(folder)) {
            files = walk.filter(p -> p.getFileName().toString().endsWith(".parquet")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the expert ranking " + folder + ": " + e.getMessage(), e);
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no Parquet file under the expert ranking folder " + folder);
        }
        Map<String, List<Object[]>> byTask = new TreeMap<>();
        for (Path f : files) {
            ReadResult<Map<String, Object>> read = ParquetRecords.read(f, Shard.all());
            if (!read.badRecords().isEmpty()) {
                throw new IllegalArgumentException("unreadable expert ranking file: " + read.badRecords().get(0));
            }
            for (Map<String, Object> r : read.records()) {
                if (model.equals(r.get("model"))) {
                    byTask.computeIfAbsent((String) r.get("task"), t -> new ArrayList<>()).add(new Object[] {
                        ((Number) r.get("rank")).intValue(), new ExpertBlocking.RankedPair(new ExpertPair(
                                ((Number) r.get("layer")).intValue(), ((Number) r.get("expert_id")).intValue()),
                                ((Number) r.get("agg_lpi")).doubleValue(), ((Number) r.get("n_selected")).intValue())});
                }
            }
        }
        if (byTask.isEmpty()) {
            throw new IllegalArgumentException("the expert ranking " + folder + " has no row of model '" + model + "'");
        }
        Map<String, List<ExpertBlocking.RankedPair>> out = new TreeMap<>();
        byTask.forEach((task, rows) -> out.put(task, rows.stream().sorted(Comparator.comparingInt(r -> (Integer) r[0]))
                .map(r -> (ExpertBlocking.RankedPair) r[1]).toList()));
        return out;
    }
}
