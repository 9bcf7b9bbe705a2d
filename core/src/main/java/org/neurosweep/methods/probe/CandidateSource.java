package org.neurosweep.methods.probe;

import java.nio.file.Path;
import java.util.List;
import org.neurosweep.data.MlamaFact;

/**
 * Where a relation's candidate pool comes from: the relation's own objects in the query language (the default), or
 * an mLAMA label folder holding {@code <lang>.json} per language (see {@link CandidatePool#fromLabelFile}).
 */
public sealed interface CandidateSource {

    /** The pool of {@code relation} in {@code language}; {@code facts} are all of that relation's facts. */
    CandidatePool pool(String language, String relation, List<MlamaFact> facts);

    static CandidateSource relationObjects() {
        return new RelationObjects();
    }

    static CandidateSource labelFolder(Path dir) {
        return new LabelFolder(dir);
    }

    record RelationObjects() implements CandidateSource {
        @Override
        public CandidatePool pool(String language, String relation, List<MlamaFact> facts) {
            return CandidatePool.fromFacts(facts);
        }
    }

    record LabelFolder(Path dir) implements CandidateSource {
        @Override
        public CandidatePool pool(String language, String relation, List<MlamaFact> facts) {
            return CandidatePool.fromLabelFile(dir.resolve(language + ".json"), relation);
        }
    }
}
