package org.neurosweep.methods.distill;

import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.neurosweep.autograd.Shapes;
import org.neurosweep.autograd.Tape;
import org.neurosweep.autograd.Var;
import org.neurosweep.model.Batch;
import org.neurosweep.model.CausalLM;
import org.neurosweep.model.Forward;
import org.neurosweep.model.LogitsAt;
import org.neurosweep.train.CausalLmBatch;
import org.neurosweep.train.LmExample;
import org.neurosweep.train.LossMask;
import org.neurosweep.train.Trainer;

/**
 * The training objective of token-level distillation of a frozen teacher into a trainable student over
 * {@link DistillExample}s: per micro-batch one teacher forward (no tape: its weights are constants) and one student
 * forward on the same right-padded batch, then {@link DistillationLoss#kd} or {@link DistillationLoss#swing} over the
 * response positions. Teacher and student must share the vocabulary.
 */
public final class TokenDistillation implements Trainer.Objective<DistillExample> {

    /** Plain knowledge distillation (τ = τ_low, constant λ, no noise) or swing distillation. */
    public enum Mode { KD, SWING }

    private final CausalLM teacher;
    private final CausalLM student;
    private final int padId;
    private final Mode mode;
    private final SwingSettings settings;
    private final long noiseSeed;
    private long microBatches;

    /** {@code noiseSeed}: micro-batch k draws its swing noise from {@code noiseSeed + k}. */
    public TokenDistillation(CausalLM teacher, CausalLM student, int padId, Mode mode, SwingSettings settings,
                             long noiseSeed) {
        int tv = teacher.config().vocabSize();
        int sv = student.config().vocabSize();
        if (tv != sv) {
            throw new IllegalArgumentException("distillation needs one vocabulary: the teacher has " + tv
                    + " tokens, the student " + sv);
        }
        this.teacher = teacher;
        this.student = student;
        this.padId = padId;
        this.mode = mode;
        this.settings = settings;
        this.noiseSeed = noiseSeed;
    }

    @Override
    public Var loss(List<DistillExample> microBatch, Trainer.Scope scope) {
        CausalLmBatch batch = CausalLmBatch.of(microBatch.stream().map(DistillExample::tokens).toList(), padId,
                LossMask.RESPONSE_ONLY);
        ResponseRows at = ResponseRows.of(batch);
        INDArray teacherLogits;
        try (Tape.Suspension noGrad = Tape.suspend()) {
            // the teacher's weights are constants: its forward records nothing and takes the inference paths
            teacherLogits = scope.keep(teacher.forward(at.input())).logits().value();
        }
        Var studentLogits = scope.keep(student.forward(at.input())).logits();
        long rows = teacherLogits.size(0) * teacherLogits.size(1);                   // b·n
        INDArray teacherRows = Shapes.gatherRows(teacherLogits.reshape(rows, teacherLogits.size(2)), at.logitRows());
        Var studentRows = Shapes.indexSelect(Shapes.reshape(studentLogits, rows, studentLogits.size(2)), 0, at.logitRows());
        int[] counted = at.counted();
        int[] targets = Arrays.stream(counted).map(i -> batch.targets()[i]).toArray();
        long seed = noiseSeed + microBatches++;
        if (mode == Mode.KD) {
            return DistillationLoss.kd(studentRows, teacherRows, targets, settings.tauLow(), settings.lambda());
        }
        double[] rho = targetRho(microBatch, batch);
        return DistillationLoss.swing(studentRows, teacherRows, targets, Arrays.stream(counted).mapToDouble(i -> rho[i]).toArray(),
                settings, seed);
    }

    /**
     * The positions a distillation step reads of a right-padded {@link CausalLmBatch}: those that predict a response
     * token, per row (padded to the longest response by repeating a row's last one), so that prompts and padding never
     * reach the unembedding or the loss's softmaxes.
     *
     * @param input     the batch with {@link LogitsAt#perRow} logits: a forward gives (b, n, V)
     * @param counted   the counted (flat b·t) indices of {@link CausalLmBatch#targets()}, in order
     * @param logitRows for each counted index, its row in the forward's logits flattened to (b·n, V)
     */
    public record ResponseRows(Batch input, int[] counted, int[] logitRows) {

        public static ResponseRows of(CausalLmBatch batch) {
            int width = batch.input().length();
            int b = batch.input().size();
            int[] counted = IntStream.range(0, batch.targets().length)
                    .filter(i -> batch.targets()[i] != CausalLmBatch.IGNORE_INDEX).toArray();
            int[] perRow = new int[b];
            for (int i : counted) {
                perRow[i / width]++;
            }
            int n = Math.max(1, Arrays.stream(perRow).max().orElse(1));
            int[][] positions = new int[b][n];
            int[] logitRows = new int[counted.length];
            int[] filled = new int[b];
            for (int k = 0; k < counted.length; k++) {
                int r = counted[k] / width;
                positions[r][filled[r]] = counted[k] % width;
                logitRows[k] = r * n + filled[r]++;
            }
            for (int r = 0; r < b; r++) {
                Arrays.fill(positions[r], filled[r], n, filled[r] == 0 ? 0 : positions[r][filled[r] - 1]);
            }
            return new ResponseRows(batch.input().logitsAt(LogitsAt.perRow(positions)), counted, logitRows);
        }
    }

    /** ρ of each row's target token, aligned with {@link CausalLmBatch#targets()} (0 where the target is ignored). */
    public static double[] targetRho(List<DistillExample> examples, CausalLmBatch batch) {
        int width = batch.input().length();
        double[] rho = new double[batch.targets().length];
        for (int i = 0; i < examples.size(); i++) {
            double[] r = examples.get(i).rho();
            for (int j = 0; j + 1 < r.length; j++) {
                if (batch.targets()[i * width + j] != CausalLmBatch.IGNORE_INDEX) {
                    rho[i * width + j] = r[j + 1];
                }
            }
        }
        return rho;
    }

    /** Mean response cross-entropy (nats per counted token) of {@code model} on {@code examples}, in micro-batches. */
    public static double responseNll(CausalLM model, List<LmExample> examples, int padId, int microBatch) {
        double sum = 0;
        long tokens = 0;
        for (int from = 0; from < examples.size(); from += microBatch) {
            CausalLmBatch batch = CausalLmBatch.of(examples.subList(from, Math.min(examples.size(), from + microBatch)),
                    padId, LossMask.RESPONSE_ONLY);
            try (Forward f = model.forward(batch.input())) {
                sum += batch.loss(f.logits()).value().getDouble(0) * batch.countedTokens();
            }
            tokens += batch.countedTokens();
        }
        return tokens == 0 ? Double.NaN : sum / tokens;
    }
}
