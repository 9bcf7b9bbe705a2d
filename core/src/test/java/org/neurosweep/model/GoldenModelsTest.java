package org.neurosweep.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.neurosweep.model.check.CheckResult;
import org.neurosweep.model.check.ReferenceCheck;
import org.neurosweep.model.check.Tolerance;
import org.neurosweep.testutil.RepoPaths;

/** Every golden model against its Hugging Face reference dump, at the tolerances of docs/reference-format.md. */
class GoldenModelsTest {

    @ParameterizedTest
    @ValueSource(strings = {"llama", "llama_tied", "llama_bf16", "llama_sharded", "qwen2", "mistral", "mixtral",
        "qwen2_moe", "olmoe", "gpt_neox", "gemma", "gemma2", "bloom", "bert_mlm", "qwen3", "qwen3_moe", "olmo2"})
    void matchesReference(String family) {
        String dir = RepoPaths.golden(family).toString();
        Tolerance tolerance = family.endsWith("bf16") ? Tolerance.BF16 : Tolerance.FP32;
        List<CheckResult> results = ReferenceCheck.run(dir, dir + "/reference.safetensors", tolerance);
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        int failed = ReferenceCheck.report(results, new PrintStream(text, true, StandardCharsets.UTF_8));
        String report = text.toString(StandardCharsets.UTF_8);
        System.out.println(family + "\n" + report);
        assertEquals(0, failed, report);
        assertTrue(results.stream().anyMatch(r -> r.tensor().equals("logits") && r.status() == CheckResult.Status.PASS),
                report);
        assertFalse(results.stream().anyMatch(r -> r.status() == CheckResult.Status.SKIP && !r.tensor().startsWith("ig.")),
                report);
    }
}
