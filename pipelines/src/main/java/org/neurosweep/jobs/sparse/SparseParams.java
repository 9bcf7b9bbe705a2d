package org.neurosweep.jobs.sparse;

import java.util.ArrayList;
import java.util.List;
import org.neurosweep.job.ParamSpec;
import org.neurosweep.job.ParamType;
import org.neurosweep.job.Params;
import org.neurosweep.job.Planner;
import org.neurosweep.job.WorkUnit;
import org.neurosweep.methods.sparse.ActivationCriterion;
import org.neurosweep.methods.sparse.Formatting;
import org.neurosweep.sweep.SweepConfigException;

/**
 * The parameters of the SPARCOM jobs, checked when the sweep is planned (a bad value is a config error naming the
 * job and the parameter, not a failed unit).
 */
record SparseParams(List<Double> eps, ActivationCriterion criterion, Formatting formatting, String split, int maxTokens) {

    static final String EPS = "eps";
    static final String CRITERION = "criterion";
    static final String FORMATTING = "formatting";
    static final String SPLIT = "split";
    static final String MAX_TOKENS = "max-tokens";

    static List<ParamSpec> specs() {
        return List.of(
                ParamSpec.of(EPS, ParamType.DOUBLE_LIST, List.of(0.01),
                        "the top-ε fractions of the flattened frequencies that make a component set, each in (0, 0.5] "
                                + "(the spec sweeps 0.005-0.05; a list of lists is a grid axis)"),
                ParamSpec.of(CRITERION, ParamType.STRING, "gate",
                        "when a neuron is active on a token: gate (gate pre-activation > 0) or product (act(gate) * up > 0)"),
                ParamSpec.of(FORMATTING, ParamType.STRING, "raw",
                        "the text fed: raw (instruction, newline, input) or instruction (### Instruction/Input/Response format)"),
                ParamSpec.of(SPLIT, ParamType.STRING, "",
                        "only records of this split (the world file's train/test); empty = every record"),
                ParamSpec.of(MAX_TOKENS, ParamType.INT, 0,
                        "tokens kept per instruction (its first ones); 0 = the model's maximum positions"));
    }

    /** The parameters of one unit, validated. */
    static SparseParams of(Params p) {
        List<String> problems = new ArrayList<>();
        List<Double> eps = p.getDoubleList(EPS);
        if (eps.isEmpty()) {
            problems.add(EPS + ": give at least one value");
        }
        for (double e : eps) {
            if (!(e > 0 && e <= 0.5)) {
                problems.add(EPS + ": each value must lie in (0, 0.5], got " + e);
            }
        }
        ActivationCriterion criterion = parse(problems, CRITERION, () -> ActivationCriterion.parse(p.getString(CRITERION)));
        Formatting formatting = parse(problems, FORMATTING, () -> Formatting.parse(p.getString(FORMATTING)));
        if (p.getInt(MAX_TOKENS) < 0) {
            problems.add(MAX_TOKENS + ": must be >= 0, got " + p.getInt(MAX_TOKENS));
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        return new SparseParams(eps.stream().sorted().distinct().toList(), criterion, formatting, p.getString(SPLIT),
                p.getInt(MAX_TOKENS));
    }

    /** The largest ε: instruction-level rows of the frequency table keep that one's components. */
    double largestEps() {
        return eps.get(eps.size() - 1);
    }

    /** {@code planner}, with every unit's parameters validated first (a {@link SweepConfigException} naming the job). */
    static Planner validating(String job, Planner planner) {
        return spec -> {
            List<WorkUnit> units = planner.plan(spec);
            for (Params point : spec.grid()) {
                try {
                    of(point);
                } catch (IllegalArgumentException e) {
                    throw new SweepConfigException("job " + job + ": params." + e.getMessage());
                }
            }
            return units;
        };
    }

    private static <T> T parse(List<String> problems, String name, java.util.function.Supplier<T> parser) {
        try {
            return parser.get();
        } catch (IllegalArgumentException e) {
            problems.add(name + ": " + e.getMessage());
            return null;
        }
    }
}
