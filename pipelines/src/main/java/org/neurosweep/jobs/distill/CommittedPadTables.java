package org.neurosweep.jobs.distill;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.neurosweep.data.ParquetRecords;
import org.neurosweep.data.ReadResult;
import org.neurosweep.data.Shard;

/**
 * PAD's committed inputs read back by later units: the selected responses of a {@code pad_samples} folder and the
 * teacher scores of a {@code pad_teacher_scores} folder (e.g. {@code <out>/pad_samples/run=R}), keyed by prompt id.
 */
final class CommittedPadTables {

    /** The selected responses of one prompt (token ids, end-of-text included when it stopped) and their texts. */
    record Responses(List<int[]> tokens, List<String> texts) {
    }

    /** The teacher scores of one prompt (before β) by response_idx, and whether the MCQ filter kept it. */
    record Scores(double[] scores, boolean kept) {
    }

    private CommittedPadTables() {
    }

    /**
     * The selected responses of every kept prompt sampled by {@code sampledBy} (empty: the folder's only model), in
     * response_idx order.
     *
     * @throws IllegalArgumentException when the folder holds no Parquet file, a file is unreadable, no model or several
     *                                  models match, or a prompt's selected responses are not 0..n−1
     */
    static Map<String, Responses> samples(Path folder, String sampledBy) {
        List<Map<String, Object>> rows = rows(folder, "pad_samples", sampledBy);
        Map<String, TreeMap<Integer, Map<String, Object>>> byPrompt = new TreeMap<>();
        for (Map<String, Object> r : rows) {
            if (Boolean.TRUE.equals(r.get("selected")) && Boolean.TRUE.equals(r.get("prompt_kept"))) {
                byPrompt.computeIfAbsent((String) r.get("example_id"), k -> new TreeMap<>())
                        .put(((Number) r.get("response_idx")).intValue(), r);
            }
        }
        Map<String, Responses> out = new TreeMap<>();
        byPrompt.forEach((prompt, selected) -> {
            if (selected.firstKey() != 0 || selected.lastKey() != selected.size() - 1) {
                throw new IllegalArgumentException(folder + ": prompt " + prompt + " has selected responses "
                        + selected.keySet() + ", not 0..n−1 (rows of two runs in one folder?)");
            }
            List<int[]> tokens = new ArrayList<>();
            List<String> texts = new ArrayList<>();
            for (Map<String, Object> r : selected.values()) {
                tokens.add(((List<?>) r.get("tokens")).stream().mapToInt(t -> ((Number) t).intValue()).toArray());
                texts.add((String) r.get("text"));
            }
            out.put(prompt, new Responses(tokens, texts));
        });
        return out;
    }

    /** The teacher scores written by {@code teacher} (its model_id), by prompt id. */
    static Map<String, Scores> scores(Path folder, String teacher) {
        Map<String, TreeMap<Integer, Map<String, Object>>> byPrompt = new TreeMap<>();
        for (Map<String, Object> r : rows(folder, "pad_teacher_scores", teacher)) {
            byPrompt.computeIfAbsent((String) r.get("example_id"), k -> new TreeMap<>())
                    .put(((Number) r.get("response_idx")).intValue(), r);
        }
        Map<String, Scores> out = new TreeMap<>();
        byPrompt.forEach((prompt, rows) -> out.put(prompt, new Scores(rows.values().stream()
                .mapToDouble(r -> ((Number) r.get("teacher_score")).doubleValue()).toArray(),
                Boolean.TRUE.equals(rows.firstEntry().getValue().get("kept_by_filter")))));
        return out;
    }

    /** The rows of {@code model} (model_id; empty = the only one) in every Parquet file under {@code folder}. */
    private static List<Map<String, Object>> rows(Path folder, String table, String model) {
        if (!Files.isDirectory(folder)) {
            throw new IllegalArgumentException("the committed " + table + " folder " + folder + " does not exist");
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(folder)) {
            files = walk.filter(p -> p.getFileName().toString().endsWith(".parquet")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the committed " + table + " folder " + folder + ": " + e.getMessage(), e);
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no Parquet file under the " + table + " folder " + folder);
        }
        List<Map<String, Object>> all = new ArrayList<>();
        for (Path f : files) {
            ReadResult<Map<String, Object>> read = ParquetRecords.read(f, Shard.all());
            if (!read.badRecords().isEmpty()) {
                throw new IllegalArgumentException("unreadable " + table + " file: " + read.badRecords().get(0));
            }
            all.addAll(read.records());
        }
        Set<String> models = new TreeSet<>();
        all.forEach(r -> models.add((String) r.get("model_id")));
        if (model.isEmpty() && models.size() != 1) {
            throw new IllegalArgumentException(folder + " holds " + table + " rows of models " + models
                    + "; name one with params." + PadParams.SAMPLED_BY);
        }
        String wanted = model.isEmpty() ? models.iterator().next() : model;
        if (!models.contains(wanted)) {
            throw new IllegalArgumentException(folder + " has no " + table + " row of model '" + wanted + "' (has " + models + ")");
        }
        return all.stream().filter(r -> wanted.equals(r.get("model_id"))).toList();
    }
}
