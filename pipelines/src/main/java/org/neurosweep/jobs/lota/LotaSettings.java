package org.neurosweep.jobs.lota;

import java.util.List;
import org.neurosweep.job.ParamSpec;
import org.neurosweep.job.ParamType;
import org.neurosweep.job.Params;
import org.neurosweep.quant.LotaQaf;
import org.neurosweep.quant.TSignSgd;
import org.neurosweep.quant.TernaryAdapter;
import org.neurosweep.quant.ZeroFormat;

/** The parameters of one {@code lota-qaf} run, read and checked once from the unit's {@link Params}. */
record LotaSettings(Quantizer quantizer, int bits, int groupSize, TernaryAdapter.Settings adapter, String targets, ZeroFormat zeroFormat,
                    int steps, int microBatch, int gradientAccumulation, long seed, TSignSgd.Schedule schedule,
                    String trainSplit, String evalSplit, int evalExamples, int maxNewTokens, boolean evaluateInline,
                    boolean loraBaseline, int loraRank, double loraAlpha, double loraLearningRate) {

    /** How a 16-bit base is quantized: round-to-nearest, or GPTQ calibrated on the run's training records. */
    record Quantizer(boolean gptq, boolean actOrder, int calibrationExamples) {
    }

    static final String QUANTIZER = "quantizer";
    static final String ACT_ORDER = "act-order";
    static final String CALIBRATION_EXAMPLES = "calibration-examples";
    static final String BITS = "bits";
    static final String GROUP_SIZE = "group-size";
    static final String RANK = "rank";
    static final String OMEGA = "omega";
    static final String RESIDUAL = "residual";
    static final String TARGETS = "targets";
    static final String ZERO_FORMAT = "zero-format";
    static final String STEPS = "steps";
    static final String MICRO_BATCH = "micro-batch";
    static final String GRADIENT_ACCUMULATION = "gradient-accumulation";
    static final String SEED = "seed";
    static final String SIGMA0 = "sigma0";
    static final String SIGMA1 = "sigma1";
    static final String SIGMA2 = "sigma2";
    static final String TAU = "tau";
    static final String TRAIN_SPLIT = "train-split";
    static final String EVAL_SPLIT = "eval-split";
    static final String EVAL_EXAMPLES = "eval-examples";
    static final String MAX_NEW_TOKENS = "max-new-tokens";
    static final String EVALUATE = "evaluate";
    static final String LORA_BASELINE = "lora-baseline";
    static final String LORA_RANK = "lora-rank";
    static final String LORA_ALPHA = "lora-alpha";
    static final String LORA_LR = "lora-lr";

    static List<ParamSpec> specs() {
        return List.of(
                ParamSpec.of(QUANTIZER, ParamType.STRING, "rtn", "how a 16-bit base is quantized: rtn or gptq (calibrated on the training records; docs/methods/quantize.md)"),
                ParamSpec.of(ACT_ORDER, ParamType.BOOLEAN, false, "gptq: visit columns by decreasing Hessian diagonal"),
                ParamSpec.of(CALIBRATION_EXAMPLES, ParamType.INT, 32, "gptq: training records whose tokens calibrate"),
                ParamSpec.of(BITS, ParamType.INT, 4, "bits per code of the quantized base: 2, 3, 4 or 8 (ignored for a GPTQ base)"),
                ParamSpec.of(GROUP_SIZE, ParamType.INT, 64, "input columns per quantization group (ignored for a GPTQ base)"),
                ParamSpec.of(RANK, ParamType.INT, 16, "r: inner width of the ternary factors B·A"),
                ParamSpec.of(OMEGA, ParamType.DOUBLE, 0.0, "ω: |B·A| must exceed it for a code to move; 0 = 0.75·rank; must be < rank"),
                ParamSpec.of(RESIDUAL, ParamType.BOOLEAN, true, "adapt the zero points with the residual offsets δ (off: δ = 0, integer zeros)"),
                ParamSpec.of(TARGETS, ParamType.STRING, LotaQaf.DEFAULT_TARGETS, "regex over module names of the adapted projections"),
                ParamSpec.of(ZERO_FORMAT, ParamType.STRING, ZeroFormat.V2.configName(), "zero points in written checkpoints: gptq (v1, z-1) or gptq_v2"),
                ParamSpec.of(STEPS, ParamType.INT, 20, "T: optimizer steps of the adaptation (and of the LoRA baseline)"),
                ParamSpec.of(MICRO_BATCH, ParamType.INT, 16, "examples per forward/backward pass"),
                ParamSpec.of(GRADIENT_ACCUMULATION, ParamType.INT, 1, "micro-batches per optimizer step"),
                ParamSpec.of(SEED, ParamType.LONG, 42L, "seed of the example order and the adapters' initialisation"),
                ParamSpec.of(SIGMA0, ParamType.DOUBLE, 0.95, "t-SignSGD quantile level at step 0"),
                ParamSpec.of(SIGMA1, ParamType.DOUBLE, 0.999, "t-SignSGD quantile level at the end of phase 1 (0.8·T)"),
                ParamSpec.of(SIGMA2, ParamType.DOUBLE, 0.9999, "t-SignSGD quantile level at T"),
                ParamSpec.of(TAU, ParamType.DOUBLE, 1e-9, "t-SignSGD: gradients of at most this magnitude never move an entry"),
                ParamSpec.of(TRAIN_SPLIT, ParamType.STRING, "train", "train on instruction records of this split; empty = all"),
                ParamSpec.of(EVAL_SPLIT, ParamType.STRING, "test", "evaluate on records of this split; empty = all"),
                ParamSpec.of(EVAL_EXAMPLES, ParamType.INT, 0, "evaluate at most this many records; 0 = all of the split"),
                ParamSpec.of(MAX_NEW_TOKENS, ParamType.INT, 8, "greedy tokens at most per exact-match answer"),
                ParamSpec.oneOf(EVALUATE, ParamType.STRING, "inline", List.of("inline", "none"), "inline: evaluate every variant in the unit (lota_eval); "
                        + "none: only write the checkpoints, for lota-eval map units to evaluate"),
                ParamSpec.of(LORA_BASELINE, ParamType.BOOLEAN, true, "also train the fp LoRA baseline on the dequantized base"),
                ParamSpec.of(LORA_RANK, ParamType.INT, 0, "LoRA rank; 0 = rank"),
                ParamSpec.of(LORA_ALPHA, ParamType.DOUBLE, 0.0, "LoRA alpha (scaling alpha/r); 0 = 2·LoRA rank"),
                ParamSpec.of(LORA_LR, ParamType.DOUBLE, 1e-3, "LoRA AdamW learning rate (constant after a 3% warm-up)"));
    }

    static LotaSettings of(Params p) {
        int rank = p.getInt(RANK);
        double omega = p.getDouble(OMEGA) == 0 ? 0.75 * rank : p.getDouble(OMEGA);
        int steps = p.getInt(STEPS);
        int loraRank = p.getInt(LORA_RANK) == 0 ? rank : p.getInt(LORA_RANK);
        String quantizer = p.getString(QUANTIZER);
        require(quantizer.equals("rtn") || quantizer.equals("gptq"), QUANTIZER + " must be rtn or gptq, got '" + quantizer + "'");
        require(p.getInt(CALIBRATION_EXAMPLES) >= 1, CALIBRATION_EXAMPLES + " must be >= 1");
        require(List.of(2, 3, 4, 8).contains(p.getInt(BITS)), BITS + " must be 2, 3, 4 or 8, got " + p.getInt(BITS));
        require(p.getInt(GROUP_SIZE) >= 1, GROUP_SIZE + " must be >= 1, got " + p.getInt(GROUP_SIZE));
        require(steps >= 1, STEPS + " must be >= 1, got " + steps);
        require(p.getInt(MAX_NEW_TOKENS) >= 1, MAX_NEW_TOKENS + " must be >= 1");
        require(p.getInt(EVAL_EXAMPLES) >= 0, EVAL_EXAMPLES + " must be >= 0");
        require(loraRank >= 1, LORA_RANK + " must be >= 0");
        require(p.getDouble(LORA_LR) > 0, LORA_LR + " must be > 0");
        try {
            java.util.regex.Pattern.compile(p.getString(TARGETS));
        } catch (java.util.regex.PatternSyntaxException e) {
            throw new IllegalArgumentException(TARGETS + " is not a regular expression: " + e.getDescription());
        }
        return new LotaSettings(new Quantizer(quantizer.equals("gptq"), p.getBoolean(ACT_ORDER),
                p.getInt(CALIBRATION_EXAMPLES)), p.getInt(BITS), p.getInt(GROUP_SIZE), new TernaryAdapter.Settings(rank, omega,
                p.getBoolean(RESIDUAL)), p.getString(TARGETS), ZeroFormat.ofConfig(p.getString(ZERO_FORMAT)), steps,
                p.getInt(MICRO_BATCH), p.getInt(GRADIENT_ACCUMULATION), p.getLong(SEED),
                new TSignSgd.Schedule(p.getDouble(SIGMA0), p.getDouble(SIGMA1), p.getDouble(SIGMA2), p.getDouble(TAU),
                        steps, 0.8, 10, 0.99995),
                p.getString(TRAIN_SPLIT), p.getString(EVAL_SPLIT), p.getInt(EVAL_EXAMPLES), p.getInt(MAX_NEW_TOKENS),
                p.getString(EVALUATE).equals("inline"),
                p.getBoolean(LORA_BASELINE), loraRank,
                p.getDouble(LORA_ALPHA) == 0 ? 2.0 * loraRank : p.getDouble(LORA_ALPHA), p.getDouble(LORA_LR));
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException("lota-qaf: " + message);
        }
    }
}
