package org.neurosweep.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.neurosweep.job.CheckpointRef;
import org.neurosweep.job.ModelRef;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Lists the checkpoints of a {@link ModelSource.Series} on the driver (folder listing and small {@code config.json}
 * reads only), in step order. A listed checkpoint that is missing or unreadable is kept: its units fail with the
 * reason when an executor tries to load it, and the rest of the sweep runs.
 */
public final class CheckpointSeriesScanner {

    /** {@code dense-step00250}, {@code step_1000}, {@code ckpt_359}, {@code checkpoint-500}, {@code step1000-tokens4B}. */
    static final Pattern STEP_NAME =
            Pattern.compile("(?i)(?:^|.*[-_])(?:step|ckpt|checkpoint)[-_]?(\\d+)(?:-tokens[0-9a-z.]+)?");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Comparator<ModelRef> BY_STEP = Comparator
            .comparing((ModelRef r) -> r.checkpoint().step(), Comparator.nullsLast(Comparator.naturalOrder()))
            .thenComparing(r -> r.checkpoint().label());

    private final Configuration hadoop;

    public CheckpointSeriesScanner(Configuration hadoop) {
        this.hadoop = hadoop;
    }

    /** The checkpoints of {@code series}, sorted by step (unknown steps last, then by label). */
    public List<ModelRef> resolve(ModelSource.Series series) {
        List<String> folders = series.dir() != null ? scan(series) : series.paths();
        List<ModelRef> refs = new ArrayList<>();
        for (String folder : folders) {
            String label = Uris.lastSegment(folder);
            refs.add(new ModelRef(series.name(), folder, new CheckpointRef(label, step(folder, label, series.stepFrom()))));
        }
        refs.sort(BY_STEP);
        return refs;
    }

    /** The step number in a checkpoint folder name, or null. */
    static Long stepFromName(String label) {
        Matcher m = STEP_NAME.matcher(label);
        return m.matches() ? Long.valueOf(m.group(1)) : null;
    }

    private List<String> scan(ModelSource.Series series) {
        Path dir = new Path(series.dir());
        FileStatus[] children;
        try {
            children = dir.getFileSystem(hadoop).listStatus(dir);
        } catch (IOException e) {
            throw new SweepConfigException(series.origin() + ": sweep.checkpoints." + series.name()
                    + ".dir: cannot list " + series.dir() + ": " + e.getMessage());
        }
        List<String> out = new ArrayList<>();
        for (FileStatus child : children) {
            String name = child.getPath().getName();
            if (child.isDirectory() && name.startsWith(series.prefix()) && STEP_NAME.matcher(name).matches()) {
                out.add(series.dir() + "/" + name);
            }
        }
        if (out.isEmpty()) {
            throw new SweepConfigException(series.origin() + ": sweep.checkpoints." + series.name() + ".dir: no folder"
                    + (series.prefix().isEmpty() ? "" : " starting with '" + series.prefix() + "'")
                    + " named like *-stepN, step_N, ckpt_N or checkpoint-N in " + series.dir());
        }
        return out;
    }

    private Long step(String folder, String label, ModelSource.StepSource from) {
        Long fromName = from == ModelSource.StepSource.CONFIG ? null : stepFromName(label);
        return fromName != null || from == ModelSource.StepSource.NAME ? fromName : trainingStep(folder);
    }

    /** {@code training_step} of the folder's {@code config.json}, or null when absent or unreadable. */
    private Long trainingStep(String folder) {
        Path config = new Path(folder, "config.json");
        try (InputStream in = config.getFileSystem(hadoop).open(config)) {
            JsonNode root = JSON.readTree(in);
            JsonNode step = root == null ? null : root.get("training_step");
            return step != null && step.canConvertToLong() ? step.asLong() : null;
        } catch (IOException e) {
            return null;
        }
    }
}
