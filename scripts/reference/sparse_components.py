#!/usr/bin/env python3
"""Reference activation counts for the sparse-components job (SPARCOM, docs/methods/sparcom.md), made with PyTorch and
Hugging Face transformers, independently of NeuroSweep.

For each world model and each instruction category of data/demo/datasets/world/instruct.jsonl (formatting "raw":
the instruction, then a newline and the input when there is one; no special tokens), every instruction is run alone
(no padding) in fp32 on the CPU, and over all tokens of the category it counts, per FFN neuron:
  gate:    tokens with gate pre-activation G_k.x > 0 (dense neurons; routed-expert neurons only on tokens routed
           to the expert; shared-expert neurons on every token)
  product: tokens with act(G_k.x) * (U_k.x) > 0
  near_zero: tokens with |G_k.x| < 1e-4 (where float rounding may flip the gate criterion)
and per routed expert: tokens routed (top-k of the router softmax), the sum of the applied routing weights, and the
tokens whose k-th and (k+1)-th router probabilities lie within 1e-4 (near ties). x is the FFN input (the output of
post_attention_layernorm, captured with a forward hook on HF's module); dense gate/up pre-activations are HF's own
gate_proj/up_proj outputs (hooks); the MoE ones are computed from that input and the checkpoint's weights, with HF's
routing rule (softmax over all experts, top-k, no renormalisation when norm_topk_prob is false).

Usage: python3 sparse_components.py OUT.json [model ...]   (default: dense dense_instruct moe_deep moe_deep_instruct)
"""
import json
import sys
from collections import defaultdict

import torch
from safetensors.torch import load_file
from transformers import AutoModelForCausalLM, PreTrainedTokenizerFast

WORLD = "data/demo/world"
DATA = "data/demo/datasets/world/instruct.jsonl"
NEAR = 1e-4
TIE = 1e-4


def raw_text(record):
    return record["instruction"] + ("\n" + record["input"] if record.get("input") else "")


def load(folder):
    try:
        model = AutoModelForCausalLM.from_pretrained(folder, dtype=torch.float32)
    except TypeError:
        model = AutoModelForCausalLM.from_pretrained(folder, torch_dtype=torch.float32)
    return model.eval()


def counts_for(name, records):
    folder = f"{WORLD}/{name}"
    tok = PreTrainedTokenizerFast(tokenizer_file=f"{folder}/tokenizer.json")
    model = load(folder)
    cfg = json.load(open(f"{folder}/config.json"))
    weights = {k: v.float() for k, v in load_file(f"{folder}/model.safetensors").items()}
    moe = cfg["model_type"] in ("qwen2_moe", "olmoe", "mixtral")
    layers = cfg["num_hidden_layers"]
    captured = {}
    hooks = []
    for i, layer in enumerate(model.model.layers):
        hooks.append(layer.post_attention_layernorm.register_forward_hook(
            lambda m, a, out, i=i: captured.__setitem__(("x", i), out[0].detach())))
        if not moe:
            hooks.append(layer.mlp.gate_proj.register_forward_hook(
                lambda m, a, out, i=i: captured.__setitem__(("g", i), out[0].detach())))
            hooks.append(layer.mlp.up_proj.register_forward_hook(
                lambda m, a, out, i=i: captured.__setitem__(("u", i), out[0].detach())))

    out = {}
    by_cat = defaultdict(list)
    for r in records:
        by_cat[r["category"]].append(r)
    for cat, recs in sorted(by_cat.items()):
        acc = defaultdict(lambda: None)
        n_tokens = 0
        per_instruction = {}
        for r in recs:
            ids = tok(raw_text(r), add_special_tokens=False)["input_ids"]
            per_instruction[r["id"]] = len(ids)
            n_tokens += len(ids)
            with torch.no_grad():
                model(torch.tensor([ids]))
            for i in range(layers):
                x = captured[("x", i)]                                   # (T, d)
                if not moe:
                    add(acc, f"{i}.-1", captured[("g", i)], captured[("u", i)], None)
                    continue
                p = f"model.layers.{i}.mlp."
                probs = torch.softmax(x @ weights[p + "gate.weight"].T, dim=-1)     # (T, E)
                k = cfg["num_experts_per_tok"]
                top, idx = torch.topk(probs, k + 1, dim=-1)
                w = top[:, :k]
                if cfg.get("norm_topk_prob", False):
                    w = w / w.sum(-1, keepdim=True)
                idx = idx[:, :k]
                E = cfg["num_experts"]
                routed = torch.zeros(E, dtype=torch.long)
                wsum = torch.zeros(E, dtype=torch.float64)
                for e in range(E):
                    sel = (idx == e).any(-1)
                    routed[e] = int(sel.sum())
                    wsum[e] = float((w * (idx == e)).sum())
                    xe = x[sel]
                    g = xe @ weights[p + f"experts.{e}.gate_proj.weight"].T
                    u = xe @ weights[p + f"experts.{e}.up_proj.weight"].T
                    add(acc, f"{i}.{e}", g, u, None)
                acc_add(acc, f"routed.{i}", routed)
                acc_add(acc, f"weight_sum.{i}", wsum)
                acc_add(acc, f"near_ties.{i}", torch.tensor(int(((top[:, k - 1] - top[:, k]).abs() < TIE).sum())))
                if p + "shared_expert.gate_proj.weight" in weights:
                    g = x @ weights[p + "shared_expert.gate_proj.weight"].T
                    u = x @ weights[p + "shared_expert.up_proj.weight"].T
                    add(acc, f"{i}.-2", g, u, None)
                    sg = torch.sigmoid(x @ weights[p + "shared_expert_gate.weight"].T)
                    acc_add(acc, f"shared_gate_sum.{i}", sg.sum().double())
        out[cat] = {"n_tokens": n_tokens, "n_instructions": len(recs), "instruction_tokens": per_instruction,
                    **{k: to_json(v) for k, v in acc.items()}}
    for h in hooks:
        h.remove()
    return out


def add(acc, key, g, u, _):
    acc_add(acc, "gate." + key, (g > 0).sum(0))
    acc_add(acc, "product." + key, ((torch.nn.functional.silu(g) * u) > 0).sum(0))
    acc_add(acc, "near_zero." + key, (g.abs() < NEAR).sum(0))


def acc_add(acc, key, v):
    acc[key] = v.clone() if acc[key] is None else acc[key] + v


def to_json(v):
    return v.tolist()


def main():
    out_file = sys.argv[1]
    models = sys.argv[2:] or ["dense", "dense_instruct", "moe_deep", "moe_deep_instruct"]
    torch.set_num_threads(1)
    records = [json.loads(line) for line in open(DATA) if line.strip()]
    result = {"dataset": DATA, "formatting": "raw", "near_zero_threshold": NEAR, "tie_threshold": TIE,
              "torch": torch.__version__, "models": {m: counts_for(m, records) for m in models}}
    json.dump(result, open(out_file, "w"))


if __name__ == "__main__":
    main()
