package org.neurosweep.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.profiler.OpProfiler;
import org.nd4j.linalg.profiler.ProfilerConfig;

/**
 * Seconds spent inside each kind of ND4J op (matmul, multiply, add, ...) during one run of an action, from ND4J's
 * op profiler; the wall time of that run minus their sum is what happens outside ops (allocation, Java, JNI).
 */
record OpTimes(double wall, Map<String, Double> secondsByOp) {

    /** A line of {@code OpProfiler}'s per-op report: "CustomOp matmul (hash)  >>>  perc: 57.5 Time spent: 11990 ms". */
    private static final Pattern LINE = Pattern.compile("^\\w+ (\\S+) \\(.*\\)\\s+>>>\\s+perc: \\S+ Time spent: (\\d+) ms",
            Pattern.MULTILINE);

    static OpTimes profile(Runnable action) {
        OpProfiler profiler = OpProfiler.getInstance();
        profiler.reset();
        Nd4j.getExecutioner().setProfilingConfig(ProfilerConfig.builder().checkElapsedTime(true).build());
        long start = System.nanoTime();
        try {
            action.run();
        } finally {
            Nd4j.getExecutioner().setProfilingConfig(ProfilerConfig.builder().build());
        }
        double wall = (System.nanoTime() - start) / 1e9;
        Map<String, Double> byOp = new TreeMap<>();
        Matcher m = LINE.matcher(profiler.getLongAggergator().asPercentageString());
        while (m.find()) {
            byOp.merge(m.group(1), Long.parseLong(m.group(2)) / 1e3, Double::sum);
        }
        profiler.reset();
        return new OpTimes(wall, byOp);
    }

    double insideOps() {
        return secondsByOp.values().stream().mapToDouble(Double::doubleValue).sum();
    }

    double of(String op) {
        return secondsByOp.getOrDefault(op, 0.0);
    }

    /** The ops by time, longest first. */
    Map<String, Double> ranked() {
        Map<String, Double> out = new LinkedHashMap<>();
        secondsByOp.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }
}
