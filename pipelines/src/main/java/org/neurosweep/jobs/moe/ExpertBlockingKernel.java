package org.neurosweep.jobs.moe;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.neurosweep.hook.Hooks;
import org.neurosweep.job.Kernel;
import org.neurosweep.job.KernelFactory;
import org.neurosweep.job.ModelHandle;
import org.neurosweep.job.Params;
import org.neurosweep.job.RowSink;
import org.neurosweep.job.UnitInputs;
import org.neurosweep.job.WorkUnit;
import org.neurosweep.jobs.ForwardFootprint;
import org.neurosweep.jobs.JobTables;
import org.neurosweep.methods.icl.NextToken;
import org.neurosweep.methods.icl.NextTokenScorer;
import org.neurosweep.methods.moe.CrossLevelAttribution;
import org.neurosweep.methods.moe.ExpertBlocking;
import org.neurosweep.methods.moe.ExpertPair;
import org.neurosweep.methods.moe.ExpertType;
import org.neurosweep.methods.moe.HeadInhibition;
import org.neurosweep.methods.moe.RelationSample;
import org.neurosweep.methods.moe.RouterIntegratedGradients;
import org.neurosweep.methods.moe.RoutingConfig;
import org.neurosweep.methods.moe.SampleAttribution;
import org.neurosweep.model.ModelConfig;

/** Blocks experts and applies routing configurations to the samples of one slice, task by task; stateless. */
final class ExpertBlockingKernel implements Kernel {

    record Factory() implements KernelFactory {
        @Override
        public Kernel create() {
            return new ExpertBlockingKernel();
        }
    }

    /** One task's samples: their rows in the unit's encoded lists. */
    private record Task(String name, List<Integer> rows) {
    }

    @Override
    public void run(WorkUnit unit, UnitInputs in, RowSink out) {
        Params p = unit.params();
        ModelHandle model = in.model();
        ModelConfig config = model.config();
        if (!config.isMoe()) {
            throw new IllegalArgumentException("expert-blocking needs an MoE model; " + unit.primaryModel().id()
                    + " is a dense " + config.modelType());
        }
        int inhibit = p.getInt(ExpertBlockingJob.INHIBIT_HEADS);
        int igSteps = p.getInt(ExpertBlockingJob.ROUTER_IG_STEPS);
        if (inhibit < 0 || igSteps < 0 || p.getIntList(ExpertBlockingJob.K).stream().anyMatch(k -> k < 0)) {
            throw new IllegalArgumentException("parameters " + ExpertBlockingJob.K + ", " + ExpertBlockingJob.INHIBIT_HEADS
                    + " and " + ExpertBlockingJob.ROUTER_IG_STEPS + " must be >= 0, got " + p.getIntList(ExpertBlockingJob.K)
                    + ", " + inhibit + " and " + igSteps);
        }
        List<ExpertBlocking.Mode> modes = p.getStringList(ExpertBlockingJob.MODES).stream().map(ExpertBlocking.Mode::parse).toList();
        List<RoutingConfig> configs = p.getStringList(ExpertBlockingJob.CONFIGS).stream().map(RoutingConfig::parse)
                .filter(c -> !c.needsSharedExpert() || config.moe().hasSharedExpert()).toList();
        EncodedSamples encoded = EncodedSamples.of(AttributionInputs.read(unit, in,
                p.getStringList(MoeAttributionJob.LANGUAGES), p.getStringList(MoeAttributionJob.TASKS), out), model, out);
        int microBatch = in.microBatch(ForwardFootprint.bytes(config, encoded.longestPrompt(), 1));
        int pad = EncodedSamples.padId(config);
        NextTokenScorer scorer = new NextTokenScorer(model.model(), pad, microBatch);
        Map<String, List<ExpertBlocking.RankedPair>> fromFile = p.getString(ExpertBlockingJob.RANKING).equals(ExpertBlockingJob.SELF)
                ? null : ExpertRanking.read(Path.of(p.getString(ExpertBlockingJob.RANKING)), modelKey(unit));

        for (Task task : tasks(encoded)) {
            List<int[]> prompts = task.rows().stream().map(encoded.prompts()::get).toList();
            List<int[]> targets = task.rows().stream().map(i -> new int[] {encoded.targets()[i]}).toList();
            List<SampleAttribution> attributed = fromFile != null && inhibit == 0 && igSteps == 0 ? List.of()
                    : new CrossLevelAttribution(model.model(), pad, 0, p.getInt(MoeAttributionJob.PROJECTION_ROWS))
                            .attribute(prompts, targets.stream().mapToInt(t -> t[0]).toArray(), microBatch);
            List<ExpertBlocking.RankedPair> ranked = fromFile != null ? fromFile.getOrDefault(task.name(), List.of())
                    : ExpertBlocking.rank(attributed);
            List<NextToken> original = scorer.score(prompts, targets);
            evalRows(out, encoded, task, "original", null, null, original);
            for (ExpertBlocking.Mode mode : modes) {
                for (int k : p.getIntList(ExpertBlockingJob.K)) {
                    block(out, scorer, encoded, task, prompts, targets, original, "top", ExpertBlocking.top(ranked, k), mode, k);
                    block(out, scorer, encoded, task, prompts, targets, original, "random",
                            ExpertBlocking.random(ranked, k, p.getInt(ExpertBlockingJob.CONTROL_SEED)), mode, k);
                }
            }
            List<HeadInhibition.Head> top = HeadInhibition.topHeads(attributed, inhibit);
            if (inhibit > 0) {
                causal(out, new HeadInhibition(model.model(), pad, microBatch), task, prompts, targets, top);
            }
            if (igSteps > 0) {
                routerIg(out, new RouterIntegratedGradients(model.model()), encoded, task, attributed, igSteps, top);
            }
            for (RoutingConfig c : configs) {
                List<NextToken> scored = scorer.score(prompts, targets, (b, first) -> c.apply(new Hooks(), config));
                evalRows(out, encoded, task, "ablate_config", c.label(), null, scored);
                out.table(ExpertBlockingJob.ABLATION).add(null, task.name(), c.label(), scored.size(), hit10(scored), mrr(scored));
            }
        }
    }

    private static void block(RowSink out, NextTokenScorer scorer, EncodedSamples encoded, Task task,
                              List<int[]> prompts, List<int[]> targets, List<NextToken> original, String selection,
                              List<ExpertPair> pairs, ExpertBlocking.Mode mode, int k) {
        List<NextToken> scored = scorer.score(prompts, targets, (b, first) -> ExpertBlocking.block(new Hooks(), pairs, mode));
        evalRows(out, encoded, task, selection.equals("top") ? "block" : "block_random", mode.label(), k, scored);
        double mrr0 = mrr(original);
        double hit0 = hit10(original);
        double mrr = mrr(scored);
        double hit = hit10(scored);
        out.table(ExpertBlockingJob.BLOCKING).add(null, task.name(), selection, mode.label(), k,
                pairs.stream().map(ExpertPair::toString).toList(), scored.size(), mrr0, hit0, mrr, hit,
                JobTables.orNull(drop(mrr0, mrr)), JobTables.orNull(drop(hit0, hit)));
    }

    // step 9 (i) and (ii): the heads zeroed, then the original routing forced on top
    private static void causal(RowSink out, HeadInhibition inhibition, Task task, List<int[]> prompts,
                               List<int[]> targets, List<HeadInhibition.Head> heads) {
        HeadInhibition.Result r = inhibition.run(prompts, targets, heads);
        List<String> names = heads.stream().map(HeadInhibition.Head::toString).toList();
        double mrr0 = mrr(r.clean());
        double mrr1 = mrr(r.inhibited());
        double mrr2 = mrr(r.forced());
        Object[][] rows = {
            {"head_inhibit", "mrr_orig", mrr0}, {"head_inhibit", "mrr", mrr1},
            {"head_inhibit", "mrr_change_pct", -drop(mrr0, mrr1)},
            {"head_inhibit", "router_mass_orig", r.massClean()}, {"head_inhibit", "router_mass", r.massInhibited()},
            {"head_inhibit", "router_mass_change_pct", -drop(r.massClean(), r.massInhibited())},
            {"forced_routing", "mrr", mrr2},
            {"forced_routing", "mrr_recovered_pct", mrr0 == 0 ? Double.NaN : 100 * mrr2 / mrr0}};
        for (Object[] row : rows) {
            out.table(ExpertBlockingJob.CAUSAL).add(null, task.name(), row[0], row[1], JobTables.orNull((Double) row[2]), names);
        }
    }

    // step 9 (iii): per sample, the router logits of the experts selected at t* against the head outputs at t*
    private static void routerIg(RowSink out, RouterIntegratedGradients ig, EncodedSamples encoded, Task task,
                                 List<SampleAttribution> attributed, int steps, List<HeadInhibition.Head> top) {
        double share = 0;
        double gap = 0;
        int n = 0;
        for (int i = 0; i < task.rows().size(); i++) {
            RelationSample s = encoded.samples().get(task.rows().get(i));
            List<ExpertPair> selected = attributed.get(i).experts().stream()
                    .filter(e -> e.type() == ExpertType.ROUTED && e.selected()).map(e -> new ExpertPair(e.layer(), e.expert())).toList();
            for (RouterIntegratedGradients.Result r : ig.attribute(encoded.prompts().get(task.rows().get(i)), selected, steps)) {
                double total = 0;
                double onTop = 0;
                for (int hl = 0; hl <= r.layer(); hl++) {
                    for (int h = 0; h < r.ig()[hl].length; h++) {
                        double v = r.ig()[hl][h];
                        out.table(ExpertBlockingJob.ROUTER_IG).add(s.sampleId(), s.task(), s.language(), s.sampleId(),
                                r.layer(), r.expert(), hl, h, v, r.logit(), r.logitBaseline(), steps);
                        total += Math.abs(v);
                        onTop += top.contains(new HeadInhibition.Head(hl, h)) ? Math.abs(v) : 0;
                    }
                }
                share += total == 0 ? 0 : 100 * onTop / total;
                gap += Math.abs(r.sum() - (r.logit() - r.logitBaseline()));
                n++;
            }
        }
        List<String> names = top.stream().map(HeadInhibition.Head::toString).toList();
        if (!top.isEmpty()) {
            out.table(ExpertBlockingJob.CAUSAL).add(null, task.name(), "router_ig", "top_heads_share_pct",
                    JobTables.orNull(n == 0 ? Double.NaN : share / n), names);
        }
        out.table(ExpertBlockingJob.CAUSAL).add(null, task.name(), "router_ig", "completeness_gap",
                JobTables.orNull(n == 0 ? Double.NaN : gap / n), names);
    }

    private static void evalRows(RowSink out, EncodedSamples encoded, Task task, String condition,
                                 String mode, Integer k, List<NextToken> scored) {
        for (int i = 0; i < scored.size(); i++) {
            RelationSample s = encoded.samples().get(task.rows().get(i));
            int rank = scored.get(i).ranks()[0];
            out.table(ExpertBlockingJob.EVAL).add(s.sampleId(), s.task(), s.language(), s.sampleId(), condition, mode, k,
                    rank, 1.0 / rank, rank <= 10, scored.get(i).predicted());
        }
    }

    private static List<Task> tasks(EncodedSamples encoded) {
        Map<String, List<Integer>> rows = new LinkedHashMap<>();
        for (int i = 0; i < encoded.samples().size(); i++) {
            rows.computeIfAbsent(encoded.samples().get(i).task(), t -> new ArrayList<>()).add(i);
        }
        return rows.entrySet().stream().map(e -> new Task(e.getKey(), e.getValue())).toList();
    }

    /** The unit's model as the p1 summary tables name it: model_id, or model_id@checkpoint. */
    private static String modelKey(WorkUnit unit) {
        String checkpoint = unit.primaryModel().checkpointLabel();
        return checkpoint == null ? unit.primaryModel().id() : unit.primaryModel().id() + "@" + checkpoint;
    }

    private static double mrr(List<NextToken> scored) {
        return scored.stream().mapToDouble(t -> t.reciprocalRank(0)).average().orElse(Double.NaN);
    }

    private static double hit10(List<NextToken> scored) {
        return scored.stream().mapToDouble(t -> t.ranks()[0] <= 10 ? 1 : 0).average().orElse(Double.NaN);
    }

    // 100 (orig − now) / orig; NaN when orig is 0
    private static double drop(double orig, double now) {
        return orig == 0 ? Double.NaN : 100 * (orig - now) / orig;
    }
}
