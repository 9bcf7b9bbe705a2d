#!/usr/bin/env python3
"""Reference LPI attribution (docs/methods/moe-attribution.md, steps 2-4 and 6) for the MoE attribution job's test.

Written from the spec with PyTorch + transformers, independently of the Java code: the Hugging Face model runs the
forward pass (fp32); hooks read the residual stream h_l, the attention output a_l, the o_proj input (per-head
outputs) and the normalised FFN input x~_l at the last prompt position t*. The routed experts, the shared expert and
their neurons are recomputed from the checkpoint's tensors (so the script does not depend on how a transformers
version lays out its expert modules), and their sum is checked against the layer's FFN output f_l = h_{l+1} - u_l.

Projection (section 0.4): logits(x) = W_U (gamma_f * x / s*), s* = sqrt(mean(h_L[t*]^2) + eps), computed once per
prompt. LPI(c; r) = log P(w | r + c) - log P(w | r), in float64.

Output: one JSON file with, per model and prompt, the prompt ids, the target, the model's own log-probability and
rank of the target, and the LPIs of every attention layer, FFN block, head, selected routed expert, shared expert and
the top neurons.

Usage: python3 moe_attribution.py OUT.json [repo root]
"""
import json
import math
import sys
from pathlib import Path

import torch
from safetensors.torch import load_file
from tokenizers import Tokenizer
from transformers import AutoModelForCausalLM

ROOT = Path(sys.argv[2]) if len(sys.argv) > 2 else Path(".")
TOP_NEURONS = 30

MODELS = {
    "mixtral": ROOT / "data/golden/mixtral",
    "olmoe": ROOT / "data/golden/olmoe",
    "qwen2_moe": ROOT / "data/golden/qwen2_moe",
    "moe_deep": ROOT / "data/demo/world/moe_deep",
}
# (prompt, object): the target is the first token of " " + object
PROMPTS = [
    ("The capital of France is", "Paris"),
    ("Germany is located in", "Europe"),
    ("The main language of Spain is", "Spanish"),
]


def expert_names(model_type, layer, expert):
    if model_type == "mixtral":
        p = f"model.layers.{layer}.block_sparse_moe."
        return p + "gate.weight", (p + f"experts.{expert}.w1.weight", p + f"experts.{expert}.w3.weight",
                                   p + f"experts.{expert}.w2.weight")
    p = f"model.layers.{layer}.mlp."
    return p + "gate.weight", (p + f"experts.{expert}.gate_proj.weight", p + f"experts.{expert}.up_proj.weight",
                               p + f"experts.{expert}.down_proj.weight")


def swiglu_neurons(x, gate, up):
    """Neuron activations m = SiLU(G x) * (U x) of a SwiGLU MLP for one vector x (d)."""
    return torch.nn.functional.silu(gate @ x) * (up @ x)


def main():
    out_path = Path(sys.argv[1])
    result = {"top_neurons": TOP_NEURONS, "models": {}}
    for name, folder in MODELS.items():
        try:
            result["models"][name] = run_model(folder)
            print(name, "done", flush=True)
        except Exception as e:  # one model's failure must not lose the others' results
            result["models"][name] = {"error": f"{type(e).__name__}: {e}"}
            print(name, "FAILED", e, flush=True)
    out_path.write_text(json.dumps(result, indent=1))


def run_model(folder):
    cfg = json.loads((folder / "config.json").read_text())
    model_type = cfg["model_type"]
    model = AutoModelForCausalLM.from_pretrained(folder, dtype=torch.float32, attn_implementation="eager")
    model.eval()
    weights = {k: v.to(torch.float64) for k, v in load_file(str(folder / "model.safetensors")).items()}
    tok = Tokenizer.from_file(str(folder / "tokenizer.json"))
    n_layers = cfg["num_hidden_layers"]
    n_heads = cfg["num_attention_heads"]
    head_dim = cfg.get("head_dim") or cfg["hidden_size"] // n_heads
    eps = cfg["rms_norm_eps"]
    n_experts = cfg.get("num_local_experts") or cfg.get("num_experts")
    top_k = cfg["num_experts_per_tok"]
    renorm = True if model_type == "mixtral" else bool(cfg.get("norm_topk_prob", False))
    shared_width = cfg.get("shared_expert_intermediate_size") or 0

    gamma = weights["model.norm.weight"]
    w_u = weights["lm_head.weight"] if "lm_head.weight" in weights else weights["model.embed_tokens.weight"]

    layers = model.model.layers
    cache = {}

    def keep(key):
        def hook(module, args, output):
            value = output[0] if isinstance(output, tuple) else output
            cache[key] = value.detach()
        return hook

    def keep_input(key):
        def hook(module, args, kwargs):
            value = args[0] if args else kwargs["hidden_states"]
            cache[key] = value.detach()
        return hook

    handles = [model.model.embed_tokens.register_forward_hook(keep("h0"))]
    for l, layer in enumerate(layers):
        handles.append(layer.register_forward_hook(keep(f"out{l}")))
        handles.append(layer.self_attn.register_forward_hook(keep(f"attn{l}")))
        handles.append(layer.self_attn.o_proj.register_forward_pre_hook(keep_input(f"oin{l}"), with_kwargs=True))
        handles.append(layer.post_attention_layernorm.register_forward_hook(keep(f"xn{l}")))

    prompts = []
    for text, obj in PROMPTS:
        ids = tok.encode(text, add_special_tokens=False).ids
        target = tok.encode(" " + obj, add_special_tokens=False).ids[0]
        cache.clear()
        with torch.no_grad():
            logits = model(torch.tensor([ids])).logits[0, -1].to(torch.float64)
        t = len(ids) - 1
        at = lambda key: cache[key][0, t].to(torch.float64)

        h = [at("h0")] + [at(f"out{l}") for l in range(n_layers)]
        s_star = math.sqrt(float((h[n_layers] ** 2).mean()) + eps)

        def proj(x):  # (..., d) -> (..., V)
            return (x * gamma / s_star) @ w_u.T

        def logp(z):
            return torch.log_softmax(z, dim=-1)[..., target]

        def lpi(r, c):  # c (n, d) or (d)
            zr = proj(r)
            return (logp(zr + proj(c)) - logp(zr)).tolist()

        model_lp = torch.log_softmax(logits, -1)
        entry = {
            "text": text, "object": obj, "ids": ids, "target": target,
            "model_logp": float(model_lp[target]),
            "lens_logp_final": float(logp(proj(h[n_layers]))),
            "rank": 1 + int((logits > logits[target]).sum()),
            "attn_lpi": [], "ffn_lpi": [], "head_lpi": [], "experts": [], "shared": [], "neurons": [],
        }
        neurons = []  # (lpi, layer, expert, type, index, coeff)
        for l in range(n_layers):
            a = at(f"attn{l}")
            u = h[l] + a
            f = h[l + 1] - u
            entry["attn_lpi"].append(lpi(h[l], a))
            entry["ffn_lpi"].append(lpi(u, f))
            o = weights[f"model.layers.{l}.self_attn.o_proj.weight"]  # (d, H*dh)
            heads_in = at(f"oin{l}").reshape(n_heads, head_dim)
            per_head = torch.stack([o[:, i * head_dim:(i + 1) * head_dim] @ heads_in[i] for i in range(n_heads)])
            entry["head_lpi"].append(lpi(h[l], per_head))
            err = float((per_head.sum(0) - a).abs().max() / a.abs().max())
            assert err < 1e-4, f"{folder.name} layer {l}: heads do not add up to the attention output ({err})"

            xn = at(f"xn{l}")
            gate_name, _ = expert_names(model_type, l, 0)
            router = weights[gate_name] @ xn
            probs = torch.softmax(router, -1)
            top = torch.topk(probs, top_k)
            g = top.values / top.values.sum() if renorm else top.values
            total = torch.zeros_like(xn)
            for slot in range(top_k):
                e = int(top.indices[slot])
                _, (wg, wu, wd) = expert_names(model_type, l, e)
                m = swiglu_neurons(xn, weights[wg], weights[wu])
                out = g[slot] * (weights[wd] @ m)
                total += out
                entry["experts"].append({"layer": l, "expert": e, "gate_weight": float(g[slot]),
                                         "router_prob": float(probs[e]), "lpi": lpi(u, out)})
                coeff = g[slot] * m
                rows = coeff[:, None] * weights[wd].T  # (ffn, d)
                for k, v in enumerate(lpi(u, rows)):
                    neurons.append((v, l, e, "routed", k, float(coeff[k])))
            if shared_width:
                p = f"model.layers.{l}.mlp."
                m = swiglu_neurons(xn, weights[p + "shared_expert.gate_proj.weight"],
                                   weights[p + "shared_expert.up_proj.weight"])
                sigma = torch.sigmoid(weights[p + "shared_expert_gate.weight"] @ xn)[0]
                down = weights[p + "shared_expert.down_proj.weight"]
                out = sigma * (down @ m)
                total += out
                entry["shared"].append({"layer": l, "gate_weight": float(sigma), "lpi": lpi(u, out)})
                coeff = sigma * m
                for k, v in enumerate(lpi(u, coeff[:, None] * down.T)):
                    neurons.append((v, l, -1, "shared", k, float(coeff[k])))
            err = float((total - f).abs().max() / f.abs().max())
            assert err < 1e-4, f"{folder.name} layer {l}: experts do not add up to the FFN output ({err})"
        # self-check: the projection of the true final residual is the model's own distribution
        assert abs(entry["lens_logp_final"] - entry["model_logp"]) < 1e-3, (entry["lens_logp_final"], entry["model_logp"])
        neurons.sort(key=lambda n: -n[0])
        entry["neurons"] = [{"lpi": v, "layer": l, "expert": e, "type": ty, "index": k, "coeff": c}
                            for v, l, e, ty, k, c in neurons[:TOP_NEURONS]]
        prompts.append(entry)
    for hd in handles:
        hd.remove()
    return {"model_type": model_type, "prompts": prompts}


if __name__ == "__main__":
    main()
