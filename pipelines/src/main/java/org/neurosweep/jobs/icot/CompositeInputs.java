package org.neurosweep.jobs.icot;

import org.neurosweep.data.CompositeTask;
import org.neurosweep.data.DatasetException;
import org.neurosweep.data.InternalCotDataset;
import org.neurosweep.data.ReadResult;
import org.neurosweep.job.DatasetSlice;
import org.neurosweep.job.Params;
import org.neurosweep.job.RowSink;
import org.neurosweep.job.UnitInputs;
import org.neurosweep.job.WorkUnit;
import org.neurosweep.jobs.ForwardFootprint;
import org.neurosweep.methods.icl.CompositeSources;
import org.neurosweep.methods.icl.EncodedPrompt;
import org.neurosweep.methods.icl.IclExample;
import org.neurosweep.methods.icl.PromptSampler;
import org.neurosweep.methods.icl.TaskPools;
import org.neurosweep.model.ModelConfig;
import org.neurosweep.text.Tokenizer;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The composite tasks of one unit, from either dataset format, and the prompts built from them. A record of the slice
 * is a task: the shard and {@code max-records} select tasks, in the order of the task list.
 * <ul>
 *   <li>{@code internal-cot}: the benchmark folder; option {@code tasks} (comma-separated {@code s1-s2} names) picks
 *       tasks, default the 15 of {@code list.json};</li>
 *   <li>{@code world-composite}: the world corpus's {@code composite.jsonl}; option {@code split} is
 *       {@code test} (default), {@code train} or {@code all}.</li>
 * </ul>
 */
final class CompositeInputs {

    static final String INTERNAL_COT = "internal-cot";
    static final String WORLD_COMPOSITE = "world-composite";
    static final Set<String> FORMATS = Set.of(INTERNAL_COT, WORLD_COMPOSITE);

    private static final Set<String> SPLITS = Set.of("test", "train", "all");

    private CompositeInputs() {
    }

    /** The unit's task pools; bad records of the files go to {@code out}. */
    static List<TaskPools> read(WorkUnit unit, UnitInputs in, RowSink out) {
        DatasetSlice slice = unit.dataset();
        ReadResult<TaskPools> read = switch (slice.format()) {
            case INTERNAL_COT -> internalCot(slice, in.dataset());
            case WORLD_COMPOSITE -> world(slice, in.dataset());
            default -> throw new DatasetException("dataset " + slice.name() + ": format '" + slice.format()
                    + "' is not a composite-task format " + FORMATS);
        };
        out.badRecords(read.badRecords());
        return slice.limit(slice.shard().select(read.records()));
    }

    private static ReadResult<TaskPools> internalCot(DatasetSlice slice, Path root) {
        InternalCotDataset dataset = InternalCotDataset.open(root);
        String names = slice.options().get("tasks");
        List<CompositeTask> tasks;
        if (names == null || names.isBlank()) {
            tasks = dataset.listedTasks().orThrow();
        } else {
            List<CompositeTask> known = dataset.compositeTasks();
            tasks = Arrays.stream(names.split(",")).map(String::trim).map(n -> {
                CompositeTask t = CompositeTask.parse(n);
                if (!known.contains(t)) {
                    throw new DatasetException("dataset " + slice.name() + ": option tasks names '" + n
                            + "', which has no file composite/" + n + ".json in " + root);
                }
                return t;
            }).toList();
        }
        return CompositeSources.internalCot(dataset, tasks);
    }

    private static ReadResult<TaskPools> world(DatasetSlice slice, Path file) {
        String split = slice.options().getOrDefault("split", "test");
        if (!SPLITS.contains(split)) {
            throw new DatasetException("dataset " + slice.name() + ": option split = '" + split + "'; expected one of " + SPLITS);
        }
        return CompositeSources.world(file, split);
    }

    /** {@code count} prompts of the unit's shots and seed from {@code pool}, tokenized. */
    static List<EncodedPrompt> prompts(List<IclExample> pool, int count, Params p, Tokenizer tokenizer) {
        return PromptSampler.sample(pool, IcotParams.shots(p), count, IcotParams.seed(p)).stream()
                .map(prompt -> EncodedPrompt.encode(tokenizer, prompt, IcotParams.specialTokens(p))).toList();
    }

    /** The id written into padding (masked out): the config's pad token, else the tokenizer's, else 0. */
    static int padId(ModelConfig config, Tokenizer tokenizer) {
        return config.padTokenId() != null ? config.padTokenId() : tokenizer.padId().orElse(0);
    }

    /** A micro-batch for few-shot prompts of {@code prompts}, from the executor's memory budget. */
    static int microBatch(UnitInputs in, ModelConfig config, List<EncodedPrompt> prompts) {
        int longest = prompts.stream().mapToInt(e -> e.icl().length).max().orElse(1);
        return in.microBatch(ForwardFootprint.bytes(config, longest, 1));
    }

    /** {@code task/part/seed/prompt}: the example id of a prompt's rows. */
    static String exampleId(String task, String part, int seed, int promptId) {
        return task + "/" + part + "/s" + seed + "/p" + promptId;
    }
}
