package org.neurosweep.methods.neurons;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.neurosweep.data.BadRecord;
import org.neurosweep.data.MlamaDataset;
import org.neurosweep.data.MlamaFact;
import org.neurosweep.data.MlamaTemplate;
import org.neurosweep.data.ReadResult;
import org.neurosweep.data.Shard;
import org.neurosweep.methods.probe.ProbeQuery;
import org.neurosweep.text.Tokenizer;

/**
 * One fact put to a causal LM through one of its relation's templates, for attribution: the prompt of
 * {@link ProbeQuery} (template cut before [Y], [X] filled) and, as target, the first token of the object text
 * ({@code " " + obj_label} where the template has a space before [Y]), each tokenized on its own without special
 * tokens. The templates of a relation in {@code LANG/templates.jsonl} (several lines may name the same relation) are
 * the fact's paraphrases, numbered in file order.
 *
 * @param templateIndex the template's index among its relation's templates in that language
 */
public record FactPrompt(MlamaFact fact, int templateIndex, String template, String prompt, int[] ids, int target,
                         String targetText) {

    /** The prompts of a dataset and the records that could not become one. */
    public record Loaded(List<FactPrompt> prompts, List<BadRecord> badRecords) {
    }

    /**
     * Every (fact, template) of {@code languages} (empty = all): the facts {@code shard} selects, at most
     * {@code maxFacts} per relation file (0 = all).
     */
    public static Loaded load(MlamaDataset dataset, List<String> languages, Shard shard, int maxFacts, Tokenizer tokenizer) {
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
                        FactPrompt p = of(fact, i, paraphrases.get(i), tokenizer);
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

    /** The prompt of {@code fact} through {@code template}, or null when its prompt or object encodes to no token. */
    public static FactPrompt of(MlamaFact fact, int templateIndex, MlamaTemplate template, Tokenizer tokenizer) {
        ProbeQuery q = ProbeQuery.of(template, fact);
        String object = q.objectText(fact.objLabel());
        int[] ids = tokenizer.encode(q.prompt());
        int[] objectIds = tokenizer.encode(object);
        if (ids.length == 0 || objectIds.length == 0) {
            return null;
        }
        return new FactPrompt(fact, templateIndex, template.template(), q.prompt(), ids, objectIds[0],
                tokenizer.decode(new int[] {objectIds[0]}));
    }
}
