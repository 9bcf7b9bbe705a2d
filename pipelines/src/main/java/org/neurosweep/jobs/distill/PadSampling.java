package org.neurosweep.jobs.distill;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.neurosweep.data.InstructionExample;
import org.neurosweep.job.Params;
import org.neurosweep.job.TableRows;
import org.neurosweep.methods.pad.DiversitySelection;
import org.neurosweep.methods.pad.ResponseSampler;
import org.neurosweep.model.CausalLM;
import org.neurosweep.model.generate.Sampling;
import org.neurosweep.text.Tokenizer;

/**
 * PAD step 1 for a list of training prompts: the student samples {@code samples} responses per prompt (batched, KV
 * cache; sample s of every prompt from seed + s) and greedy max–min Levenshtein selection keeps n of them.
 */
final class PadSampling {

    /** One prompt's samples (token ids, end-of-text included when it stopped the sample) and its selection. */
    record Prompt(InstructionExample record, int[] tokens, List<ResponseSampler.Sample> samples, List<String> texts,
                  DiversitySelection.Result selection) {

        /** The selected responses' tokens, in selection order (response_idx). */
        List<int[]> selected() {
            return Arrays.stream(selection.selected()).mapToObj(k -> samples.get(k).tokens()).toList();
        }

        List<String> selectedTexts() {
            return Arrays.stream(selection.selected()).mapToObj(texts::get).toList();
        }
    }

    private PadSampling() {
    }

    static List<Prompt> sample(DistillCorpus corpus, CausalLM student, Tokenizer tokenizer, int endOfText, int microBatch,
                               Params p) {
        int samples = p.getInt(PadParams.SAMPLES_PER_PROMPT);
        int n = p.getInt(PadParams.RESPONSES);
        List<int[]> prompts = corpus.train().stream().map(e -> tokenizer.encode(corpus.prompt(e))).toList();
        List<ResponseSampler.Sample> drawn = new ResponseSampler(student,
                Sampling.atTemperature(p.getDouble(PadParams.TEMPERATURE)).withTopP(p.getDouble(PadParams.TOP_P)),
                p.getInt(PadParams.SAMPLE_TOKENS), endOfText, microBatch).sample(prompts, samples, p.getLong(DistillParams.SEED));
        List<Prompt> out = new ArrayList<>(prompts.size());
        for (int q = 0; q < prompts.size(); q++) {
            List<ResponseSampler.Sample> mine = drawn.subList(q * samples, (q + 1) * samples);
            List<String> texts = mine.stream().map(s -> tokenizer.decode(withoutStop(s))).toList();
            out.add(new Prompt(corpus.train().get(q), prompts.get(q), List.copyOf(mine), texts, DiversitySelection.select(texts, n)));
        }
        return out;
    }

    /** The rows of {@code prompt} in {@code pad_samples}, one per sample. */
    static void write(Prompt prompt, Params p, TableRows rows) {
        int[] rank = new int[prompt.samples().size()];
        Arrays.fill(rank, -1);
        int[] selected = prompt.selection().selected();
        for (int k = 0; k < selected.length; k++) {
            rank[selected[k]] = k;
        }
        for (int s = 0; s < rank.length; s++) {
            int distance = prompt.selection().minDistance()[s];
            rows.add(prompt.record().id(), s, p.getDouble(PadParams.TEMPERATURE), p.getDouble(PadParams.TOP_P),
                    rank[s] < 0 ? null : rank[s], prompt.texts().get(s), prompt.samples().get(s).tokens().length, rank[s] >= 0,
                    distance < 0 ? null : distance, prompt.selection().distinct(), prompt.samples().get(s).tokens());
        }
    }

    /** The response's tokens without the end-of-text token that stopped it. */
    private static int[] withoutStop(ResponseSampler.Sample s) {
        return s.stopped() ? Arrays.copyOf(s.tokens(), s.tokens().length - 1) : s.tokens();
    }
}
