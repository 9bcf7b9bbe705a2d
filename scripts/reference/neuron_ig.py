#!/usr/bin/env python3
"""Outside reference for NeuroSweep's knowledge/privacy-neuron methods (docs/methods/neuron-attribution.md,
docs/methods/privacy-neurons.md), written from the method's definition with PyTorch, safetensors and transformers;
nothing here calls NeuroSweep.

1. Knowledge-neuron integrated gradients (Dai et al. 2022) of every layer's FFN neurons at the last prompt position,
   for a few world facts, on the world models `dense` (Llama) and `moe_deep` (Qwen2-MoE). A neuron is a coordinate of
   the activation that the down projection multiplies: SiLU(gate x) * (up x) of the dense FFN, of each routed expert
   and of the shared expert. For layer l, P(v) = softmax probability of the target token at the last position when
   that position's layer-l activation is replaced by v (for an MoE layer: the activations of the experts routed at
   the position, and of the shared expert; routing is unchanged, it reads the block input). Attribution
       Att_k = a_k * (1/m) * sum_{q=0}^{m-1} dP(q/m * a)/dv_k,   m = 20 (left Riemann grid, zero baseline),
   each alpha point its own forward and backward (no batching). The forward is written out here from the
   checkpoint's tensors (fp32), so that the replacement is exact; it is checked against transformers' own logits.
2. The edited checkpoint that NeuroSweep's privacy editor wrote (down-projection columns zeroed; made by
   scripts/reference/neuron_ig_inputs.sh into the inputs folder), reloaded by transformers: its logits on a text
   are compared with the runtime's intervention logits (activations zeroed, from inputs.json) and with this script's
   own forward with the same activations zeroed on the original weights.

usage: scripts/reference/neuron_ig_inputs.sh DIR   (the runtime's side: facts, edited checkpoints, intervention logits)
       python3 neuron_ig.py --world data/demo/world --inputs DIR --out OUT
writes OUT/neuron_ig_world.json, which core's NeuronIgReferenceTest reads from src/test/resources/reference/.

Last run: 2026-12-06 on an NVIDIA H100 (torch 2.11, transformers 5.17, fp32): its own forward agreed with
transformers' logits to 1.1e-5 for both models; the JSON is the test resource.
"""
import argparse
import gzip
import hashlib
import json
import os
import shutil
import tempfile

import torch
import transformers
from safetensors.torch import load_file
from transformers import AutoModelForCausalLM, PreTrainedTokenizerFast

STEPS = 20


def r7(x):
    """A float rounded to 7 significant digits (keeps the JSON small; fp32 carries about as many)."""
    return float(f"{float(x):.7g}")


class Manual:
    """A forward of a Llama or Qwen2-MoE checkpoint from its tensors, with the FFN activation exposed."""

    def __init__(self, folder):
        self.cfg = json.load(open(os.path.join(folder, "config.json")))
        self.w = {k: v.float() for k, v in load_file(os.path.join(folder, "model.safetensors")).items()}
        c = self.cfg
        self.moe = c["model_type"] == "qwen2_moe"
        self.layers = c["num_hidden_layers"]
        self.heads = c["num_attention_heads"]
        self.kv = c["num_key_value_heads"]
        self.head_dim = c.get("head_dim") or c["hidden_size"] // self.heads
        self.eps = c["rms_norm_eps"]
        self.theta = (c.get("rope_parameters") or {}).get("rope_theta", c.get("rope_theta", 10000.0))
        self.experts = c.get("num_experts", 0)
        self.top_k = c.get("num_experts_per_tok", 0)

    def rms(self, x, name):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.w[name]

    def lin(self, x, name):
        y = x @ self.w[name + ".weight"].T
        b = self.w.get(name + ".bias")
        return y if b is None else y + b

    def rope(self, x):                                                   # (H, T, D)
        d = x.shape[-1]
        inv = 1.0 / (self.theta ** (torch.arange(0, d, 2, dtype=torch.int64).float() / d))
        f = torch.outer(torch.arange(x.shape[1]).float(), inv)
        emb = torch.cat([f, f], -1)
        rot = torch.cat([-x[..., d // 2:], x[..., :d // 2]], -1)
        return x * emb.cos() + rot * emb.sin()

    def attention(self, x, p):
        t = x.shape[0]
        q = self.lin(x, p + "q_proj").view(t, self.heads, self.head_dim).transpose(0, 1)
        k = self.lin(x, p + "k_proj").view(t, self.kv, self.head_dim).transpose(0, 1)
        v = self.lin(x, p + "v_proj").view(t, self.kv, self.head_dim).transpose(0, 1)
        q, k = self.rope(q), self.rope(k)
        rep = self.heads // self.kv
        k, v = k.repeat_interleave(rep, 0), v.repeat_interleave(rep, 0)
        s = q @ k.transpose(1, 2) / self.head_dim ** 0.5
        s = s.masked_fill(torch.triu(torch.ones(t, t, dtype=torch.bool), 1), float("-inf"))
        o = (torch.softmax(s, -1) @ v).transpose(0, 1).reshape(t, -1)
        return self.lin(o, p + "o_proj")

    @staticmethod
    def act(x, p):
        return torch.nn.functional.silu(x @ p[0].T) * (x @ p[1].T)

    def ffn(self, x, layer, pos, replace, capture, zero):
        """replace: {group: vector} put at row pos; capture: dict filled with {group: activation at pos};
        zero: {group: [indices]} zeroed at every position. group = -1 dense, e routed expert, experts = shared."""
        p = f"model.layers.{layer}.mlp."

        def edit(a, group, row):
            if group in zero:
                a = a.clone()
                a[:, zero[group]] = 0
            if row is not None:
                if capture is not None:
                    capture[group] = a[row].detach().clone()
                if replace is not None and group in replace:
                    a = a.clone()
                    a[row] = replace[group]
            return a

        if not self.moe:
            a = edit(self.act(x, (self.w[p + "gate_proj.weight"], self.w[p + "up_proj.weight"])), -1, pos)
            return a @ self.w[p + "down_proj.weight"].T
        probs = torch.softmax(x @ self.w[p + "gate.weight"].T, -1)
        top, idx = torch.topk(probs, self.top_k, -1)
        if self.cfg.get("norm_topk_prob", False):
            top = top / top.sum(-1, keepdim=True)
        out = torch.zeros_like(x)
        for e in range(self.experts):
            hit = (idx == e)
            rows = hit.any(-1).nonzero().flatten()
            if len(rows) == 0:
                continue
            q = f"{p}experts.{e}."
            a = self.act(x[rows], (self.w[q + "gate_proj.weight"], self.w[q + "up_proj.weight"]))
            at = (rows == pos).nonzero().flatten() if pos is not None else []
            a = edit(a, e, int(at[0]) if len(at) else None)
            weight = (top * hit).sum(-1)[rows]
            out = out.index_add(0, rows, weight[:, None] * (a @ self.w[q + "down_proj.weight"].T))
        q = p + "shared_expert."
        a = edit(self.act(x, (self.w[q + "gate_proj.weight"], self.w[q + "up_proj.weight"])), self.experts, pos)
        gate = torch.sigmoid(x @ self.w[p + "shared_expert_gate.weight"].T)
        return out + gate * (a @ self.w[q + "down_proj.weight"].T)

    def forward(self, ids, layer=None, pos=None, replace=None, capture=None, zero=None):
        """Logits (T, V). At `layer`, row `pos` of the FFN activation is captured / replaced; `zero` maps a layer
        to its {group: indices} zeroed everywhere."""
        zero = zero or {}
        x = self.w["model.embed_tokens.weight"][torch.tensor(ids)]
        for l in range(self.layers):
            p = f"model.layers.{l}."
            x = x + self.attention(self.rms(x, p + "input_layernorm.weight"), p + "self_attn.")
            cap = capture.setdefault(l, {}) if capture is not None else None
            row = pos if cap is not None or l == layer else None
            x = x + self.ffn(self.rms(x, p + "post_attention_layernorm.weight"), l, row,
                             replace if l == layer else None, cap, zero.get(l, {}))
        return self.rms(x, "model.norm.weight") @ self.w["lm_head.weight"].T


def prob(logits, pos, target):
    return torch.softmax(logits[pos], -1)[target]


def knowledge_ig(m, ids, target):
    pos = len(ids) - 1
    plain = {}
    with torch.no_grad():
        p_full = prob(m.forward(ids, pos=pos, capture=plain), pos, target).item()
    layers = []
    for layer in range(m.layers):
        acts = plain[layer]                                            # {group: (f,)} at pos
        groups = sorted(g for g in acts if g != m.experts) + ([m.experts] if m.moe else [])
        if not m.moe:
            groups = [-1]
        total = {g: torch.zeros_like(acts[g]) for g in groups}
        for q in range(STEPS):
            points = {g: (q / STEPS * acts[g]).clone().requires_grad_(True) for g in groups}
            p = prob(m.forward(ids, layer=layer, pos=pos, replace=points), pos, target)
            grads = torch.autograd.grad(p, [points[g] for g in groups])
            for g, gr in zip(groups, grads):
                total[g] += gr
        with torch.no_grad():
            p_zero = prob(m.forward(ids, layer=layer, pos=pos,
                                    replace={g: torch.zeros_like(acts[g]) for g in groups}), pos, target).item()
        att = {g: acts[g] * total[g] / STEPS for g in groups}
        layers.append({"layer": layer, "experts": groups, "p_zero": r7(p_zero),
                       "sum": r7(sum(a.sum().item() for a in att.values())),
                       "attribution": [[r7(v) for v in att[g].tolist()] for g in groups]})
    return {"p_full": r7(p_full), "layers": layers}


def load_hf(folder):
    try:
        return AutoModelForCausalLM.from_pretrained(folder, dtype=torch.float32).eval()
    except TypeError:
        return AutoModelForCausalLM.from_pretrained(folder, torch_dtype=torch.float32).eval()


def edited_folder(folder):
    """The edited checkpoint's folder; a gzipped model.safetensors (to travel small) is unpacked into a copy."""
    packed = os.path.join(folder, "model.safetensors.gz")
    if not os.path.exists(packed):
        return folder
    copy = tempfile.mkdtemp()
    for name in os.listdir(folder):
        if name != "model.safetensors.gz":
            shutil.copy(os.path.join(folder, name), copy)
    with gzip.open(packed, "rb") as src, open(os.path.join(copy, "model.safetensors"), "wb") as dst:
        shutil.copyfileobj(src, dst)
    return copy


def sha256(path):
    with open(path, "rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--world", required=True)
    ap.add_argument("--inputs", required=True, help="folder with inputs.json and edited/<model>")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    torch.set_num_threads(max(1, os.cpu_count() or 1))
    inputs = json.load(open(os.path.join(args.inputs, "inputs.json")))
    tok = PreTrainedTokenizerFast(tokenizer_file=os.path.join(args.world, "dense", "tokenizer.json"))
    result = {"torch": torch.__version__, "transformers": transformers.__version__, "steps": STEPS, "grid": "left",
              "target": "prob", "device": "cpu", "dtype": "float32", "text": inputs["text"], "models": {}, "edited": {}}
    text_ids = inputs["text_ids"]
    tokenizer_agrees = tok(inputs["text"], add_special_tokens=False)["input_ids"] == text_ids
    for f in inputs["facts"]:
        tokenizer_agrees &= tok(f["prompt"], add_special_tokens=False)["input_ids"] == f["ids"]
    result["tokenizer_agrees"] = bool(tokenizer_agrees)
    for name in ("dense", "moe_deep"):
        folder = os.path.join(args.world, name)
        m = Manual(folder)
        hf = load_hf(folder)
        with torch.no_grad():
            ours = m.forward(text_ids)
            theirs = hf(input_ids=torch.tensor([text_ids])).logits[0].float()
        facts = {}
        for f in inputs["facts"]:
            facts[f["key"]] = {"prompt": f["prompt"], "ids": f["ids"], "target": f["target"],
                               **knowledge_ig(m, f["ids"], f["target"])}
            print(name, f["key"], "p_full", facts[f["key"]]["p_full"], flush=True)
        result["models"][name] = {"manual_vs_transformers_max_abs": r7((ours - theirs).abs().max()), "facts": facts}

        edit = inputs["edits"][name]
        zero = {}
        for layer, expert, k in edit["neurons"]:
            zero.setdefault(layer, {}).setdefault(expert if m.moe else -1, []).append(k)
        folder_edited = edited_folder(os.path.join(args.inputs, "edited", name))
        edited = load_hf(folder_edited)
        runtime = torch.tensor(edit["runtime_intervention_logits"])
        with torch.no_grad():
            reloaded = edited(input_ids=torch.tensor([text_ids])).logits[0].float()
            zeroed = m.forward(text_ids, zero=zero)
        result["edited"][name] = {
            "neurons": edit["neurons"],
            "checkpoint_sha256": sha256(os.path.join(folder_edited, "model.safetensors")),
            "max_abs_reloaded_vs_runtime_intervention": r7((reloaded - runtime).abs().max()),
            "max_abs_reloaded_vs_reference_zeroed": r7((reloaded - zeroed).abs().max()),
            "max_abs_edit_effect": r7((reloaded - theirs).abs().max()),
            "reloaded_last_logits": [r7(v) for v in reloaded[-1].tolist()]}
        print(name, {k: v for k, v in result["edited"][name].items() if k.startswith("max")}, flush=True)
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "neuron_ig_world.json"), "w") as fh:
        json.dump(result, fh, separators=(",", ":"))
    print("manual vs transformers:", {k: v["manual_vs_transformers_max_abs"] for k, v in result["models"].items()})


if __name__ == "__main__":
    main()
