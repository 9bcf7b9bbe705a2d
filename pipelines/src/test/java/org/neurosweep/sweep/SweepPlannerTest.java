package org.neurosweep.sweep;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neurosweep.job.Job;
import org.neurosweep.job.KernelFactory;
import org.neurosweep.job.MapJob;
import org.neurosweep.job.ModelRef;
import org.neurosweep.job.Params;
import org.neurosweep.job.TableSchema;
import org.neurosweep.job.WorkUnit;
import org.neurosweep.jobs.evaluation.PerplexityJob;
import org.neurosweep.testjobs.LineStatsJob;
import org.neurosweep.testjobs.TestSweeps;
import org.neurosweep.testutil.RepoPaths;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SweepPlannerTest {

    private static final List<Job> JOBS = List.of(new LineStatsJob(), new PerplexityJob());

    @TempDir
    Path dir;

    private Path conf(String params, String models) {
        return new TestSweeps(dir).conf("plan.conf", """
                sweep {
                  models { small { path = "%s" }, tiny { path = "%s" } }
                  checkpoints { dense { dir = "%s", prefix = "dense-step" } }
                  datasets { lines { format = text, path = "%s", shards = 4 } }
                  jobs = [
                    { job = line-stats, datasets = [lines], params { %s } }
                    { job = perplexity, models = [%s], datasets = [lines] }
                  ]
                }
                """.formatted(RepoPaths.world("dense_small"), RepoPaths.world("dense_small"),
                RepoPaths.root().resolve("data/demo/world"), RepoPaths.dataset("world/pretrain.txt"), params, models));
    }

    @Test
    void expandsModelsCheckpointsShardsAndGridDeterministically() {
        SweepPlan plan = TestSweeps.plan(JOBS, conf("scale = [1, 2, 3]", "small, dense"));
        assertEquals(4 * 3, plan.jobs().get(0).units().size(), "4 shards x 3 grid points");
        assertEquals((1 + 5) * 4, plan.jobs().get(1).units().size(), "(1 model + 5 checkpoints) x 4 shards");
        List<String> ids = plan.units().stream().map(WorkUnit::id).toList();
        assertEquals(ids.size(), new HashSet<>(ids).size(), "unit ids are unique");
        assertTrue(ids.stream().allMatch(id -> id.matches("[0-9a-f]{16}")), ids.toString());
        SweepPlan again = TestSweeps.plan(JOBS, conf("scale = [1, 2, 3]", "small, dense"));
        assertEquals(ids, again.units().stream().map(WorkUnit::id).toList(), "planning twice gives the same ids in the same order");
    }

    @Test
    void idsChangeWithParametersAndKeepUnchangedUnits() {
        List<WorkUnit> before = TestSweeps.plan(JOBS, conf("scale = [1, 2]", "small")).jobs().get(0).units();
        List<WorkUnit> after = TestSweeps.plan(JOBS, conf("scale = [2, 5]", "small")).jobs().get(0).units();
        Map<Integer, List<String>> beforeByScale = byScale(before);
        Map<Integer, List<String>> afterByScale = byScale(after);
        assertEquals(beforeByScale.get(2), afterByScale.get(2), "the units of scale 2 keep their ids");
        assertTrue(new HashSet<>(afterByScale.get(5)).stream().noneMatch(before.stream().map(WorkUnit::id).toList()::contains),
                "units of a new parameter value get new ids");
    }

    @Test
    void idsChangeWithTheJobVersionAndTheModel() {
        Params p = Params.of(Map.of("x", 1));
        ModelRef m = new ModelRef("m", "file:/models/m", null);
        WorkUnit v1 = WorkUnit.of(versioned(1), m, null, p);
        assertEquals(v1.id(), WorkUnit.of(versioned(1), m, null, p).id());
        assertNotEquals(v1.id(), WorkUnit.of(versioned(2), m, null, p).id(), "a new code version recomputes");
        assertNotEquals(v1.id(), WorkUnit.of(versioned(1), new ModelRef("m", "file:/models/other", null), null, p).id());
        assertNotEquals(v1.id(), WorkUnit.of(versioned(1), m, null, Params.of(Map.of("x", "1"))).id(),
                "an int and a string parameter differ");
        assertNotEquals(v1.id(), v1.inRound(0).id());
        assertNotEquals(v1.inRound(0).id(), v1.aggregationOf(0).id());
    }

    @Test
    void aModelNamedTwiceIsPlannedOnce() {
        SweepPlan plan = TestSweeps.plan(JOBS, conf("scale = 1", "small, small"));
        assertEquals(4, plan.jobs().get(1).units().size());
    }

    private static Map<Integer, List<String>> byScale(List<WorkUnit> units) {
        Map<Integer, List<String>> out = new java.util.TreeMap<>();
        units.forEach(u -> out.computeIfAbsent(u.params().getInt("scale"), k -> new java.util.ArrayList<>()).add(u.id()));
        return out;
    }

    private static Job versioned(int version) {
        return new MapJob() {
            @Override
            public KernelFactory kernels() {
                throw new UnsupportedOperationException("planning only");
            }

            @Override
            public String name() {
                return "versioned";
            }

            @Override
            public int version() {
                return version;
            }

            @Override
            public String description() {
                return "a job whose version the test chooses";
            }

            @Override
            public List<TableSchema> tables() {
                return List.of();
            }
        };
    }
}
