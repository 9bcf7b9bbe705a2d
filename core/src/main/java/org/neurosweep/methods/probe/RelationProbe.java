package org.neurosweep.methods.probe;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.neurosweep.data.BadRecord;
import org.neurosweep.data.MlamaDataset;
import org.neurosweep.data.MlamaFact;
import org.neurosweep.data.MlamaTemplate;
import org.neurosweep.data.ReadResult;
import org.neurosweep.data.Shard;

/** The facts of one relation in one language with the relation's template and candidate pool: one probing task. */
public record RelationProbe(MlamaTemplate template, List<MlamaFact> facts, CandidatePool pool) {

    public RelationProbe {
        facts = List.copyOf(facts);
    }

    public String language() {
        return template.language();
    }

    public String relation() {
        return template.relation();
    }

    /** This task restricted to the facts {@code keep} accepts (same template and pool). */
    public RelationProbe filtered(Predicate<MlamaFact> keep) {
        return new RelationProbe(template, facts.stream().filter(keep).toList(), pool);
    }

    /** The tasks of a dataset and the records that could not be read. */
    public record Loaded(List<RelationProbe> probes, List<BadRecord> badRecords) {
    }

    /**
     * The tasks of {@code languages} (all of the dataset's when empty), every relation with a facts file, each with
     * the facts {@code shard} selects; pools are built from all of a relation's facts. A relation without a template
     * is skipped and reported as a bad record of its language's {@code templates.jsonl}.
     */
    public static Loaded load(MlamaDataset dataset, List<String> languages, Shard shard, CandidateSource candidates) {
        List<RelationProbe> probes = new ArrayList<>();
        List<BadRecord> bad = new ArrayList<>();
        for (String language : languages.isEmpty() ? dataset.languages() : languages) {
            ReadResult<MlamaTemplate> templates = dataset.templates(language);
            bad.addAll(templates.badRecords());
            Map<String, MlamaTemplate> byRelation = new HashMap<>();
            templates.records().forEach(t -> byRelation.putIfAbsent(t.relation(), t));
            for (String relation : dataset.relations(language)) {
                MlamaTemplate template = byRelation.get(relation);
                if (template == null) {
                    Path file = dataset.root().resolve(language).resolve("templates.jsonl");
                    bad.add(new BadRecord(file.toString(), 0, "no template for relation " + relation
                            + "; its facts were not probed"));
                    continue;
                }
                ReadResult<MlamaFact> selected = dataset.facts(language, relation, shard);
                bad.addAll(selected.badRecords());
                List<MlamaFact> all = shard.count() == 1 ? selected.records()
                        : dataset.facts(language, relation, Shard.all()).records();
                probes.add(new RelationProbe(template, selected.records(), candidates.pool(language, relation, all)));
            }
        }
        return new Loaded(probes, bad);
    }
}
