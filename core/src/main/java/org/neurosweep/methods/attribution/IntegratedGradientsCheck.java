package org.neurosweep.methods.attribution;

import java.util.stream.IntStream;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.neurosweep.hook.HookNames;
import org.neurosweep.model.check.CheckResult;
import org.neurosweep.model.check.ReferenceRun;
import org.neurosweep.model.check.TensorCheck;

/**
 * {@code check-model} for the reference's {@code ig.layer1} and {@code ig.target} (docs/reference-format.md):
 * integrated gradients of the layer-1 FFN neurons at the last position of prompt 0, 16 steps, zero baseline, target =
 * argmax, held to the run's tolerance like the activations. Registered through {@code META-INF/services}.
 */
public final class IntegratedGradientsCheck implements TensorCheck {

    private static final int STEPS = 16;
    private static final int LAYER = 1;

    private ReferenceRun computedFor;
    private IntegratedGradients.Result result;

    @Override
    public boolean handles(String name) {
        return name.equals("ig.layer1") || name.equals("ig.target");
    }

    @Override
    public CheckResult check(String name, ReferenceRun run) {
        IntegratedGradients.Result ours = resultFor(run);
        INDArray ref = run.reference().load(name);
        if (name.equals("ig.target")) {
            int expected = ref.getInt(0);
            return expected == ours.target()
                    ? new CheckResult(name, 0, CheckResult.Status.PASS, "")
                    : CheckResult.fail(name, "target " + ours.target() + " but reference " + expected);
        }
        return run.compareAll(name, ours.attribution().reshape(ref.shape()), ref);
    }

    private IntegratedGradients.Result resultFor(ReferenceRun run) {
        if (computedFor != run) {
            int[] ids = run.inputIds()[0];
            int[] mask = run.attentionMask()[0];
            int[] prompt = IntStream.range(0, ids.length).filter(j -> mask[j] == 1).map(j -> ids[j]).toArray();
            result = new IntegratedGradients(run.model()).attribute(prompt, HookNames.mlpPost(LAYER), STEPS);
            computedFor = run;
        }
        return result;
    }
}
