package org.neurosweep.methods.attribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.neurosweep.model.check.CheckResult;
import org.neurosweep.model.check.ReferenceCheck;
import org.neurosweep.model.check.Tolerance;
import org.neurosweep.testutil.RepoPaths;

/** check-model picks up the ig.* check through ServiceLoader and passes it on a golden model. */
class IntegratedGradientsCheckTest {

    @Test
    void checkModelComparesIntegratedGradients() {
        String dir = RepoPaths.golden("qwen2").toString();
        List<CheckResult> results = ReferenceCheck.run(dir, dir + "/reference.safetensors", Tolerance.FP32);
        Map<String, CheckResult> byName = results.stream().collect(Collectors.toMap(CheckResult::tensor, r -> r));
        assertEquals(CheckResult.Status.PASS, byName.get("ig.target").status(), byName.get("ig.target").line());
        CheckResult ig = byName.get("ig.layer1");
        assertEquals(CheckResult.Status.PASS, ig.status(), ig.line());
        assertTrue(ig.error() < Tolerance.FP32.limit());
    }
}
