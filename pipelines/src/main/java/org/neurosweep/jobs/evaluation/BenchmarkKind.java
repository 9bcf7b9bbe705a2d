package org.neurosweep.jobs.evaluation;

import java.util.Map;

/** The dataset formats checkpoint-eval reads, how each is scored, and its default capability group. */
enum BenchmarkKind {
    PERPLEXITY(BenchmarkKind.TEXT, "perplexity", "lm_loss"),
    PROBE(BenchmarkKind.MLAMA, "probe", "world_knowledge"),
    INSTRUCTION(BenchmarkKind.INSTRUCTIONS, "instruction", "instruction_following"),
    MULTIPLE_CHOICE_QA(BenchmarkKind.MULTIPLE_CHOICE, "multiple_choice", "examination");

    /** One document per line. */
    static final String TEXT = "text";
    /** mLAMA layout: LANG/templates.jsonl and LANG/PID.jsonl. */
    static final String MLAMA = "mlama";
    /** HexaInst-style JSONL {id, category, instruction, input, output, split}. */
    static final String INSTRUCTIONS = "instructions";
    /** Generic JSONL {question, choices, answer}. */
    static final String MULTIPLE_CHOICE = "multiple-choice";

    private final String format;
    private final String column;
    private final String defaultGroup;

    BenchmarkKind(String format, String column, String defaultGroup) {
        this.format = format;
        this.column = column;
        this.defaultGroup = defaultGroup;
    }

    static BenchmarkKind of(String format) {
        for (BenchmarkKind k : values()) {
            if (k.format.equals(format)) {
                return k;
            }
        }
        throw new IllegalArgumentException("checkpoint-eval cannot score datasets of format '" + format + "'");
    }

    /** The {@code benchmark_kind} column value. */
    String column() {
        return column;
    }

    /** The dataset's {@code group} option, else this kind's default group. */
    String group(Map<String, String> options) {
        return options.getOrDefault("group", defaultGroup);
    }
}
