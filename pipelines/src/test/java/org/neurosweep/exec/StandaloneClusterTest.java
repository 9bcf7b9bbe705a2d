package org.neurosweep.exec;

import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neurosweep.testutil.RepoPaths;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real Spark standalone cluster on 127.0.0.1: a master and two workers, each a JVM started from the test
 * classpath, each worker offering one fake GPU (a discovery script reporting address 0 or 1). The CLI runs a sweep
 * there as a separate driver JVM; when a few units are committed, one executor JVM is killed. The run must still
 * exit 0 with every unit committed once, every row present once, the lost unit retried, and every unit recording
 * the GPU address Spark assigned to it. Speculation is on and one unit is a straggler, so duplicate attempts of a
 * unit run at once; the dataset is read through a file-system scheme configured only in the sweep config
 * ({@code spark.hadoop.fs.nsalias.impl}), so the executors' reads use the sweep's Hadoop settings.
 */
@Tag("cluster")
class StandaloneClusterTest {

    private static final int UNITS = 16;
    private static final int LINES_PER_UNIT = 3;

    @TempDir
    java.nio.file.Path dir;

    private final List<Process> started = new ArrayList<>();
    private final String classpath = System.getProperty("java.class.path");
    private final String java = ProcessHandle.current().info().command().orElse("java");
    private final List<Process> workers = new ArrayList<>();

    @AfterEach
    void stopCluster() throws InterruptedException {
        for (Process p : started) {
            p.descendants().forEach(ProcessHandle::destroy);
            p.destroy();
        }
        for (Process p : started) {
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
        }
    }

    @Test
    void aSweepSurvivesALostExecutorWithCompleteTablesAndNoDuplicates() throws Exception {
        String master = startCluster();

        java.nio.file.Path conf = Files.writeString(dir.resolve("cluster.conf"), engineConf() + """
                sweep {
                  name = cluster
                  datasets { lines { format = text, path = "nsalias://%s", shards = %d, max-records = %d } }
                  jobs = [ { job = line-stats, datasets = [lines], params { sleep-ms = 1500, slow-shard = 2, slow-ms = 6000 } } ]
                }
                """.formatted(RepoPaths.dataset("world/pretrain.txt"), UNITS, LINES_PER_UNIT));
        Process driver = start("driver", List.of("org.neurosweep.cli.Main", "run", conf.toString(), "--master", master),
                List.of(), Map.of());

        java.nio.file.Path commits = dir.resolve("out/manifest/run=cluster");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(150);
        while (count(commits) < 3 && driver.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        List<ProcessHandle> executors = executors();
        assertEquals(2, executors.size(), "two executors are running: " + logs());
        assertTrue(count(commits) < UNITS, "units are still running when the executor dies");
        executors.get(0).destroyForcibly();

        assertTrue(driver.waitFor(150, TimeUnit.SECONDS), "the run finishes: " + logs());
        assertEquals(0, driver.exitValue(), logs());

        List<Group> rows = read("line_stats");
        assertEquals(UNITS * LINES_PER_UNIT, rows.size(), "every row once");
        java.util.Map<String, Long> perUnit = new java.util.HashMap<>();
        rows.forEach(r -> perUnit.merge(r.getString("unit_id", 0), 1L, Long::sum));
        assertEquals(UNITS, perUnit.size());
        assertTrue(perUnit.values().stream().allMatch(n -> n == LINES_PER_UNIT), "a clean run's rows per unit: " + perUnit);
        Set<String> keys = new HashSet<>();
        rows.forEach(r -> keys.add(r.getString("unit_id", 0) + "/" + r.getString("example_id", 0)));
        assertEquals(UNITS * LINES_PER_UNIT, keys.size(), "no duplicate rows");
        List<Group> committed = read("manifest").stream()
                .filter(g -> g.getString("status", 0).equals("committed")).toList();
        assertEquals(UNITS, committed.size());
        assertEquals(UNITS, committed.stream().map(g -> g.getString("unit_id", 0)).distinct().count());
        assertTrue(committed.stream().anyMatch(g -> g.getInteger("task_attempt", 0) > 0),
                "the unit running on the killed executor was retried: " + logs());
        Set<String> devices = new HashSet<>();
        committed.forEach(g -> devices.add(g.getString("device", 0)));
        assertTrue(Set.of("gpu:0", "gpu:1").containsAll(devices) && !devices.isEmpty(), devices.toString());
        assertFalse(committed.stream().anyMatch(g -> g.getBoolean("device_bound", 0)), "the CPU backend only records the address");
    }

    /** A master and two workers of one core each, each offering one fake GPU; the master's URL. */
    private String startCluster() throws Exception {
        int masterPort = freePort();
        int masterUi = freePort();
        String master = "spark://127.0.0.1:" + masterPort;
        java.nio.file.Path sparkHome = Files.createDirectories(dir.resolve("spark-home/jars"));
        start("master", List.of("org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
                "--port", String.valueOf(masterPort), "--webui-port", String.valueOf(masterUi)), List.of(), Map.of());
        for (int w = 0; w < 2; w++) {
            java.nio.file.Path discovery = discoveryScript("gpu-" + w + ".sh", String.valueOf(w));
            workers.add(start("worker-" + w, List.of("org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1",
                            "--port", String.valueOf(freePort()), "--webui-port", String.valueOf(freePort()),
                            "--cores", "1", "--memory", "1g", "--work-dir", dir.resolve("work-" + w).toString(), master),
                    List.of("-Dspark.worker.resource.gpu.amount=1", "-Dspark.worker.resource.gpu.discoveryScript=" + discovery),
                    Map.of("SPARK_HOME", sparkHome.getParent().toString(), "SPARK_SCALA_VERSION", "2.13")));
        }
        awaitWorkers(masterUi, 2);

        return master;
    }

    /** The engine's settings for the cluster: speculation on, one core and one GPU per executor. */
    private String engineConf() {
        return """
                neurosweep {
                  out = "%s"
                  failure-ceiling = 0.0
                  progress.interval = 1s
                  executor.scratch-dir = "%s"
                  spark.conf {
                    "spark.driver.host" = "127.0.0.1"
                    "spark.driver.bindAddress" = "127.0.0.1"
                    "spark.ui.enabled" = "false"
                    "spark.executor.memory" = "640m"
                    "spark.executor.cores" = "1"
                    "spark.executor.extraClassPath" = "%s"
                    "spark.executor.resource.gpu.amount" = "1"
                    "spark.task.resource.gpu.amount" = "1"
                    "spark.speculation" = "true"
                    "spark.speculation.interval" = "200ms"
                    "spark.speculation.quantile" = "0.25"
                    "spark.speculation.multiplier" = "1.5"
                    "spark.hadoop.fs.nsalias.impl" = "org.neurosweep.testjobs.AliasFileSystem"
                  }
                }
                """.formatted(dir.resolve("out"), dir.resolve("scratch"), classpath);
    }

    /**
     * FewFedWeight on the cluster, two experiments that differ only in fault injection: in one, the first attempt of
     * client {@code arithmetic} in round 1 ends its executor JVM after local training (deterministically, through the
     * job's {@code inject-executor-loss}); Spark reruns the client on another executor and every round aggregates to
     * the same weights (SHA-256) as the uninterrupted experiment.
     */
    @Test
    void aFederatedRoundSurvivesALostExecutorWithTheSameAggregate() throws Exception {
        String master = startCluster();
        java.nio.file.Path conf = Files.writeString(dir.resolve("fed.conf"), engineConf() + """
                sweep {
                  name = cluster
                  models { small { path = "%s" } }
                  datasets { world { format = task-jsonl, path = "%s" } }
                  jobs = [ { job = fewfedweight, models = [small], datasets = [world],
                             params { rounds = 2, clients = [translation, arithmetic], shots = 4, dev-shots = 2,
                                      pseudo-inputs = 2, test-items = 2, pseudo-tokens = 6, micro-batch = 4,
                                      inject-executor-loss = ["", "1/arithmetic"] } } ]
                }
                """.formatted(RepoPaths.world("dense_small"), RepoPaths.dataset("world/instruct.jsonl")));
        Process driver = start("driver", List.of("org.neurosweep.cli.Main", "run", conf.toString(), "--master", master),
                List.of(), Map.of());
        assertTrue(driver.waitFor(480, TimeUnit.SECONDS), "the run finishes: " + logs());
        assertEquals(0, driver.exitValue(), logs());

        List<Group> global = read("fed_round_global");
        assertEquals(2 * 3, global.size(), "2 experiments x (2 rounds + the evaluation round)");
        for (int round = 0; round < 3; round++) {
            int r = round;
            Set<String> sha = new HashSet<>();
            global.stream().filter(g -> g.getInteger("round", 0) == r).forEach(g -> {
                sha.add(g.getString("state_sha256", 0));
                assertEquals(2, g.getInteger("n_clients", 0), "both clients aggregated in round " + r);
            });
            assertEquals(1, sha.size(), "round " + r + ": the interrupted experiment aggregates what the uninterrupted one does");
            assertFalse(sha.contains(""), "round " + r + " has aggregated weights");
        }
        List<Group> committed = read("manifest").stream()
                .filter(g -> g.getString("status", 0).equals("committed")).toList();
        assertTrue(committed.stream().anyMatch(g -> g.getInteger("task_attempt", 0) > 0
                        && g.getString("description", 0).contains("1/arithmetic") && g.getString("description", 0).contains("round 1")),
                "the client whose executor died was retried: " + logs());
        assertEquals(2, read("fed_task_final").size(), "the summary ran: one row per task (both experiments share a setting)");
    }

    private Process start(String name, List<String> mainAndArgs, List<String> jvmOptions, Map<String, String> env)
            throws IOException {
        List<String> command = new ArrayList<>(List.of(java, "-Xmx512m"));
        command.addAll(List.of(JvmFlags.ADD_OPENS.split(" ")));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", classpath));
        command.addAll(mainAndArgs);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        started.add(p);
        return p;
    }

    private java.nio.file.Path discoveryScript(String name, String address) throws IOException {
        java.nio.file.Path script = dir.resolve(name);
        Files.writeString(script, "#!/bin/sh\necho '{\"name\": \"gpu\", \"addresses\": [\"" + address + "\"]}'\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return script;
    }

    /** The executor JVMs: the Java processes this test's workers started. */
    private List<ProcessHandle> executors() {
        return workers.stream().flatMap(Process::descendants)
                .filter(p -> p.info().command().map(c -> c.endsWith("java")).orElse(false))
                .toList();
    }

    private void awaitWorkers(int masterUi, int n) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            try {
                String json = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + masterUi + "/json/"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
                if (json.replace(" ", "").contains("\"aliveworkers\":" + n)) {
                    return;
                }
            } catch (IOException e) {
                // the master is still starting
            }
            Thread.sleep(500);
        }
        throw new AssertionError("the workers did not register: " + logs());
    }

    private List<Group> read(String table) throws IOException {
        List<Group> out = new ArrayList<>();
        File[] files = dir.resolve("out/" + table + "/run=cluster").toFile().listFiles((d, n) -> n.endsWith(".parquet"));
        for (File f : files == null ? new File[0] : files) {
            try (ParquetReader<Group> reader = ParquetReader.builder(new GroupReadSupport(), new Path(f.toURI())).build()) {
                for (Group g = reader.read(); g != null; g = reader.read()) {
                    out.add(g);
                }
            }
        }
        return out;
    }

    /** Committed units: their manifest rows are named part-UNIT.parquet. */
    private static long count(java.nio.file.Path manifest) throws IOException {
        if (!Files.isDirectory(manifest)) {
            return 0;
        }
        try (Stream<java.nio.file.Path> s = Files.list(manifest)) {
            return s.filter(p -> p.getFileName().toString().matches("part-[0-9a-f]{16}\\.parquet")).count();
        }
    }

    private String logs() {
        StringBuilder sb = new StringBuilder();
        try (Stream<java.nio.file.Path> s = Files.list(dir)) {
            for (java.nio.file.Path log : s.filter(p -> p.toString().endsWith(".log")).sorted().toList()) {
                List<String> lines = Files.readAllLines(log);
                sb.append("\n--- ").append(log.getFileName()).append('\n')
                        .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 25), lines.size())));
            }
        } catch (IOException e) {
            sb.append("(cannot read logs: ").append(e).append(')');
        }
        return sb.toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
