package org.neurosweep.methods.probe;

import java.util.ArrayList;
import java.util.List;
import org.neurosweep.data.MlamaFact;
import org.neurosweep.hook.Hooks;
import org.neurosweep.model.CausalLM;
import org.neurosweep.model.generate.Continuation;
import org.neurosweep.model.generate.ContinuationScore;
import org.neurosweep.model.generate.ContinuationScorer;
import org.neurosweep.text.Tokenizer;

/**
 * Factual probing of a causal LM on mLAMA-layout facts (docs/methods/lrp2-mlama.md §3, decoder scoring;
 * data/README.md for the exact-match mode), or of a masked LM by filling one mask per object token (the mask
 * positions are the answer positions; {@link ContinuationScorer}). Prompt and completion are tokenized separately,
 * without special tokens, and
 * scored by teacher forcing in micro-batches; a prompt that is empty (template starting with {@code [Y]}) is replaced
 * by the tokenizer's end-of-text token, the document separator the model saw in pretraining. The given
 * {@link Hooks} apply to every forward (LRP2 projects a language's queries this way). Thread-safe.
 */
public final class MlamaProbe {

    private final ContinuationScorer scorer;
    private final Tokenizer tokenizer;
    private final ProbeSettings settings;

    /** A masked LM (BERT) is probed by mask filling; its tokenizer must then have a mask token. */
    public MlamaProbe(CausalLM model, Tokenizer tokenizer, ProbeSettings settings) {
        this.scorer = model.config().causal()
                ? new ContinuationScorer(model, settings.microBatch(), ContinuationScorer.Padding.RIGHT)
                : new ContinuationScorer(model, settings.microBatch(), ContinuationScorer.Padding.RIGHT,
                        tokenizer.answerMask(false, model.config().modelType()).getAsInt());
        this.tokenizer = tokenizer;
        this.settings = settings;
    }

    /**
     * Probes the facts of {@code tasks} (any languages and relations) in shared micro-batches; each task's pool
     * supplies its ranking candidates (unused in exact-match mode). Results follow the tasks' facts in order.
     */
    public List<FactResult> run(List<RelationProbe> tasks, Hooks hooks) {
        List<ProbeQuery> queries = new ArrayList<>();
        List<CandidatePool> pools = new ArrayList<>();
        for (RelationProbe task : tasks) {
            for (MlamaFact fact : task.facts()) {
                queries.add(ProbeQuery.of(task.template(), fact));
                pools.add(task.pool());
            }
        }
        return settings.mode() == ProbeMode.EXACT_MATCH ? exactMatch(queries, hooks) : rank(queries, pools, hooks);
    }

    private List<FactResult> exactMatch(List<ProbeQuery> queries, Hooks hooks) {
        List<String> prompts = queries.stream().map(ProbeQuery::prompt).toList();
        List<String> targets = queries.stream().map(q -> q.objectText(q.fact().objLabel())).toList();
        List<ContinuationScore> scores = scorer.score(continuations(prompts, targets), hooks);
        List<FactResult> out = new ArrayList<>(queries.size());
        for (int i = 0; i < queries.size(); i++) {
            MlamaFact fact = queries.get(i).fact();
            ContinuationScore s = scores.get(i);
            out.add(new FactResult(fact, ProbeMode.EXACT_MATCH, settings.scoreKind(), List.of(fact.objLabel()),
                    new double[] {s.sum()}, new int[] {s.tokenLogProbs().length}, 0, null, null, s.greedyMatch()));
        }
        return out;
    }

    private List<FactResult> rank(List<ProbeQuery> queries, List<CandidatePool> pools, Hooks hooks) {
        List<List<String>> candidates = new ArrayList<>(queries.size());
        List<String> prompts = new ArrayList<>();
        List<String> completions = new ArrayList<>();
        for (int i = 0; i < queries.size(); i++) {
            ProbeQuery q = queries.get(i);
            List<String> c = pools.get(i).candidatesFor(q.fact(), settings.maxCandidates());
            candidates.add(c);
            for (String object : c) {
                prompts.add(q.prompt());
                completions.add(q.completion(object));
            }
        }
        List<ContinuationScore> scores = scorer.score(continuations(prompts, completions), hooks);
        List<FactResult> out = new ArrayList<>(queries.size());
        int next = 0;
        for (int i = 0; i < queries.size(); i++) {
            List<String> c = candidates.get(i);
            double[] sums = new double[c.size()];
            int[] counts = new int[c.size()];
            for (int k = 0; k < c.size(); k++, next++) {
                sums[k] = scores.get(next).sum();
                counts[k] = scores.get(next).tokenLogProbs().length;
            }
            MlamaFact fact = queries.get(i).fact();
            out.add(FactResult.ranked(fact, settings.scoreKind(), c, sums, counts, c.indexOf(fact.objLabel())));
        }
        return out;
    }

    // prompt i followed by continuation text i, each tokenized on its own
    private List<Continuation> continuations(List<String> prompts, List<String> texts) {
        int[][] promptIds = tokenizer.encodeBatch(prompts);
        int[][] textIds = tokenizer.encodeBatch(texts);
        List<Continuation> items = new ArrayList<>(prompts.size());
        for (int i = 0; i < promptIds.length; i++) {
            if (textIds[i].length == 0) {
                throw new IllegalArgumentException("the object text \"" + texts.get(i) + "\" after prompt \""
                        + prompts.get(i) + "\" has no tokens");
            }
            items.add(new Continuation(promptIds[i].length > 0 ? promptIds[i] : new int[] {startToken(prompts.get(i))},
                    textIds[i]));
        }
        return items;
    }

    private int startToken(String prompt) {
        return tokenizer.eosId().orElseThrow(() -> new IllegalArgumentException("prompt \"" + prompt
                + "\" is empty and the tokenizer " + tokenizer.file() + " has no end-of-text token to start from"));
    }
}
