package org.neurosweep.sweep;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.neurosweep.job.ModelRef;
import org.neurosweep.testutil.RepoPaths;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CheckpointSeriesScannerTest {

    private final CheckpointSeriesScanner scanner = new CheckpointSeriesScanner(new Configuration());
    private final String world = Uris.resolve(RepoPaths.root().resolve("data/demo/world").toString());

    private ModelSource.Series scan(String prefix, ModelSource.StepSource from) {
        return new ModelSource.Series("s", world, prefix, List.of(), from, "test.conf:1");
    }

    private ModelSource.Series list(ModelSource.StepSource from, String... names) {
        return new ModelSource.Series("s", null, "", List.of(names).stream().map(n -> world + "/" + n).toList(), from, "test.conf:1");
    }

    @Test
    void scansAFolderInStepOrder() {
        List<ModelRef> dense = scanner.resolve(scan("dense-step", ModelSource.StepSource.AUTO));
        assertEquals(List.of("dense-step00250", "dense-step00500", "dense-step01000", "dense-step02000", "dense-step04000"),
                dense.stream().map(ModelRef::checkpointLabel).toList());
        assertEquals(List.of(250L, 500L, 1000L, 2000L, 4000L), dense.stream().map(ModelRef::step).toList());
        assertTrue(dense.stream().allMatch(r -> r.id().equals("s") && r.uri().equals(world + "/" + r.checkpointLabel())));
        List<ModelRef> all = scanner.resolve(scan("", ModelSource.StepSource.AUTO));
        assertEquals(7, all.size(), "5 dense and 2 moe_deep checkpoints; folders without a step are not checkpoints");
        assertEquals(List.of(250L, 500L, 500L, 1000L, 2000L, 2000L, 4000L), all.stream().map(ModelRef::step).toList());
    }

    @Test
    void readsTheStepFromConfigJsonWhenTheNameHasNone() {
        List<ModelRef> refs = scanner.resolve(list(ModelSource.StepSource.AUTO, "dense", "dense-step00500"));
        assertEquals(List.of(500L, 6000L), refs.stream().map(ModelRef::step).toList(), "dense's config.json says training_step 6000");
        assertNull(scanner.resolve(list(ModelSource.StepSource.NAME, "dense")).get(0).step());
        assertEquals(250L, scanner.resolve(list(ModelSource.StepSource.CONFIG, "dense-step00250")).get(0).step());
    }

    @Test
    void keepsAMissingListedCheckpointForItsUnitToFail() {
        List<ModelRef> refs = scanner.resolve(list(ModelSource.StepSource.AUTO, "dense-step09999", "no-such-folder"));
        assertEquals(List.of(9999L), refs.stream().map(ModelRef::step).filter(java.util.Objects::nonNull).toList());
        assertEquals(2, refs.size());
    }

    @Test
    void aScanFindingNothingNamesTheConfigKey() {
        SweepConfigException e = assertThrows(SweepConfigException.class,
                () -> scanner.resolve(scan("olmo-step", ModelSource.StepSource.AUTO)));
        assertTrue(e.getMessage().startsWith("test.conf:1: sweep.checkpoints.s.dir: no folder starting with 'olmo-step'"), e.getMessage());
    }

    @Test
    void recognisesTheCommonCheckpointNames() {
        assertEquals(250L, CheckpointSeriesScanner.stepFromName("dense-step00250"));
        assertEquals(1000L, CheckpointSeriesScanner.stepFromName("step_1000"));
        assertEquals(143000L, CheckpointSeriesScanner.stepFromName("step143000"));
        assertEquals(359L, CheckpointSeriesScanner.stepFromName("ckpt_359"));
        assertEquals(500L, CheckpointSeriesScanner.stepFromName("checkpoint-500"));
        assertEquals(1000L, CheckpointSeriesScanner.stepFromName("step1000-tokens4B"));
        assertNull(CheckpointSeriesScanner.stepFromName("main"));
        assertNull(CheckpointSeriesScanner.stepFromName("steps"));
    }
}
