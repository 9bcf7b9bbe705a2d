package org.neurosweep.methods.probe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.SplittableRandom;
import org.neurosweep.data.DatasetException;
import org.neurosweep.data.MlamaFact;

/**
 * The objects a fact's gold object is ranked against (LRP2's "typed querying", docs/methods/lrp2-mlama.md §3): by
 * default every distinct object of the relation in the query's language; or the {@code objects} list of an mLAMA label
 * file. Candidates keep the pool's order.
 */
public final class CandidatePool {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<String> objects;

    private CandidatePool(List<String> objects) {
        this.objects = objects;
    }

    /** The distinct labels, first occurrence first. */
    public static CandidatePool of(Collection<String> labels) {
        return new CandidatePool(List.copyOf(new LinkedHashSet<>(labels)));
    }

    /** The distinct {@code obj_label}s of a relation's facts (read them all, not one shard). */
    public static CandidatePool fromFacts(List<MlamaFact> facts) {
        return of(facts.stream().map(MlamaFact::objLabel).toList());
    }

    /**
     * The {@code relation.objects} list of an mLAMA label file ({@code TREx_multilingual_objects/<lang>.json}:
     * {@code {"P36": {"objects": [...], "subjects": [...]}, ...}}).
     *
     * @throws DatasetException naming the file and key when it cannot be read or lacks the list
     */
    public static CandidatePool fromLabelFile(Path file, String relation) {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new DatasetException("cannot read candidate file " + file + ": " + e.getMessage(), e);
        }
        JsonNode list = root == null ? null : root.path(relation).get("objects");
        if (list == null || !list.isArray() || list.isEmpty()) {
            throw new DatasetException(file + ": key '" + relation + ".objects' must be a non-empty list of labels");
        }
        List<String> labels = new ArrayList<>();
        for (JsonNode n : list) {
            if (!n.isTextual()) {
                throw new DatasetException(file + ": key '" + relation + ".objects' holds a non-string " + n);
            }
            labels.add(n.textValue());
        }
        return of(labels);
    }

    public List<String> objects() {
        return objects;
    }

    /**
     * The candidates of one fact: the pool, with the gold object appended when the pool lacks it. With
     * {@code maxCandidates > 0} and a larger pool, the gold object and {@code maxCandidates − 1} distractors drawn
     * uniformly with a seed from the fact's uuid (docs/methods/lrp2-mlama.md §3), in pool order.
     */
    public List<String> candidatesFor(MlamaFact fact, int maxCandidates) {
        if (maxCandidates < 0) {
            throw new IllegalArgumentException("maxCandidates must be >= 0 (0 = the whole pool), got " + maxCandidates);
        }
        List<String> all = new ArrayList<>(objects);
        if (!all.contains(fact.objLabel())) {
            all.add(fact.objLabel());
        }
        if (maxCandidates == 0 || all.size() <= maxCandidates) {
            return all;
        }
        List<String> distractors = new ArrayList<>(all);
        distractors.remove(fact.objLabel());
        SplittableRandom rng = new SplittableRandom(StableHash.of(fact.uuid()));
        for (int i = 0; i < maxCandidates - 1; i++) {               // partial Fisher-Yates: the first k are the draw
            int j = i + rng.nextInt(distractors.size() - i);
            distractors.set(j, distractors.set(i, distractors.get(j)));
        }
        LinkedHashSet<String> chosen = new LinkedHashSet<>(distractors.subList(0, maxCandidates - 1));
        chosen.add(fact.objLabel());
        return all.stream().filter(chosen::contains).toList();
    }
}
