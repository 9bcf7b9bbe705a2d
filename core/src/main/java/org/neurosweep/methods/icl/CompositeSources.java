package org.neurosweep.methods.icl;

import org.neurosweep.data.BadRecord;
import org.neurosweep.data.CompositeExample;
import org.neurosweep.data.CompositeQuestion;
import org.neurosweep.data.CompositeTask;
import org.neurosweep.data.DatasetException;
import org.neurosweep.data.InternalCotDataset;
import org.neurosweep.data.ReadResult;
import org.neurosweep.data.Shard;
import org.neurosweep.data.TaskExample;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds {@link TaskPools} from the two composite sources: the internal-CoT benchmark (composite file plus the
 * {@code base/} files of both steps) and the world corpus's two-hop questions ({@code composite.jsonl}).
 */
public final class CompositeSources {

    /**
     * The noun phrase that stands for the bridge entity in a world question, by first hop: "What is the currency of
     * <u>the country whose capital is Paris</u>?" asks about the bridge France.
     */
    private static final Map<String, String> WORLD_BRIDGE_PHRASE = Map.of(
            "capital", "the country whose capital is ",
            "neighbor", "the neighbor of ");

    private CompositeSources() {
    }

    /** The pools of {@code tasks}; unreadable records of any file are returned as bad records. */
    public static ReadResult<TaskPools> internalCot(InternalCotDataset dataset, List<CompositeTask> tasks) {
        List<TaskPools> pools = new ArrayList<>();
        List<BadRecord> bad = new ArrayList<>();
        for (CompositeTask task : tasks) {
            ReadResult<CompositeExample> composite = dataset.composite(task, Shard.all());
            ReadResult<TaskExample> first = dataset.base(task.s1(), Shard.all());
            ReadResult<TaskExample> second = dataset.base(task.s2(), Shard.all());
            bad.addAll(composite.badRecords());
            bad.addAll(first.badRecords());
            bad.addAll(second.badRecords());
            pools.add(new TaskPools(task.name(), task.s1(), task.s2(),
                    composite.records().stream().map(e -> new IclExample(e.input(), e.output(), e.t1(), e.t2())).toList(),
                    first.records().stream().map(e -> IclExample.single(e.input(), e.output())).toList(),
                    second.records().stream().map(e -> IclExample.single(e.input(), e.output())).toList()));
        }
        return new ReadResult<>(pools, bad);
    }

    /**
     * The world corpus's two-hop questions of {@code split} ("train", "test" or "all"), grouped by task in file order.
     * Composite records have y_t = the answer, t1 = the bridge entity and no t2 (the corpus defines none). The steps
     * are derived from the question: s1 asks "What is {bridge phrase}?" (answer: the bridge), s2 asks the question with
     * the bridge phrase replaced by the bridge's name (answer: y_t). A question whose first hop has no known bridge
     * phrase is a bad record.
     */
    public static ReadResult<TaskPools> world(Path compositeJsonl, String split) {
        ReadResult<CompositeQuestion> read = CompositeQuestion.read(compositeJsonl, Shard.all());
        List<BadRecord> bad = new ArrayList<>(read.badRecords());
        long[] lines = recordLines(compositeJsonl, read.badRecords());
        Map<String, List<CompositeQuestion>> byTask = new LinkedHashMap<>();
        Map<CompositeQuestion, Long> lineOf = new HashMap<>();
        for (int i = 0; i < read.records().size(); i++) {
            CompositeQuestion q = read.records().get(i);
            lineOf.putIfAbsent(q, lines[i]);
            if ("all".equals(split) || q.split().equals(split)) {
                byTask.computeIfAbsent(q.task(), k -> new ArrayList<>()).add(q);
            }
        }
        List<TaskPools> pools = new ArrayList<>();
        for (Map.Entry<String, List<CompositeQuestion>> e : byTask.entrySet()) {
            List<IclExample> composite = new ArrayList<>();
            List<IclExample> first = new ArrayList<>();
            List<IclExample> second = new ArrayList<>();
            CompositeQuestion head = e.getValue().get(0);
            for (CompositeQuestion q : e.getValue()) {
                String phrase = bridgePhrase(q);
                if (phrase == null) {
                    bad.add(new BadRecord(compositeJsonl.toString(), lineOf.get(q), "task " + q.task() + ": question \"" + q.input()
                            + "\" has no bridge phrase for first hop '" + q.hop1() + "' (known: " + WORLD_BRIDGE_PHRASE.keySet() + ")"));
                    continue;
                }
                composite.add(new IclExample(q.input(), q.output(), q.bridge(), null));
                first.add(IclExample.single("What is " + phrase + "?", q.bridge()));
                second.add(IclExample.single(q.input().replace(phrase, q.bridge()), q.output()));
            }
            pools.add(new TaskPools(e.getKey(), head.hop1(), head.hop2(), composite, first, second));
        }
        return new ReadResult<>(pools, bad);
    }

    // the 1-based line of each good record: the non-blank lines that are not bad records, in order
    private static long[] recordLines(Path file, List<BadRecord> badRecords) {
        Set<Long> badLines = new HashSet<>();
        badRecords.forEach(b -> badLines.add(b.line()));
        List<String> text;
        try {
            text = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new DatasetException("cannot read " + file + ": " + e, e);
        }
        long[] lines = new long[text.size()];
        int n = 0;
        for (int i = 0; i < text.size(); i++) {
            if (!text.get(i).isBlank() && !badLines.contains(i + 1L)) {
                lines[n++] = i + 1L;
            }
        }
        return Arrays.copyOf(lines, n);
    }

    // "the country whose capital is Paris" in "What is the currency of the country whose capital is Paris?"
    private static String bridgePhrase(CompositeQuestion q) {
        String prefix = WORLD_BRIDGE_PHRASE.get(q.hop1());
        int start = prefix == null ? -1 : q.input().indexOf(prefix);
        int end = q.input().lastIndexOf('?');
        return start < 0 || end <= start ? null : q.input().substring(start, end);
    }
}
