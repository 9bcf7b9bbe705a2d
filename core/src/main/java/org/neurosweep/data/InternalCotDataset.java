package org.neurosweep.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The composite-task benchmark of "LLMs exhibit an internal chain-of-thought": {@code base/TASK.json} (a JSON array of
 * {@code {input, output}}), {@code composite/S1-S2.json} (an array of {@code {input, output, t1, t2}}) and
 * {@code list.json} (the paper's task list, {@code [{task1, task2}]}).
 */
public final class InternalCotDataset {

    private static final String JSON_SUFFIX = ".json";

    private final Path root;

    private InternalCotDataset(Path root) {
        this.root = root;
    }

    /** @throws DatasetException when {@code root} lacks {@code base/} or {@code composite/} */
    public static InternalCotDataset open(Path root) {
        for (String dir : new String[] {"base", "composite"}) {
            if (!Files.isDirectory(root.resolve(dir))) {
                throw new DatasetException("internal-CoT dataset " + root + " has no " + dir + "/ directory");
            }
        }
        return new InternalCotDataset(root);
    }

    public Path root() {
        return root;
    }

    /** Names of the single-step tasks with a file in {@code base/}, sorted. */
    public List<String> baseTasks() {
        return stems(root.resolve("base"));
    }

    /** The composite tasks with a file in {@code composite/}, sorted by name. */
    public List<CompositeTask> compositeTasks() {
        return stems(root.resolve("composite")).stream().map(CompositeTask::parse).toList();
    }

    /** The tasks of {@code list.json}: those the paper evaluates. */
    public ReadResult<CompositeTask> listedTasks() {
        return JsonArrayFile.read(root.resolve("list.json"), Shard.all(), json -> {
            try {
                return new CompositeTask(json.text("task1"), json.text("task2"));
            } catch (IllegalArgumentException e) {
                throw new InvalidRecordException(e.getMessage());
            }
        });
    }

    public ReadResult<TaskExample> base(String task, Shard shard) {
        return JsonArrayFile.read(root.resolve("base").resolve(task + JSON_SUFFIX), shard,
                json -> new TaskExample(task, json.text("input"), json.text("output")));
    }

    public ReadResult<CompositeExample> composite(CompositeTask task, Shard shard) {
        return JsonArrayFile.read(root.resolve("composite").resolve(task.name() + JSON_SUFFIX), shard,
                json -> new CompositeExample(task, json.text("input"), json.text("output"), json.text("t1"), json.text("t2")));
    }

    private static List<String> stems(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString())
                    .filter(n -> n.endsWith(JSON_SUFFIX))
                    .map(n -> n.substring(0, n.length() - JSON_SUFFIX.length()))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new DatasetException("cannot list " + dir + ": " + e, e);
        }
    }
}
