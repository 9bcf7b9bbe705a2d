package org.neurosweep.bench;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.nd4j.linalg.factory.Nd4j;
import org.neurosweep.data.BadRecord;
import org.neurosweep.exec.SparkSessions;
import org.neurosweep.exec.SweepResult;
import org.neurosweep.exec.SweepRunner;
import org.neurosweep.job.ArtifactDir;
import org.neurosweep.job.Kernel;
import org.neurosweep.job.ModelHandle;
import org.neurosweep.job.ModelRef;
import org.neurosweep.job.RowSink;
import org.neurosweep.job.TableRows;
import org.neurosweep.job.UnitInputs;
import org.neurosweep.job.WorkUnit;
import org.neurosweep.jobs.evaluation.PerplexityJob;
import org.neurosweep.model.CausalLM;
import org.neurosweep.model.ModelConfig;
import org.neurosweep.sweep.SweepConfigLoader;
import org.neurosweep.sweep.SweepConfigParser;
import org.neurosweep.sweep.SweepPlan;
import org.neurosweep.sweep.SweepPlanner;
import org.neurosweep.job.JobRegistry;
import org.neurosweep.text.Tokenizer;

import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sweep-engine overhead: the same perplexity kernels over the same units, once through the engine in local[2]
 * (Spark tasks, model cache, Parquet tables, commits, manifest) and once in a plain loop in this JVM (models loaded
 * once, rows counted and dropped). Reports wall times, the throughput ratio loop/sweep, and the model loads of the
 * sweep, which must equal executors x models (local mode: one executor). Not a test; run by
 * {@code scripts/bench/sweep-overhead}. Arguments: the repository root, the number of shards per model, lines per unit.
 */
public final class SweepOverheadBenchmark {

    private static final List<String> MODELS = List.of("dense_small", "dense");
    private static final int REPEATS = 3;

    private SweepOverheadBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args.length > 0 ? args[0] : ".").toAbsolutePath().normalize();
        int shards = args.length > 1 ? Integer.parseInt(args[1]) : 32;
        int lines = args.length > 2 ? Integer.parseInt(args[2]) : 64;
        int cores = Runtime.getRuntime().availableProcessors();
        Path work = Files.createTempDirectory("sweep-overhead");
        PrintStream log = System.err;

        SweepPlan warmup = plan(root, work, "warmup", 2, lines);
        SweepPlan timed = plan(root, work, "timed", shards, lines);
        List<WorkUnit> units = timed.units();
        SparkSession spark = SparkSessions.create(timed.config().engine(), "local[2]");
        spark.sparkContext().setLogLevel("WARN");

        log.println("warm-up: a small sweep and one loop pass (JIT, native libraries)");
        new SweepRunner(spark, log, false).run(warmup);
        Kernel kernel = new PerplexityJob().kernels().create();
        setThreads(cores);
        runLoop(kernel, warmup.units(), root, timed, 1);

        log.printf("plain loop: %d units, one thread, ND4J threads = %d%n", units.size(), cores);
        long t0 = System.nanoTime();
        long loopRows = runLoop(kernel, units, root, timed, 1);
        double loopSeconds = (System.nanoTime() - t0) / 1e9;

        // the 2-thread loop and the sweep alternate, best of REPEATS each: other processes on a shared machine
        // slow whichever runs while they are busy
        double[] pair = new double[REPEATS];
        double[] sweeps = new double[REPEATS];
        SweepResult sweep = null;
        for (int r = 0; r < REPEATS; r++) {
            log.printf("round %d: plain loop on 2 threads (the parallelism of local[2]), ND4J threads = 1%n", r + 1);
            setThreads(1);
            t0 = System.nanoTime();
            runLoop(kernel, units, root, timed, 2);
            pair[r] = (System.nanoTime() - t0) / 1e9;
            log.printf("round %d: sweep in local[2], ND4J threads = spark.task.cpus = 1, a fresh model cache%n", r + 1);
            SweepPlan run = plan(root, work, "timed-" + r, shards, lines);
            t0 = System.nanoTime();
            sweep = new SweepRunner(spark, log, false).run(run);
            sweeps[r] = (System.nanoTime() - t0) / 1e9;
        }
        spark.stop();
        Arrays.sort(pair);
        Arrays.sort(sweeps);
        double pairSeconds = pair[0];
        double sweepSeconds = sweeps[0];

        report(System.out, units.size(), loopSeconds, loopRows, pairSeconds, sweepSeconds, sweep, cores);
        System.out.printf(Locale.ROOT, "- all rounds (sorted): 2-thread loop %s s, sweep %s s%n", Arrays.toString(pair),
                Arrays.toString(sweeps));
    }

    private static SweepPlan plan(Path root, Path work, String name, int shards, int lines) {
        Path conf = work.resolve(name + ".conf");
        try {
            Files.writeString(conf, """
                    neurosweep {
                      out = "%s"
                      failure-ceiling = 0.0
                      progress.interval = 5s
                      executor.scratch-dir = "%s"
                      spark.conf { "spark.ui.enabled" = false }
                    }
                    sweep {
                      name = %s
                      models { %s }
                      datasets { pretrain { format = text, path = "%s", shards = %d, max-records = %d } }
                      jobs = [ { job = perplexity, models = [%s], datasets = [pretrain] } ]
                    }
                    """.formatted(work.resolve("out"), work.resolve("scratch-" + name), name,
                    String.join(", ", MODELS.stream().map(m -> m + " { path = \"" + root.resolve("data/demo/world/" + m) + "\" }").toList()),
                    root.resolve("data/demo/datasets/world/pretrain.txt"), shards, lines, String.join(", ", MODELS)));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return new SweepPlanner(new Configuration()).plan(SweepConfigParser.parse(
                SweepConfigLoader.load(List.of(conf), List.of()), JobRegistry.of(List.of(new PerplexityJob()))));
    }

    /**
     * Loads the models (once each, as the sweep's executor does), then runs {@code units} in plan order on
     * {@code threads} threads, each taking the next unit when it finishes one; returns the rows written.
     */
    private static long runLoop(Kernel kernel, List<WorkUnit> units, Path root, SweepPlan plan, int threads)
            throws Exception {
        Map<String, LoopModel> models = new HashMap<>();
        for (String m : MODELS) {
            Path dir = root.resolve("data/demo/world/" + m);
            models.put("file:" + dir, LoopModel.load(dir));
        }
        long budget = plan.config().engine().executor().microBatchMemory();
        int max = plan.config().engine().executor().maxMicroBatch();
        AtomicInteger next = new AtomicInteger();
        AtomicLong rows = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            workers.add(pool.submit(() -> {
                CountingSink sink = new CountingSink();
                for (int i = next.getAndIncrement(); i < units.size(); i = next.getAndIncrement()) {
                    WorkUnit u = units.get(i);
                    kernel.run(u, new LoopInputs(u, models.get(u.primaryModel().uri()), budget, max), sink);
                }
                rows.addAndGet(sink.rows);
                return null;
            }));
        }
        for (Future<?> w : workers) {
            w.get();
        }
        pool.shutdown();
        models.values().forEach(m -> m.tokenizer().close());
        return rows.get();
    }

    private static void setThreads(int n) {
        Nd4j.getEnvironment().setMaxThreads(n);
        Nd4j.getEnvironment().setMaxMasterThreads(n);
        Nd4j.factory().blas().setMaxThreads(n);
    }

    private static void report(PrintStream out, int units, double loopSeconds, long loopRows, double pairSeconds,
                               double sweepSeconds, SweepResult sweep, int cores) throws Exception {
        String cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown");
        String mem = Files.readAllLines(Path.of("/proc/meminfo")).get(0).replaceAll("\\s+", " ");
        String load = Files.readString(Path.of("/proc/loadavg")).trim();
        out.printf(Locale.ROOT, """
                ## Sweep engine

                `scripts/bench/sweep-overhead`: %d perplexity units (%s x %d shards of pretrain.txt) through the engine in
                local[2] against the same kernels in a plain loop in one JVM.

                | | wall time | units/s | rows |
                |---|---|---|---|
                | plain loop (1 thread, ND4J %d threads; models loaded once; rows dropped) | %.2f s | %.2f | %d |
                | plain loop on 2 threads (1 ND4J thread each; same), best of 3 | %.2f s | %.2f | %d |
                | sweep, local[2] (2 tasks, 1 ND4J thread each; Parquet, commits, manifest), best of 3 | %.2f s | %.2f | %d |

                - throughput ratio sweep / plain loop: **%.2f** (target >= 0.85)
                - throughput ratio sweep / 2-thread loop (the engine's own overhead): **%.2f**, i.e. %.0f ms of engine
                  time per unit and task slot
                - model loads in the sweep: **%d** = 1 executor x %d models (must be equal)
                - machine: %s, %d cores, %s, JDK %s; load average at the end: %s
                """, units, String.join(" + ", MODELS), units / MODELS.size(), cores, loopSeconds, units / loopSeconds,
                loopRows, pairSeconds, units / pairSeconds, loopRows, sweepSeconds, units / sweepSeconds, sweep.rows(),
                loopSeconds / sweepSeconds, pairSeconds / sweepSeconds, 2000 * (sweepSeconds - pairSeconds) / units,
                sweep.modelLoads(),
                MODELS.size(), cpu, cores, mem, System.getProperty("java.version"), load);
    }

    /** A model loaded once for the loop. */
    private record LoopModel(CausalLM model, Tokenizer tokenizer) {
        static LoopModel load(Path dir) {
            return new LoopModel(CausalLM.load(dir), Tokenizer.load(dir));
        }
    }

    /** The loop's inputs: the preloaded model, the dataset path, the engine's micro-batch rule. */
    private record LoopInputs(WorkUnit unit, LoopModel loaded, long budget, int max) implements UnitInputs {
        @Override
        public ModelHandle model() {
            return new ModelHandle() {
                @Override
                public ModelRef ref() {
                    return unit.primaryModel();
                }

                @Override
                public ModelConfig config() {
                    return loaded.model().config();
                }

                @Override
                public CausalLM model() {
                    return loaded.model();
                }

                @Override
                public Tokenizer tokenizer() {
                    return loaded.tokenizer();
                }
            };
        }

        @Override
        public ModelHandle model(String role) {
            throw new UnsupportedOperationException("one model per unit");
        }

        @Override
        public Path dataset() {
            return Path.of(URI.create(unit.dataset().uri()).getPath());
        }

        @Override
        public java.io.InputStream open(String uri) {
            throw new UnsupportedOperationException("the loop's kernels read no driver state");
        }

        @Override
        public int microBatch(long bytesPerExample) {
            return (int) Math.max(1, Math.min(max, budget / bytesPerExample));
        }

        @Override
        public String device() {
            return "cpu";
        }
    }

    /** Counts rows and drops them. */
    private static final class CountingSink implements RowSink {
        long rows;

        @Override
        public TableRows table(String name) {
            return (exampleId, values) -> rows++;
        }

        @Override
        public void badRecords(List<BadRecord> records) {
            // dropped like the rows; the engine writes them to the errors table
        }

        @Override
        public ArtifactDir artifacts() {
            throw new UnsupportedOperationException("perplexity writes no artifacts");
        }
    }
}
