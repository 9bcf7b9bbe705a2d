package org.neurosweep.jobs.probe;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.neurosweep.job.ParamSpec;
import org.neurosweep.job.ParamType;
import org.neurosweep.job.Params;
import org.neurosweep.methods.probe.CandidateSource;
import org.neurosweep.methods.probe.ProbeMode;
import org.neurosweep.methods.probe.ProbeSettings;
import org.neurosweep.methods.probe.ScoreKind;

/** The probe parameters that {@code mlama-probe} and {@code lrp2} share. */
final class ProbeParams {

    static final String MODE = "mode";
    static final String SCORE = "score";
    static final String MAX_CANDIDATES = "max-candidates";
    static final String CANDIDATES = "candidates";
    static final String LANGUAGES = "languages";

    private ProbeParams() {
    }

    static List<ParamSpec> specs() {
        return List.of(
                ParamSpec.oneOf(MODE, ParamType.STRING, "rank", List.of("rank", "exact-match"),
                        "rank: the gold object ranked among the candidates by the log-probability of the filled template "
                                + "(P@1, rank, reciprocal rank); exact-match: every object token is the greedy argmax under "
                                + "teacher forcing (the world models' reference probe)"),
                ParamSpec.oneOf(SCORE, ParamType.STRING, "mean", List.of("mean", "sum"),
                        "rank mode: mean (length-normalised log-probability per token) or sum (joint log-probability)"),
                ParamSpec.of(MAX_CANDIDATES, ParamType.INT, 0,
                        "rank mode: candidates per fact, gold included, the distractors drawn with a seed from the fact's "
                                + "uuid; 0 = the whole pool"),
                ParamSpec.of(CANDIDATES, ParamType.STRING, "relation",
                        "the candidate pool: relation (every object of the relation in the query language) or a folder of "
                                + "mLAMA label files <lang>.json ({relation: {objects: [...]}}), relative to the dataset"),
                ParamSpec.of(LANGUAGES, ParamType.STRING_LIST, List.of(),
                        "languages to probe; empty = every language of the dataset"));
    }

    static ProbeSettings settings(Params p, int microBatch) {
        return new ProbeSettings(mode(p), scoreKind(p), p.getInt(MAX_CANDIDATES), microBatch);
    }

    static CandidateSource candidates(Params p, Path datasetDir) {
        String spec = p.getString(CANDIDATES);
        return spec.equals("relation") ? CandidateSource.relationObjects()
                : CandidateSource.labelFolder(datasetDir.resolve(spec));
    }

    static List<String> languages(Params p) {
        return p.getStringList(LANGUAGES);
    }

    private static ProbeMode mode(Params p) {
        return switch (p.getString(MODE)) {
            case "rank" -> ProbeMode.RANK;
            case "exact-match" -> ProbeMode.EXACT_MATCH;
            default -> throw new IllegalArgumentException("parameter " + MODE + " must be rank or exact-match, got '"
                    + p.getString(MODE) + "'");
        };
    }

    private static ScoreKind scoreKind(Params p) {
        try {
            return ScoreKind.valueOf(p.getString(SCORE).toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("parameter " + SCORE + " must be mean or sum, got '" + p.getString(SCORE) + "'");
        }
    }

    /** The mode as tables spell it. */
    static String modeName(ProbeMode mode) {
        return mode == ProbeMode.RANK ? "rank" : "exact-match";
    }
}
