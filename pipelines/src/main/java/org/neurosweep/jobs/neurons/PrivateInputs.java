package org.neurosweep.jobs.neurons;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.neurosweep.data.PrivateRecord;
import org.neurosweep.data.ReadResult;
import org.neurosweep.job.ModelHandle;
import org.neurosweep.job.Params;
import org.neurosweep.methods.neurons.PrivacyAttribution.PrivateTokens;
import org.neurosweep.methods.privacy.MemorizationRisk;
import org.neurosweep.job.RowSink;
import org.neurosweep.job.UnitInputs;
import org.neurosweep.job.WorkUnit;
import org.neurosweep.jobs.ForwardFootprint;

/** What the privacy jobs read: private records of a dataset slice, held-out text, and their micro-batch. */
final class PrivateInputs {

    static final String CANARIES = "canaries";
    static final String RECORDS = "private-records";
    static final String NOTE_MERGED = "the tokenizer does not give each digit a token of its own";

    /** Tokens of one exposure row (the private tokens after a cached context), generously. */
    private static final int EXPOSURE_TOKENS = 16;

    private PrivateInputs() {
    }

    /** The slice's records (format canaries or private-records); bad lines go to {@code out}'s errors. */
    static List<PrivateRecord> records(WorkUnit unit, UnitInputs in, RowSink out) {
        ReadResult<PrivateRecord> read = unit.dataset().format().equals(CANARIES)
                ? PrivateRecord.readCanaries(in.dataset(), unit.dataset().shard())
                : PrivateRecord.readGeneric(in.dataset(), unit.dataset().shard());
        out.badRecords(read.badRecords());
        return unit.dataset().limit(read.records());
    }

    /** The first {@code lines} non-empty lines of {@code path}; none for an empty path. */
    static List<String> heldout(String path, int lines, String param) throws IOException {
        if (path.isEmpty()) {
            return List.of();
        }
        Path file = Path.of(path);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("parameter " + param + ": no file " + file);
        }
        try (Stream<String> all = Files.lines(file)) {
            return all.filter(l -> !l.isBlank()).limit(lines).toList();
        }
    }

    /** C5's cut-offs from the parameters memorized-exposure, memorized-mrr and memorized-pppl. */
    static MemorizationRisk.Thresholds thresholds(Params p) {
        return new MemorizationRisk.Thresholds(p.getDouble(PrivacyNeuronsJob.MEMORIZED_EXPOSURE),
                p.getDouble(PrivacyNeuronsJob.MEMORIZED_MRR), p.getDouble(PrivacyNeuronsJob.MEMORIZED_PPPL));
    }

    /**
     * Rows per forward of exposure and perplexity scoring, from the executor's budget. A causal LM's exposure row
     * continues a cached context by a few tokens; a masked LM's row is a whole record with a candidate secret, at most
     * the context's tokens plus one per byte of the secret.
     */
    static int microBatch(UnitInputs in, ModelHandle model, List<PrivateTokens> records) {
        int tokens = EXPOSURE_TOKENS;
        if (!model.config().causal()) {
            for (PrivateTokens t : records) {
                tokens = Math.max(tokens, t.from() + t.record().secret().getBytes(StandardCharsets.UTF_8).length);
            }
        }
        return in.microBatch(ForwardFootprint.bytes(model.config(), tokens, 1));
    }
}
