package org.neurosweep.jobs.icot;

import org.neurosweep.methods.lens.LayerwiseLens;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.neurosweep.data.MlamaDataset;
import org.neurosweep.job.Params;
import org.neurosweep.job.RowSink;
import org.neurosweep.job.UnitInputs;
import org.neurosweep.job.WorkUnit;
import org.neurosweep.methods.icl.EncodedPrompt;
import org.neurosweep.methods.icl.Target;
import org.neurosweep.methods.icl.TaskPart;
import org.neurosweep.methods.icl.TaskPools;
import org.neurosweep.methods.lens.LayerwiseLens;
import org.neurosweep.methods.neurons.FactPrompt;
import org.neurosweep.text.Tokenizer;

/**
 * The prompts the logit lens reads, grouped into tasks, from either kind of dataset:
 * <ul>
 *   <li>the composite formats ({@link CompositeInputs#FORMATS}): per task the few-shot prompts of the shared
 *       {@link IcotParams}, targets y_t, t1 and t2;</li>
 *   <li>{@code mlama} (factual probes): every (fact, template) of the unit's facts as {@link FactPrompt} builds it
 *       (the template cut before [Y], [X] filled), its one target y_t the object's first token, t1 and t2 absent; the
 *       task is the relation file {@code LANG/PID}, shots 0, prompt ids numbered in file order within the task.</li>
 * </ul>
 * A masked LM's prompts end in its mask token ({@link LayerwiseLens#withAnswerSlot}), so that the lens's last
 * position is the answer for both kinds of model.
 */
final class LensPrompts {

    static final String MLAMA = "mlama";

    /** One prompt: its token ids and target ids in {@link Target} order ({@link EncodedPrompt#NO_TOKEN} if absent). */
    record LensPrompt(int promptId, String exampleId, int[] ids, int[] targets) {
    }

    /** The prompts of one task, written under (task, seed, shots). */
    record LensTask(String task, int seed, int shots, List<LensPrompt> prompts) {
    }

    private LensPrompts() {
    }

    /** The unit's tasks; bad records of the files go to {@code out}. {@code mask}: a masked LM's mask token. */
    static List<LensTask> read(WorkUnit unit, UnitInputs in, RowSink out, Tokenizer tokenizer, OptionalInt mask) {
        Params p = unit.params();
        if (unit.dataset().format().equals(MLAMA)) {
            return facts(unit, in, out, tokenizer, mask);
        }
        List<LensTask> tasks = new ArrayList<>();
        for (TaskPools pools : CompositeInputs.read(unit, in, out)) {
            List<LensPrompt> prompts = new ArrayList<>();
            for (EncodedPrompt e : CompositeInputs.prompts(pools.pool(TaskPart.COMPOSITE), IcotParams.prompts(p), p, tokenizer)) {
                int id = e.prompt().promptId();
                prompts.add(new LensPrompt(id, CompositeInputs.exampleId(pools.task(), TaskPart.COMPOSITE.label(),
                        IcotParams.seed(p), id), LayerwiseLens.withAnswerSlot(e.icl(), mask), e.targetIds()));
            }
            tasks.add(new LensTask(pools.task(), IcotParams.seed(p), IcotParams.shots(p), prompts));
        }
        return tasks;
    }

    private static List<LensTask> facts(WorkUnit unit, UnitInputs in, RowSink out, Tokenizer tokenizer, OptionalInt mask) {
        // the causal cut (the template before [Y]) for every model; a masked LM's mask is appended below
        FactPrompt.Loaded loaded = FactPrompt.load(MlamaDataset.open(in.dataset()), List.of(), unit.dataset().shard(),
                unit.dataset().maxRecords(), tokenizer, OptionalInt.empty());
        out.badRecords(loaded.badRecords());
        boolean special = IcotParams.specialTokens(unit.params());
        Map<String, List<LensPrompt>> byTask = new LinkedHashMap<>();
        for (FactPrompt f : loaded.prompts()) {
            String task = f.fact().language() + "/" + f.fact().predicateId();
            List<LensPrompt> prompts = byTask.computeIfAbsent(task, k -> new ArrayList<>());
            int[] targets = new int[Target.values().length];
            Arrays.fill(targets, EncodedPrompt.NO_TOKEN);
            targets[Target.YT.ordinal()] = f.target();
            prompts.add(new LensPrompt(prompts.size(), task + "/" + f.fact().uuid() + "/t" + f.templateIndex(),
                    LayerwiseLens.withAnswerSlot(special ? tokenizer.encode(f.prompt(), true) : f.ids(), mask), targets));
        }
        List<LensTask> tasks = new ArrayList<>();
        byTask.forEach((task, prompts) -> tasks.add(new LensTask(task, IcotParams.seed(unit.params()), 0, prompts)));
        return tasks;
    }
}
