package org.neurosweep.methods.neurons;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.neurosweep.data.BadRecord;
import org.neurosweep.data.MlamaDataset;
import org.neurosweep.data.MlamaFact;
import org.neurosweep.data.MlamaTemplate;
import org.neurosweep.data.ReadResult;
import org.neurosweep.data.Shard;
import org.neurosweep.methods.probe.ProbeQuery;
import org.neurosweep.text.Tokenizer;

/**
 * One fact put to a language model through one of its relation's templates, for attribution, each piece tokenized on
 * its own without special tokens. The target is the first token of the object text ({@code " " + obj_label} where
 * the template has a space before [Y]); the answer position is where the model predicts it:
 * <ul>
 *   <li>a causal LM: the prompt of {@link ProbeQuery} (template cut before [Y], [X] filled), answered at its last
 *       position;</li>
 *   <li>a masked LM (BERT): the whole filled template with [Y] replaced by one mask token (the cloze of DEPN and of
 *       Dai et al.), answered at the mask.</li>
 * </ul>
 * The templates of a relation in {@code LANG/templates.jsonl} (several lines may name the same relation) are the
 * fact's paraphrases, numbered in file order.
 *
 * @param templateIndex the template's index among its relation's templates in that language
 * @param prompt        the text put to the model (for a masked LM written with {@code [MASK]} in the [Y] slot, whatever
 *                      the tokenizer's mask token is called)
 * @param answer        the index in {@code ids} of the answer position
 */
public record FactPrompt(MlamaFact fact, int templateIndex, String template, String prompt, int[] ids, int answer,
                         int target, String targetText) {

    private static final String MASK_TEXT = "[MASK]";

    /** The prompts of a dataset and the records that could not become one. */
    public record Loaded(List<FactPrompt> prompts, List<BadRecord> badRecords) {
    }

    /**
     * Every (fact, template) of {@code languages} (empty = all): the facts {@code shard} selects, at most
     * {@code maxFacts} per relation file (0 = all); {@code mask} is a masked LM's mask token, empty for a causal LM.
     */
    public static Loaded load(MlamaDataset dataset, List<String> languages, Shard shard, int maxFacts, Tokenizer tokenizer,
                              OptionalInt mask) {
        List<FactPrompt> out = new ArrayList<>();
        List<BadRecord> bad = new ArrayList<>();
        for (String language : languages.isEmpty() ? dataset.languages() : languages) {
            ReadResult<MlamaTemplate> templates = dataset.templates(language);
            bad.addAll(templates.badRecords());
            Map<String, List<MlamaTemplate>> byRelation = new LinkedHashMap<>();
            templates.records().forEach(t -> byRelation.computeIfAbsent(t.relation(), r -> new ArrayList<>()).add(t));
            for (String relation : dataset.relations(language)) {
                Path factFile = dataset.root().resolve(language).resolve(relation + ".jsonl");
                List<MlamaTemplate> paraphrases = byRelation.get(relation);
                if (paraphrases == null) {
                    bad.add(new BadRecord(dataset.root().resolve(language).resolve("templates.jsonl").toString(), 0,
                            "no template for relation " + relation + "; its facts were not attributed"));
                    continue;
                }
                ReadResult<MlamaFact> facts = dataset.facts(language, relation, shard);
                bad.addAll(facts.badRecords());
                List<MlamaFact> kept = maxFacts > 0 && facts.records().size() > maxFacts
                        ? facts.records().subList(0, maxFacts) : facts.records();
                for (MlamaFact fact : kept) {
                    for (int i = 0; i < paraphrases.size(); i++) {
                        FactPrompt p = of(fact, i, paraphrases.get(i), tokenizer, mask);
                        if (p == null) {
                            bad.add(new BadRecord(factFile.toString(), 0,
                                    "fact " + fact.uuid() + " with template \"" + paraphrases.get(i).template()
                                            + "\" has an empty prompt or object; not attributed"));
                        } else {
                            out.add(p);
                        }
                    }
                }
            }
        }
        return new Loaded(out, bad);
    }

    /**
     * The prompt of {@code fact} through {@code template} (a cloze around {@code mask} when present), or null when its
     * prompt (causal LM) or object encodes to no token.
     */
    public static FactPrompt of(MlamaFact fact, int templateIndex, MlamaTemplate template, Tokenizer tokenizer,
                                OptionalInt mask) {
        ProbeQuery q = ProbeQuery.of(template, fact);
        String object = q.objectText(fact.objLabel());
        int[] head = tokenizer.encode(q.prompt());
        int[] objectIds = tokenizer.encode(object);
        if (objectIds.length == 0 || head.length == 0 && mask.isEmpty()) {
            return null;
        }
        String targetText = tokenizer.decode(new int[] {objectIds[0]});
        if (mask.isEmpty()) {
            return new FactPrompt(fact, templateIndex, template.template(), q.prompt(), head, head.length - 1, objectIds[0],
                    targetText);
        }
        int[] tail = tokenizer.encode(q.tail());
        int[] ids = new int[head.length + 1 + tail.length];
        System.arraycopy(head, 0, ids, 0, head.length);
        ids[head.length] = mask.getAsInt();
        System.arraycopy(tail, 0, ids, head.length + 1, tail.length);
        String cloze = q.prompt() + q.separator() + MASK_TEXT + q.tail();
        return new FactPrompt(fact, templateIndex, template.template(), cloze, ids, head.length, objectIds[0], targetText);
    }
}
