package org.neurosweep.jobs.sparse;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.neurosweep.data.InstructionExample;
import org.neurosweep.hook.Hooks;
import org.neurosweep.job.ModelHandle;
import org.neurosweep.job.TableRows;
import org.neurosweep.job.UnitInputs;
import org.neurosweep.jobs.ForwardFootprint;
import org.neurosweep.methods.sparse.ComponentAblation;
import org.neurosweep.methods.sparse.ComponentCounts;
import org.neurosweep.methods.sparse.ComponentLayout;
import org.neurosweep.methods.sparse.TopEpsilon;
import org.neurosweep.model.generate.Continuation;
import org.neurosweep.model.generate.ContinuationScore;
import org.neurosweep.model.generate.ContinuationScorer;
import org.neurosweep.text.Tokenizer;

/**
 * The optional causal check of {@code sparse-components} (parameter {@code ablation}): per category of the unit, the
 * reference outputs of its instructions scored under teacher forcing with the category's set switched off (ISN
 * activations zeroed; ISE outputs dropped), with a random set of the same size per block (per layer for experts)
 * switched off, and untouched. The prompt is the formatted text, ending in a newline; the reference output follows.
 */
final class CausalCheck {

    static final String ABLATION = "ablation";

    private CausalCheck() {
    }

    static void run(ModelHandle model, InstructionSet set, SparseParams params, UnitInputs in, ComponentLayout layout,
                    Map<String, ComponentCounts> categories, TableRows rows) {
        Tokenizer tokenizer = model.tokenizer();
        for (Map.Entry<String, ComponentCounts> c : categories.entrySet()) {
            List<Continuation> items = new ArrayList<>();
            int longest = 1;
            for (int i = 0; i < set.examples().size(); i++) {
                InstructionExample e = set.examples().get(i);
                if (!e.category().equals(c.getKey()) || e.output() == null || e.output().isEmpty()) {
                    continue;
                }
                String text = set.texts().get(i);
                int[] prompt = tokenizer.encode(text.endsWith("\n") ? text : text + "\n");
                int[] answer = tokenizer.encode(e.output());
                if (answer.length > 0 && prompt.length + answer.length <= model.config().maxPositions()) {
                    items.add(new Continuation(prompt, answer));
                    longest = Math.max(longest, prompt.length + answer.length);
                }
            }
            if (items.isEmpty() || c.getValue().tokens() == 0) {
                continue;
            }
            int microBatch = in.microBatch(ForwardFootprint.bytes(model.config(), longest, longest));
            ContinuationScorer scorer = new ContinuationScorer(model.model(), microBatch, ContinuationScorer.Padding.RIGHT);
            double[] none = metrics(scorer.score(items, Hooks.none()));
            write(rows, params, c.getKey(), null, "none", 0, items.size(), none, none);
            for (double eps : params.eps()) {
                long seed = 31L * c.getKey().hashCode() + Double.hashCode(eps);
                int[] isn = TopEpsilon.select(c.getValue().active(), eps).members();
                write(rows, params, c.getKey(), eps, "ISN", isn.length, items.size(),
                        metrics(scorer.score(items, ComponentAblation.zeroNeurons(layout, isn))), none);
                int[] randomIsn = ComponentAblation.randomNeuronsLike(layout, isn, seed);
                write(rows, params, c.getKey(), eps, "random_ISN", randomIsn.length, items.size(),
                        metrics(scorer.score(items, ComponentAblation.zeroNeurons(layout, randomIsn))), none);
                if (!layout.experts().isEmpty()) {
                    int[] ise = TopEpsilon.select(c.getValue().routed(), eps).members();
                    write(rows, params, c.getKey(), eps, "ISE", ise.length, items.size(),
                            metrics(scorer.score(items, ComponentAblation.dropExperts(layout, ise))), none);
                    int[] randomIse = ComponentAblation.randomExpertsLike(layout, ise, seed);
                    write(rows, params, c.getKey(), eps, "random_ISE", randomIse.length, items.size(),
                            metrics(scorer.score(items, ComponentAblation.dropExperts(layout, randomIse))), none);
                }
            }
        }
    }

    // {mean summed log-probability of the reference, fraction answered greedily token by token}
    private static double[] metrics(List<ContinuationScore> scores) {
        double logProb = 0;
        int greedy = 0;
        for (ContinuationScore s : scores) {
            for (float lp : s.tokenLogProbs()) {
                logProb += lp;
            }
            greedy += s.greedyMatch() ? 1 : 0;
        }
        return new double[] {logProb / scores.size(), (double) greedy / scores.size()};
    }

    private static void write(TableRows rows, SparseParams p, String category, Double eps, String target, int components,
                              int items, double[] value, double[] none) {
        String[] metric = {"logprob_ref", "greedy_match"};
        for (int m = 0; m < metric.length; m++) {
            rows.add(null, category, eps, target, components, items, metric[m], value[m],
                    eps == null ? null : value[m] - none[m], p.formatting().key(), p.criterion().key());
        }
    }
}
