package org.neurosweep.jobs.lota;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The committed artifacts of a {@code lota-qaf} run read back by {@code lota-eval}: {@code <out>/artifacts/run=R}
 * holds one folder per committed unit (the engine publishes a unit's artifacts only after its commit point), and a
 * lota-qaf unit's folder holds {@code merged/}, {@code quantized/} (unless its base was already GPTQ) and
 * {@code lora/} (with the LoRA baseline).
 */
final class CommittedLotaRun {

    private CommittedLotaRun() {
    }

    /**
     * The artifact folder of the committed lota-qaf unit {@code unitId} (empty: the run's only one) under
     * {@code artifacts}.
     *
     * @throws IllegalArgumentException naming the parameter when the folder does not exist, holds no committed
     *                                  lota-qaf unit, several when none is named, or not the one named
     */
    static Path unit(Path artifacts, String unitId) {
        List<String> units = units(artifacts);
        if (unitId.isEmpty() && units.size() > 1) {
            throw new IllegalArgumentException("lota-eval: params." + LotaEvalJob.LOTA_FROM + " = " + artifacts
                    + " holds the lota-qaf units " + units + "; name one (or a list, or \"" + ALL + "\") with params."
                    + LotaEvalJob.LOTA_UNIT);
        }
        String wanted = unitId.isEmpty() ? units.get(0) : unitId;
        if (!units.contains(wanted)) {
            throw new IllegalArgumentException("lota-eval: params." + LotaEvalJob.LOTA_UNIT + " = " + wanted
                    + ": no committed lota-qaf unit of that id under " + artifacts + " (has " + units + ")");
        }
        return artifacts.resolve(wanted);
    }

    /** The {@code lota-unit} value that names every committed lota-qaf unit of the folder. */
    static final String ALL = "*";

    /**
     * The ids of the committed lota-qaf units under {@code artifacts}, sorted; never empty.
     *
     * @throws IllegalArgumentException naming the parameter when the folder does not exist or holds none
     */
    static List<String> units(Path artifacts) {
        if (!Files.isDirectory(artifacts)) {
            throw new IllegalArgumentException("lota-eval: params." + LotaEvalJob.LOTA_FROM + " = " + artifacts
                    + ": no such folder (the artifacts of a committed lota-qaf run, e.g. <out>/artifacts/run=R)");
        }
        List<String> units;
        try (Stream<Path> dirs = Files.list(artifacts)) {
            units = dirs.filter(d -> Files.isDirectory(d.resolve(LotaQafKernel.MERGED)))
                    .map(d -> d.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("lota-eval: cannot list " + artifacts + ": " + e.getMessage(), e);
        }
        if (units.isEmpty()) {
            throw new IllegalArgumentException("lota-eval: params." + LotaEvalJob.LOTA_FROM + " = " + artifacts
                    + " holds no committed lota-qaf unit (no " + LotaQafKernel.MERGED + "/ checkpoint)");
        }
        return units;
    }
}
