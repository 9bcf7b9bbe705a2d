#!/usr/bin/env python3
"""Reference values for NeuroSweep's knowledge/privacy-neuron methods, made with PyTorch + transformers.

Status: written for issue 11 but not run yet (the GPU machine could not take this checkout), so no test reads its
output; run it where torch and transformers are installed and compare with the Java engine (kn.* with
NeuronAttribution on the left grid, edit.* with NeuronEditor.zeroing).

usage: python3 scripts/reference/neuron_ig.py --world data/demo/world --out DIR

Writes DIR/neuron_ig.safetensors (fp32; world models widened from bf16 to fp32, fp32 arithmetic):
  kn.F.ids [T] int32, kn.F.target [1] int32     fact F's prompt token ids and the answer's first token
  kn.F.layerL [ffn]                             dense world model: knowledge-neuron IG of layer L's FFN neurons at the
                                                last position; left grid (alpha = q/20, q = 0..19), the whole layer
                                                vector scaled, zero baseline, softmax probability of the target; each
                                                alpha point is its own forward and backward (no batching)
  kn.F.pzero [L], kn.F.pfull [1]                p(target) with layer L's activation at the position zeroed / as is
  edit.M.ids [T] int32, edit.M.logits [T, V]    model M (dense, moe_deep) with the down-projection columns of the
                                                edited neurons zeroed in the weights; logits of a text
"""
import argparse
import os

import torch
from safetensors.torch import save_file
from transformers import AutoModelForCausalLM, PreTrainedTokenizerFast

FACTS = {"france": ("The capital of France is", " Paris"), "japan": ("The currency of Japan is the", " yen"),
         "brazil": ("Brazil is located in", " South")}
STEPS = 20
TEXT = "The phone number of Chloe Weber is 933633. The capital of France is Paris."
# (layer, expert, index); expert -1 = dense FFN, expert = number of routed experts = the shared expert
EDITS = {"dense": [(0, -1, 5), (3, -1, 100), (3, -1, 7)],
         "moe_deep": [(1, 2, 3), (1, 5, 0), (4, 8, 9), (5, 0, 17)]}


def down_proj(model, layer, expert, n_experts):
    mlp = model.model.layers[layer].mlp
    if expert == -1:
        return mlp.down_proj
    if expert == n_experts:
        return mlp.shared_expert.down_proj
    return mlp.experts[expert].down_proj


def knowledge_ig(model, ids, target, layer):
    down = model.model.layers[layer].mlp.down_proj
    pos = len(ids) - 1
    x = torch.tensor([ids])
    seen = {}
    h = down.register_forward_pre_hook(lambda m, a: seen.__setitem__("a", a[0][0, pos].detach().clone()))
    with torch.no_grad():
        p_full = torch.softmax(model(input_ids=x).logits[0, pos], -1)[target].item()
    h.remove()
    a = seen["a"]

    def prob_with(vec, grad):
        def put(m, args):
            t = args[0].clone()
            t[0, pos] = vec
            return (t,)
        h = down.register_forward_pre_hook(put)
        with torch.set_grad_enabled(grad):
            p = torch.softmax(model(input_ids=x).logits[0, pos], -1)[target]
        h.remove()
        return p

    total = torch.zeros_like(a)
    for q in range(STEPS):
        point = (q / STEPS * a).clone().requires_grad_(True)
        g, = torch.autograd.grad(prob_with(point, True), point)
        total += g
    p_zero = prob_with(torch.zeros_like(a), False).item()
    return a * total / STEPS, p_full, p_zero


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--world", required=True)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    out = {}
    tok = PreTrainedTokenizerFast(tokenizer_file=os.path.join(args.world, "dense", "tokenizer.json"))
    dense = AutoModelForCausalLM.from_pretrained(os.path.join(args.world, "dense"), torch_dtype=torch.float32).eval()
    for name, (prompt, answer) in FACTS.items():
        ids = tok(prompt, add_special_tokens=False)["input_ids"]
        target = tok(answer, add_special_tokens=False)["input_ids"][0]
        out[f"kn.{name}.ids"] = torch.tensor(ids, dtype=torch.int32)
        out[f"kn.{name}.target"] = torch.tensor([target], dtype=torch.int32)
        zeros = []
        for layer in range(dense.config.num_hidden_layers):
            att, p_full, p_zero = knowledge_ig(dense, ids, target, layer)
            out[f"kn.{name}.layer{layer}"] = att.float()
            zeros.append(p_zero)
        out[f"kn.{name}.pzero"] = torch.tensor(zeros, dtype=torch.float32)
        out[f"kn.{name}.pfull"] = torch.tensor([p_full], dtype=torch.float32)
    text_ids = tok(TEXT, add_special_tokens=False)["input_ids"]
    for name, neurons in EDITS.items():
        model = dense if name == "dense" else AutoModelForCausalLM.from_pretrained(
            os.path.join(args.world, name), torch_dtype=torch.float32).eval()
        n_experts = getattr(model.config, "num_experts", 0)
        with torch.no_grad():
            for layer, expert, k in neurons:
                down_proj(model, layer, expert, n_experts).weight[:, k] = 0
            logits = model(input_ids=torch.tensor([text_ids])).logits[0]
        out[f"edit.{name}.ids"] = torch.tensor(text_ids, dtype=torch.int32)
        out[f"edit.{name}.logits"] = logits.float()
    os.makedirs(args.out, exist_ok=True)
    save_file({k: v.contiguous() for k, v in out.items()}, os.path.join(args.out, "neuron_ig.safetensors"),
              metadata={"torch": torch.__version__, "steps": str(STEPS), "grid": "left"})
    print("wrote", len(out), "tensors")


if __name__ == "__main__":
    main()
