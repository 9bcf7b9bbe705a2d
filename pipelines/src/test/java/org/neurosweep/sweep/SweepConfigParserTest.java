package org.neurosweep.sweep;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neurosweep.data.Shard;
import org.neurosweep.jobs.evaluation.PerplexityJob;
import org.neurosweep.job.Params;
import org.neurosweep.testjobs.JsonlEchoJob;
import org.neurosweep.testjobs.LineStatsJob;
import org.neurosweep.testjobs.TestSweeps;
import org.neurosweep.testutil.RepoPaths;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SweepConfigParserTest {

    private static final List<org.neurosweep.job.Job> JOBS = List.of(new LineStatsJob(), new JsonlEchoJob(), new PerplexityJob());

    @TempDir
    Path dir;

    @Test
    void parsesModelsSeriesDatasetsAndExpandsTheGrid() {
        TestSweeps sweeps = new TestSweeps(dir);
        Path conf = sweeps.conf("ok.conf", """
                sweep {
                  name = grid-test
                  models { small { path = "%s" } }
                  checkpoints { dense { dir = "%s", prefix = "dense-step" } }
                  datasets { lines { format = text, path = "%s", shards = 3, shard-mode = contiguous, max-records = 5 } }
                  jobs = [ { job = line-stats, datasets = [lines], params { scale = [1, 2], sleep-ms = [0, 5] } } ]
                }
                """.formatted(RepoPaths.world("dense_small"), RepoPaths.root().resolve("data/demo/world"),
                RepoPaths.dataset("world/pretrain.txt")));
        SweepConfig config = TestSweeps.parse(JOBS, conf);
        assertEquals("grid-test", config.name());
        assertEquals("grid-test", config.engine().runId(), "the run id defaults to the sweep's name");
        assertEquals("file:" + RepoPaths.world("dense_small"), ((ModelSource.Single) config.models().get("small")).uri());
        assertEquals("dense-step", ((ModelSource.Series) config.models().get("dense")).prefix());
        DatasetSpec lines = config.datasets().get("lines");
        assertEquals(3, lines.shards());
        assertEquals(Shard.Mode.CONTIGUOUS, lines.shardMode());
        assertEquals(5, lines.maxRecords());
        List<Params> grid = config.jobs().get(0).grid();
        assertEquals(4, grid.size(), "2 x 2 grid points");
        assertEquals(List.of(1, 1, 2, 2), grid.stream().map(p -> p.getInt("scale")).toList());
        assertEquals(List.of(0, 5, 0, 5), grid.stream().map(p -> p.getInt("sleep-ms")).toList());
    }

    @Test
    void afterGivesEntriesTheirStagesAndRunKeysNameTheRunsOwnOutput() {
        TestSweeps sweeps = new TestSweeps(dir);
        Path chain = sweeps.conf("chain.conf", """
                sweep {
                  name = chain
                  datasets {
                    lines { format = text, path = "%s" }
                    echo { format = jsonl, path = "%s" }
                  }
                  jobs = [
                    { job = line-stats, datasets = [lines], after = [jsonl-echo] }
                    { job = jsonl-echo, datasets = [echo], after = [perplexity] }
                    { job = perplexity, datasets = [lines] }
                  ]
                }
                """.formatted(RepoPaths.dataset("world/pretrain.txt"), RepoPaths.dataset("world/composite.jsonl")));
        SweepConfig config = TestSweeps.parse(JOBS, chain, "neurosweep.run-id=r7");
        assertEquals(List.of(2, 1, 0), config.jobs().stream().map(JobEntry::stage).toList());
        assertEquals(List.of("jsonl-echo"), config.jobs().get(0).after());
        com.typesafe.config.Config loaded = SweepConfigLoader.load(List.of(chain), List.of("neurosweep.run-id=r7"));
        assertEquals(sweeps.out() + "/artifacts/run=r7", loaded.getString("run.artifacts"));
        assertEquals("r7", loaded.getString("run.id"));
    }

    @Test
    void afterMustNameAJobOfTheSweepAndFormNoCycle() throws Exception {
        TestSweeps sweeps = new TestSweeps(dir);
        Path conf = sweeps.conf("cycle.conf", """
                sweep {
                  name = cycle
                  datasets { lines { format = text, path = "%s" } }
                  jobs = [
                    { job = line-stats, datasets = [lines], after = [perplexity] }
                    { job = perplexity, datasets = [lines], after = [line-stats] }
                    { job = line-stats, datasets = [lines], params { scale = 3 }, after = [jsonl-echo] }
                  ]
                }
                """.formatted(RepoPaths.dataset("world/pretrain.txt")));
        String problems = assertThrows(SweepConfigException.class, () -> TestSweeps.parse(JOBS, conf)).getMessage();
        List<String> lines = Files.readAllLines(conf);
        String file = conf.toString();
        assertTrue(problems.contains(file + ":" + lineOf(lines, "after = [jsonl-echo]")
                + ": sweep.jobs[2].after: no entry of job 'jsonl-echo' in this sweep"), problems);
        assertTrue(problems.contains(file + ":" + lineOf(lines, "after = [perplexity]")
                + ": sweep.jobs[0].after: the entries' 'after' lists form a cycle through job line-stats"), problems);
        assertTrue(problems.contains(file + ":" + lineOf(lines, "after = [line-stats]")
                + ": sweep.jobs[1].after: the entries' 'after' lists form a cycle through job perplexity"), problems);
    }

    @Test
    void reportsEveryProblemWithFileLineAndKey() throws Exception {
        TestSweeps sweeps = new TestSweeps(dir);
        Path conf = sweeps.conf("bad.conf", """
                sweep {
                  models { small { path = "/models/small" } }
                  checkpoints { dense { dir = "/ckpts", prefix = "dense-step" } }
                  datasets {
                    lines { format = text, path = "/data/lines.txt", shard = 4 }
                    words { format = text, path = "/data/words.txt", shards = "four" }
                    docs { format = jsonl }
                  }
                  jobs = [
                    { job = line-stats, datasets = [lines], params { scale = "big", speed = 3 } }
                    { job = no-such-job }
                    { job = jsonl-echo, models = [small, nowhere], datasets = [words] }
                    { job = line-stats, models = [dense], datasets = [lines] }
                  ]
                }
                neurosweep.failure-ceiling = 1.5
                """);
        SweepConfigException e = assertThrows(SweepConfigException.class, () -> TestSweeps.parse(JOBS, conf));
        List<String> lines = Files.readAllLines(conf);
        String file = conf.toString();
        assertProblem(e, file + ":" + lineOf(lines, "shard = 4") + ": sweep.datasets.lines.shard: unknown key; did you mean 'shards'?");
        assertProblem(e, file + ":" + lineOf(lines, "shards = \"four\"") + ": sweep.datasets.words.shards: expected an integer, got \"four\"");
        assertProblem(e, file + ":" + lineOf(lines, "docs {") + ": sweep.datasets.docs.path: missing (required)");
        assertProblem(e, file + ":" + lineOf(lines, "scale = \"big\"") + ": sweep.jobs[0].params.scale: expected an integer (or a list of them for a grid), got \"big\"");
        assertProblem(e, file + ":" + lineOf(lines, "speed = 3") + ": sweep.jobs[0].params.speed: unknown key");
        assertProblem(e, file + ":" + lineOf(lines, "no-such-job") + ": sweep.jobs[1].job: no job named 'no-such-job'");
        assertProblem(e, file + ":" + lineOf(lines, "nowhere") + ": sweep.jobs[2].models: 'nowhere' is neither under sweep.models nor under sweep.checkpoints");
        assertProblem(e, file + ":" + lineOf(lines, "datasets = [words]") + ": sweep.jobs[2].datasets: job jsonl-echo reads formats jsonl, but dataset 'words' has format 'text'");
        assertProblem(e, file + ":" + lineOf(lines, "models = [dense]") + ": sweep.jobs[3].models: job line-stats does not run over checkpoint series");
        assertProblem(e, file + ":" + lineOf(lines, "failure-ceiling = 1.5") + ": neurosweep.failure-ceiling: must lie in [0.0, 1.0], got 1.5");
        assertEquals(10, e.problems().size(), String.join("\n", e.problems()));
    }

    @Test
    void setOverridesWinAndNameThemselvesInErrors() {
        TestSweeps sweeps = new TestSweeps(dir);
        Path conf = sweeps.conf("s.conf", "sweep.name = from-file\n" + ONE_JOB);
        SweepConfig config = TestSweeps.parse(JOBS, conf, "sweep.name=from-set", "neurosweep.out=hdfs://nn:8020/tables");
        assertEquals("from-set", config.name());
        assertEquals("hdfs://nn:8020/tables", config.engine().out(), "a URI value is not cut at '//'");
        SweepConfigException e = assertThrows(SweepConfigException.class,
                () -> TestSweeps.parse(JOBS, conf, "neurosweep.executor.max-micro-batch=lots"));
        assertProblem(e, "--set neurosweep.executor.max-micro-batch=lots: neurosweep.executor.max-micro-batch: expected an integer, got \"lots\"");
    }

    @Test
    void systemPropertiesOverrideTheFileButNotSet() {
        TestSweeps sweeps = new TestSweeps(dir);
        Path conf = sweeps.conf("p.conf", "neurosweep.run-id = from-file\n" + ONE_JOB);
        System.setProperty("neurosweep.run-id", "from-system");
        try {
            assertEquals("from-system", TestSweeps.parse(JOBS, conf).engine().runId());
            assertEquals("from-set", TestSweeps.parse(JOBS, conf, "neurosweep.run-id=from-set").engine().runId());
        } finally {
            System.clearProperty("neurosweep.run-id");
        }
    }

    /** The smallest valid sweep: one job entry over a text dataset (paths are checked by the planner, not here). */
    private static final String ONE_JOB = "sweep.datasets.lines { format = text, path = lines.txt }\n"
            + "sweep.jobs = [ { job = line-stats, datasets = [lines] } ]\n";

    @Test
    void anEmptySweepAnUnknownSetKeyAndAValueOutsideAParametersChoicesAreStartUpErrors() {
        TestSweeps sweeps = new TestSweeps(dir);
        Path empty = sweeps.conf("empty.conf", "sweep.name = nothing\n");
        SweepConfigException none = assertThrows(SweepConfigException.class, () -> TestSweeps.parse(JOBS, empty));
        assertTrue(none.getMessage().contains("sweep.jobs: the sweep has no job entry"), none.getMessage());

        Path one = sweeps.conf("one.conf", ONE_JOB);
        SweepConfigException unknown = assertThrows(SweepConfigException.class,
                () -> TestSweeps.parse(JOBS, one, "nosuch.key=1"));
        assertTrue(unknown.getMessage().contains("--set nosuch.key=1: unknown key 'nosuch.key'"), unknown.getMessage());
        Path topLevel = sweeps.conf("top.conf", ONE_JOB + "neurosweeep.out = typo\n");
        SweepConfigException typo = assertThrows(SweepConfigException.class, () -> TestSweeps.parse(JOBS, topLevel));
        assertTrue(typo.getMessage().contains("unknown top-level key 'neurosweeep'"), typo.getMessage());

        Path misspelt = sweeps.conf("misspelt.conf", ONE_JOB + "neurosweep.executor.modle-cache = 1g\n"
                + "sweep.datasets.lines.shard = 2\n");
        SweepConfigException keys = assertThrows(SweepConfigException.class, () -> TestSweeps.parse(JOBS, misspelt));
        assertProblem(keys, misspelt + ":9: neurosweep.executor.modle-cache: unknown key; did you mean 'model-cache'?");
        assertProblem(keys, misspelt + ":10: sweep.datasets.lines.shard: unknown key; did you mean 'shards'?");

        Path rnak = sweeps.conf("rnak.conf", """
                sweep.datasets.m { format = mlama, path = m }
                sweep.models.x { path = x }
                sweep.jobs = [ { job = mlama-probe, models = [x], datasets = [m], params { mode = rnak } } ]
                """);
        SweepConfigException choice = assertThrows(SweepConfigException.class,
                () -> SweepConfigParser.parse(SweepConfigLoader.load(List.of(rnak), List.of()),
                        org.neurosweep.job.JobRegistry.load()));
        assertProblem(choice, rnak + ":9: sweep.jobs[0].params.mode: must be one of rank, exact-match, got \"rnak\"");
    }

    @Test
    void aMissingFileOrSyntaxErrorIsAConfigError() {
        TestSweeps sweeps = new TestSweeps(dir);
        SweepConfigException missing = assertThrows(SweepConfigException.class,
                () -> TestSweeps.parse(JOBS, dir.resolve("absent.conf")));
        assertTrue(missing.getMessage().contains("absent.conf: no such config file"), missing.getMessage());
        Path broken = sweeps.write("broken.conf", "sweep {\n  name = x\n  models = {\n");
        SweepConfigException syntax = assertThrows(SweepConfigException.class, () -> TestSweeps.parse(JOBS, broken));
        assertTrue(syntax.getMessage().contains("broken.conf: 4: the file ends inside an object: a closing '}' is missing"),
                syntax.getMessage());
    }

    @Test
    void aListParameterTakesAListAsOneValueAndAListOfListsAsAGridAxis() {
        TestSweeps sweeps = new TestSweeps(dir);
        List<org.neurosweep.job.Job> jobs = List.of(new LayeredJob());
        Path one = sweeps.conf("one.conf", "sweep.jobs = [ { job = layered, params { layers = [0, 1] } } ]\n");
        List<Params> single = TestSweeps.parse(jobs, one).jobs().get(0).grid();
        assertEquals(1, single.size());
        assertEquals(List.of(0, 1), single.get(0).getIntList("layers"));
        assertEquals(List.of("mean"), single.get(0).getStringList("pooling"), "the default");
        Path axis = sweeps.conf("axis.conf", "sweep.jobs = [ { job = layered, params { layers = [[0, 1], [5]], pooling = [[mean], [max, mean]] } } ]\n");
        List<Params> grid = TestSweeps.parse(jobs, axis).jobs().get(0).grid();
        assertEquals(4, grid.size());
        assertEquals(List.of(List.of(0, 1), List.of(0, 1), List.of(5), List.of(5)), grid.stream().map(p -> p.getIntList("layers")).toList());
        Path bad = sweeps.conf("bad.conf", "sweep.jobs = [ { job = layered, params { layers = [0, 1.5] } } ]\n");
        SweepConfigException e = assertThrows(SweepConfigException.class, () -> TestSweeps.parse(jobs, bad));
        assertTrue(e.getMessage().contains("sweep.jobs[0].params.layers: expected a list of integers, got a list [0,1.5]"), e.getMessage());
    }

    @Test
    void theShippedConfsParseWithTheRegisteredJobs() {
        Path conf = RepoPaths.root().resolve("conf");
        org.neurosweep.job.JobRegistry registry = org.neurosweep.job.JobRegistry.load();
        SweepConfig local = SweepConfigParser.parse(SweepConfigLoader.load(
                List.of(conf.resolve("local.conf"), conf.resolve("demo.conf")), List.of()), registry);
        assertEquals("demo", local.engine().runId());
        String cwd = "file:" + Path.of("").toAbsolutePath() + "/";
        List<String> paths = new java.util.ArrayList<>();
        local.models().values().forEach(m -> {
            if (m instanceof ModelSource.Single s) {
                paths.add(s.uri());
            } else {
                paths.addAll(((ModelSource.Series) m).paths());
            }
        });
        local.datasets().values().forEach(d -> paths.add(d.uri()));
        for (String uri : paths) {
            assertTrue(uri.startsWith(cwd) && Files.exists(RepoPaths.root().resolve(uri.substring(cwd.length()))),
                    "demo.conf names " + uri + ", which must exist relative to the repository root");
        }
        SweepConfig cluster = SweepConfigParser.parse(SweepConfigLoader.load(List.of(conf.resolve("cluster.conf"),
                conf.resolve("gpu.conf"), conf.resolve("demo.conf")), List.of("neurosweep.out=hdfs:///tables")), registry);
        assertEquals("1", cluster.engine().spark().conf().get("spark.task.resource.gpu.amount"));
        assertEquals("4", cluster.engine().spark().conf().get("spark.task.cpus"), "gpu.conf overrides cluster.conf");
        assertEquals("hdfs:///tables", cluster.engine().out());
    }

    /** A job with list parameters. */
    private static final class LayeredJob implements org.neurosweep.job.MapJob {
        @Override
        public org.neurosweep.job.KernelFactory kernels() {
            throw new UnsupportedOperationException("parsing only");
        }

        @Override
        public String name() {
            return "layered";
        }

        @Override
        public int version() {
            return 1;
        }

        @Override
        public String description() {
            return "list parameters";
        }

        @Override
        public List<org.neurosweep.job.TableSchema> tables() {
            return List.of();
        }

        @Override
        public List<org.neurosweep.job.ParamSpec> params() {
            return List.of(org.neurosweep.job.ParamSpec.of("layers", org.neurosweep.job.ParamType.INT_LIST, null, "layers to read"),
                    org.neurosweep.job.ParamSpec.of("pooling", org.neurosweep.job.ParamType.STRING_LIST, List.of("mean"), "poolings"));
        }
    }

    private static int lineOf(List<String> lines, String fragment) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(fragment)) {
                return i + 1;
            }
        }
        throw new IllegalArgumentException("no line contains " + fragment);
    }

    private static void assertProblem(SweepConfigException e, String expectedPrefix) {
        assertTrue(e.problems().stream().anyMatch(p -> p.startsWith(expectedPrefix)),
                "expected a problem starting with\n  " + expectedPrefix + "\ngot\n  " + String.join("\n  ", e.problems()));
    }
}
