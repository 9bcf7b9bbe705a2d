package org.neurosweep.model.check;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.neurosweep.model.CausalLM;
import org.neurosweep.model.CheckpointException;
import org.neurosweep.tensor.TensorSource;
import org.neurosweep.tensor.TensorSources;

/**
 * Checks a checkpoint against a reference file (format: docs/reference-format.md): runs the reference inputs and
 * compares every tensor the file holds, one {@link CheckResult} each. A tensor no {@link TensorCheck} computes is
 * skipped with the reason.
 */
public final class ReferenceCheck {
    private static final Set<String> INPUTS = Set.of("input_ids", "attention_mask");
    private static final Pattern NUMBERED = Pattern.compile("(.*?)(\\d+)$");
    // embed, layer_out.2, layer_out.10: numeric suffixes in numeric order
    private static final Comparator<String> NATURAL = (a, b) -> {
        Matcher ma = NUMBERED.matcher(a);
        Matcher mb = NUMBERED.matcher(b);
        if (ma.matches() && mb.matches() && ma.group(1).equals(mb.group(1))) {
            return Long.compare(Long.parseLong(ma.group(2)), Long.parseLong(mb.group(2)));
        }
        return a.compareTo(b);
    };

    private ReferenceCheck() {
    }

    /** Loads {@code modelDir} (path or Hadoop URI) and checks it against {@code referenceFile}. */
    public static List<CheckResult> run(String modelDir, String referenceFile, Tolerance tolerance) {
        CausalLM model = CausalLM.load(modelDir);
        try (TensorSource reference = TensorSources.open(referenceFile)) {
            return run(model, reference, tolerance, List.of());
        } catch (IOException e) {
            throw new CheckpointException(referenceFile + ": cannot open the reference: " + e.getMessage(), e);
        }
    }

    /**
     * Checks {@code model} against the tensors of {@code reference}; {@code extra} checks are consulted first, then
     * those registered with {@link ServiceLoader}, then the built-in ones.
     */
    public static List<CheckResult> run(CausalLM model, TensorSource reference, Tolerance tolerance,
                                        List<TensorCheck> extra) {
        List<TensorCheck> checks = new ArrayList<>(extra);
        ServiceLoader.load(TensorCheck.class).forEach(checks::add);
        checks.add(new ActivationChecks());
        checks.add(new GreedyCheck());
        ReferenceRun run = new ReferenceRun(model, reference, tolerance);
        List<CheckResult> results = new ArrayList<>();
        List<String> names = new ArrayList<>(reference.names());
        names.sort(NATURAL);
        for (String name : names) {
            if (INPUTS.contains(name)) {
                continue;
            }
            TensorCheck check = checks.stream().filter(c -> c.handles(name)).findFirst().orElse(null);
            results.add(check == null ? CheckResult.skip(name, skipReason(name)) : safely(check, name, run));
        }
        return results;
    }

    /** Prints one line per result and {@code N passed, N failed, N skipped}; returns the number failed. */
    public static int report(List<CheckResult> results, PrintStream out) {
        int passed = 0;
        int failed = 0;
        int skipped = 0;
        for (CheckResult r : results) {
            out.println(r.line());
            switch (r.status()) {
                case PASS -> passed++;
                case FAIL -> failed++;
                case SKIP -> skipped++;
            }
        }
        out.println(passed + " passed, " + failed + " failed, " + skipped + " skipped");
        return failed;
    }

    /** {@code check-model}: runs, reports to {@code out}, and returns the exit code (0 only if nothing failed). */
    public static int checkModel(String modelDir, String referenceFile, Tolerance tolerance, PrintStream out) {
        return report(run(modelDir, referenceFile, tolerance), out) == 0 ? 0 : 1;
    }

    private static CheckResult safely(TensorCheck check, String name, ReferenceRun run) {
        try {
            return check.check(name, run);
        } catch (RuntimeException e) {
            return CheckResult.fail(name, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private static String skipReason(String name) {
        return name.startsWith("ig.")
                ? "integrated gradients are not wired into check-model (no TensorCheck for ig.*)"
                : "no check computes this tensor";
    }
}
