package org.neurosweep.bench;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.neurosweep.exec.SparkSessions;
import org.neurosweep.exec.SweepRunner;
import org.neurosweep.job.JobRegistry;
import org.neurosweep.jobs.fed.FewFedWeightJob;
import org.neurosweep.methods.fed.Aggregation;
import org.neurosweep.methods.fed.ModelWeights;
import org.neurosweep.sweep.SweepConfigLoader;
import org.neurosweep.sweep.SweepConfigParser;
import org.neurosweep.sweep.SweepPlan;
import org.neurosweep.sweep.SweepPlanner;

/**
 * The federated rounds' engine overhead and state transfer (issue 15). (a) A FedAvg and a FewFedWeight experiment of
 * two clients (two world instruction categories) on the dense world model in local[2], both clients of a round in
 * parallel: per round, its wall time (first client attempt's start to the end of the aggregation, from the manifest)
 * against the slowest client's attempt (elapsed_ms) and local training (train_millis). (b) A 110M-parameter global
 * model (fp32, 440 MB, random values in tensors of a Llama-110M's sizes): writing and reading it as the aggregation's
 * global.bin (the location path), Java serialization of it as the task binary carries inline state, and aggregating
 * two clients' updates. Not a test; run by {@code scripts/bench/fed}. Argument: the repository root.
 */
public final class FedBenchmark {

    private static final int ROUNDS = 3;

    private FedBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args.length > 0 ? args[0] : ".").toAbsolutePath().normalize();
        Path work = Files.createTempDirectory("fed-bench");
        PrintStream log = System.err;
        String loadStart = Files.readString(Path.of("/proc/loadavg")).trim();

        SweepPlan plan = plan(root, work);
        SparkSession spark = SparkSessions.create(plan.config().engine(), "local[2]");
        spark.sparkContext().setLogLevel("WARN");
        log.println("(a) rounds in local[2]");
        new SweepRunner(spark, log, false).run(plan);
        String out = work.resolve("out").toString();
        spark.read().parquet(out + "/manifest/run=fedbench").createOrReplaceTempView("m");
        spark.read().parquet(out + "/fed_round_client/run=fedbench").createOrReplaceTempView("c");
        List<Row> rounds = spark.sql("""
                SELECT a.params, a.round,
                       (unix_millis(max(a.started_at)) + max(a.elapsed_ms)) - unix_millis(min(k.started_at)) AS round_ms,
                       max(k.elapsed_ms) AS slowest_client_ms
                FROM (SELECT * FROM m WHERE dataset IS NULL AND round IS NOT NULL AND status = 'committed') a
                JOIN (SELECT * FROM m WHERE dataset IS NOT NULL AND status = 'committed') k
                  ON a.params = k.params AND a.round = k.round
                GROUP BY a.params, a.round ORDER BY a.params, a.round""").collectAsList();
        List<Row> training = spark.sql("""
                SELECT agg_method, round, max(train_millis) FROM c GROUP BY agg_method, round ORDER BY agg_method, round""")
                .collectAsList();
        spark.stop();

        log.println("(b) 110M-parameter state");
        long[][] shapes = llama110mShapes();
        ModelWeights a = random(shapes, 1);
        ModelWeights b = random(shapes, 2);
        double[] write = new double[3];
        double[] read = new double[3];
        double[] ser = new double[3];
        double[] deser = new double[3];
        double[] agg = new double[3];
        Path file = work.resolve("global.bin");
        long serializedBytes = 0;
        for (int i = 0; i < 3; i++) {
            long t0 = System.nanoTime();
            try (OutputStream os = Files.newOutputStream(file)) {
                a.write(os);
            }
            write[i] = (System.nanoTime() - t0) / 1e9;
            t0 = System.nanoTime();
            try (InputStream in = Files.newInputStream(file)) {
                ModelWeights.read(in, file.toString());
            }
            read[i] = (System.nanoTime() - t0) / 1e9;
            t0 = System.nanoTime();
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(1 << 29);
            try (ObjectOutputStream oos = new ObjectOutputStream(bytes)) {
                oos.writeObject(a);
            }
            ser[i] = (System.nanoTime() - t0) / 1e9;
            serializedBytes = bytes.size();
            t0 = System.nanoTime();
            try (ObjectInputStream ois = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
                ois.readObject();
            }
            deser[i] = (System.nanoTime() - t0) / 1e9;
            bytes = null;
            t0 = System.nanoTime();
            Aggregation.weightedAverage(List.of(a, b), new double[] {0.5, 0.5});
            agg[i] = (System.nanoTime() - t0) / 1e9;
        }
        long fileBytes = Files.size(file);
        report(System.out, rounds, training, a.count(), fileBytes, serializedBytes, min(write), min(read), min(ser),
                min(deser), min(agg), loadStart);
    }

    private static double min(double[] v) {
        return Arrays.stream(v).min().orElseThrow();
    }

    /** A Llama with d 768, 12 layers, FFN 2048, vocabulary 32000, untied: about 110M parameters. */
    private static long[][] llama110mShapes() {
        List<long[]> s = new ArrayList<>();
        s.add(new long[] {32000, 768});
        s.add(new long[] {768, 32000});
        s.add(new long[] {768});
        for (int l = 0; l < 12; l++) {
            for (int i = 0; i < 4; i++) {
                s.add(new long[] {768, 768});
            }
            for (int i = 0; i < 3; i++) {
                s.add(new long[] {768, 2048});
            }
            s.add(new long[] {768});
            s.add(new long[] {768});
        }
        return s.toArray(long[][]::new);
    }

    private static ModelWeights random(long[][] shapes, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<String> names = new ArrayList<>();
        List<long[]> shapeList = new ArrayList<>();
        List<float[]> values = new ArrayList<>();
        for (int i = 0; i < shapes.length; i++) {
            float[] v = new float[(int) Arrays.stream(shapes[i]).reduce(1, (x, y) -> x * y)];
            for (int j = 0; j < v.length; j++) {
                v[j] = (float) (random.nextDouble() - 0.5) * 0.04f;
            }
            names.add(String.format(Locale.ROOT, "t%03d", i));
            shapeList.add(shapes[i]);
            values.add(v);
        }
        return new ModelWeights(names, shapeList, values);
    }

    private static SweepPlan plan(Path root, Path work) throws Exception {
        Path conf = work.resolve("fed.conf");
        Files.writeString(conf, """
                neurosweep {
                  out = "%s"
                  failure-ceiling = 0.0
                  progress.interval = 10s
                  executor.scratch-dir = "%s"
                  spark.conf { "spark.ui.enabled" = false }
                }
                sweep {
                  name = fedbench
                  models { dense { path = "%s" } }
                  datasets { world { format = task-jsonl, path = "%s" } }
                  jobs = [ { job = fewfedweight, models = [dense], datasets = [world],
                             params { agg-method = [fedavg, fewfedweight], rounds = %d, clients = [translation, arithmetic],
                                      shots = 16, dev-shots = 4, pseudo-inputs = 4, test-items = 4, pseudo-tokens = 8,
                                      micro-batch = 8, local-epochs = 4 } } ]
                }
                """.formatted(work.resolve("out"), work.resolve("scratch"), root.resolve("data/demo/world/dense"),
                root.resolve("data/demo/datasets/world/instruct.jsonl"), ROUNDS));
        return new SweepPlanner(new Configuration()).plan(SweepConfigParser.parse(
                SweepConfigLoader.load(List.of(conf), List.of()), JobRegistry.of(List.of(new FewFedWeightJob()))));
    }

    private static void report(PrintStream out, List<Row> rounds, List<Row> training, long params, long fileBytes,
                               long serializedBytes, double write, double read, double ser, double deser, double agg,
                               String loadStart) throws Exception {
        String cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown");
        out.println("## Federated rounds (`fewfedweight`)\n");
        out.println("`scripts/bench/fed`: (a) 2 clients (translation, arithmetic) of the dense world model, " + ROUNDS
                + " training rounds and the evaluation round, local[2], FedAvg and FewFedWeight.\n");
        out.println("| experiment | round | round wall time | slowest client attempt | ratio | slowest local training |");
        out.println("|---|---|---|---|---|---|");
        List<Double> ratios = new ArrayList<>();
        for (Row r : rounds) {
            String method = r.getString(0).contains("fewfedweight") ? "fewfedweight" : "fedavg";
            int round = r.getInt(1);
            long roundMs = r.getLong(2);
            long slowest = r.getLong(3);
            double ratio = roundMs / (double) slowest;
            if (round > 0) {
                ratios.add(ratio);
            }
            Object train = training.stream().filter(t -> t.getString(0).equals(method) && t.getInt(1) == round)
                    .map(t -> t.get(2)).findFirst().orElse(null);
            out.printf(Locale.ROOT, "| %s | %d | %d ms | %d ms | %.2f | %s ms |%n", method, round, roundMs, slowest, ratio, train);
        }
        ratios.sort(Double::compare);
        out.printf(Locale.ROOT, "%n- round time / slowest client, rounds ≥ 1 (round 0 warms the JIT): median **%.2f**, max %.2f "
                + "(target ≤ 1.2)%n", ratios.get(ratios.size() / 2), ratios.get(ratios.size() - 1));
        out.printf(Locale.ROOT, """
                - (b) 110M-parameter global model (%d parameters, fp32): global.bin %.0f MB written in %.2f s, read in %.2f s;
                  Java serialization as inline state (the task binary) %.0f MB in %.2f s, deserialization %.2f s;
                  aggregation of 2 client updates (fp64 accumulation) %.2f s. Best of 3.
                - machine: %s, %d cores; load average at the start %s, at the end %s
                """, params, fileBytes / 1e6, write, read, serializedBytes / 1e6, ser, deser, agg, cpu,
                Runtime.getRuntime().availableProcessors(), loadStart, Files.readString(Path.of("/proc/loadavg")).trim());
    }
}
