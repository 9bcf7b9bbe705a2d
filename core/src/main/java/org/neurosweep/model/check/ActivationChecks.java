package org.neurosweep.model.check;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.neurosweep.hook.HookNames;

/**
 * The reference's activation tensors against our hook points: embed, layer_out.i (resid_post), ffn_act.i
 * (mlp.post), attn_probs.i (attn.pattern), router_logits.i (moe.router_logits, token-major), final_norm, logits.
 */
final class ActivationChecks implements TensorCheck {
    private static final Pattern LAYERED = Pattern.compile("(layer_out|ffn_act|attn_probs|router_logits)\\.(\\d+)");

    @Override
    public boolean handles(String name) {
        return name.equals("embed") || name.equals("final_norm") || name.equals("logits") || LAYERED.matcher(name).matches();
    }

    @Override
    public CheckResult check(String name, ReferenceRun run) {
        INDArray ref = run.reference().load(name);
        if (name.equals("logits")) {
            return run.compareTokens(name, run.logits(), ref, 1);
        }
        if (!name.contains(".")) {
            return run.compareTokens(name, run.captures().get(name), ref, 1);
        }
        Matcher m = LAYERED.matcher(name);
        if (!m.matches()) {
            throw new IllegalArgumentException("not an activation tensor: " + name);
        }
        int layer = Integer.parseInt(m.group(2));
        String hook = switch (m.group(1)) {
            case "layer_out" -> HookNames.residPost(layer);
            case "ffn_act" -> HookNames.mlpPost(layer);
            case "attn_probs" -> HookNames.attnPattern(layer);
            default -> HookNames.routerLogits(layer);
        };
        if (!run.captures().has(hook)) {
            return CheckResult.fail(name, "the model has no hook " + hook);
        }
        INDArray ours = run.captures().get(hook);
        return switch (m.group(1)) {
            case "attn_probs" -> run.compareTokens(name, ours, ref, 2);
            case "router_logits" -> run.compareTokens(name, ours.reshape(ours.size(0) * ours.size(1), ours.size(2)), ref, -1);
            default -> run.compareTokens(name, ours, ref, 1);
        };
    }
}
