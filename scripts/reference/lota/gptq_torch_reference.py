"""GPTQ of the golden tiny Llama (data/golden/llama) in PyTorch: the outside reference of the runtime's GPTQ quantizer
and of its loading of GPTQ checkpoints.

GPTQ is written here from the paper's formulas (Frantar et al. 2023, Algorithm 1), in fp64, with torch's own LAPACK
Cholesky (torch.linalg.cholesky, torch.cholesky_inverse, upper factor of H^-1): dead columns zeroed, act-order by
decreasing diag(H), dampening 0.01 * mean(diag H), lazy batch updates in blocks of 128 columns, each group's grid
(asymmetric, range widened to include 0, scale rounded to fp16, zero = round(-min/scale)) found from the weights at
the start of the current block when the group's first column is reached, rounding half to even. The model is quantized
decoder layer after decoder layer: all inputs of layer l are captured (forward pre-hooks on its linears) with layers
< l already quantized, then its seven projections are quantized and replaced by their dequantized weights.

The GPTQ-layout tensors are packed by hand with the packing loops of make_gptq_reference.py (qweight down the input
axis, qzeros along the output axis, LSB first; checkpoint_format gptq_v2 stores the zero itself).

Writes under --out:
  llama_gptq4_torch/  config.json (with quantization_config), model.safetensors (qweight/qzeros/scales/g_idx + the
                      unquantized tensors), reference.safetensors: the dequantized weight of every projection (fp32,
                      scale * (q - zero)), "logits" of the probe batch from transformers' LlamaForCausalLM holding
                      those weights, "probe" and "calibration" tokens (I32)
  layer_case.safetensors: "inputs" (N, 128) F32, the calibration inputs of layer 0's down_proj; "weight" (64, 128)
                      its 16-bit weight; and for 2 and 4 bits, act-order off and on: "codes_{b}_{a}" (64, 128) I32,
                      "scales_{b}_{a}" (64, 4) F32, "zeros_{b}_{a}" (64, 4) I32, "g_idx_{b}_{a}" (128) I32

Usage: python3 gptq_torch_reference.py --model ../../data/golden/llama --out OUT
"""
import argparse
import json
import os

import numpy as np
import torch
from transformers import LlamaForCausalLM

from make_gptq_reference import pack_rows, read_safetensors, write_safetensors

BITS = 4
GROUP = 32
DAMP = 0.01
BLOCK = 128
PROJ = ["self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj",
        "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj"]


def gptq(weight, hessian, bits, group, damp, act_order, block=BLOCK):
    """weight (out, in), hessian (in, in) -> codes (out, in), scales (out, groups), zeros (out, groups), g_idx (in)."""
    w = weight.double().clone()
    h = hessian.double().clone()
    out_f, in_f = w.shape
    qmax = 2 ** bits - 1
    dead = torch.diag(h) == 0
    h[dead, dead] = 1
    w[:, dead] = 0
    if act_order:
        perm = torch.argsort(-torch.diag(h), stable=True)
    else:
        perm = torch.arange(in_f)
    w = w[:, perm]
    h = h[perm][:, perm]
    h += damp * torch.mean(torch.diag(h)) * torch.eye(in_f, dtype=torch.float64)
    u = torch.linalg.cholesky(torch.cholesky_inverse(torch.linalg.cholesky(h)), upper=True)
    groups = in_f // group
    codes = torch.zeros(out_f, in_f, dtype=torch.float64)
    scales = torch.zeros(out_f, groups, dtype=torch.float64)
    zeros = torch.zeros(out_f, groups, dtype=torch.float64)
    for i1 in range(0, in_f, block):
        i2 = min(i1 + block, in_f)
        w1 = w[:, i1:i2].clone()
        err = torch.zeros(out_f, i2 - i1, dtype=torch.float64)
        for i in range(i2 - i1):
            c = i1 + i
            g = c // group
            if c % group == 0:
                grp = w[:, c:c + group]
                lo = torch.clamp(grp.min(1).values, max=0)
                hi = torch.clamp(grp.max(1).values, min=0)
                both = (lo == 0) & (hi == 0)
                lo[both] = -1
                hi[both] = 1
                s = ((hi - lo) / qmax).float().half().double()
                scales[:, g] = s
                zeros[:, g] = torch.clamp(torch.round(-lo / s), 0, qmax)
            s = scales[:, g]
            z = zeros[:, g]
            x = w1[:, i]
            q = torch.clamp(torch.round(x / s) + z, 0, qmax)
            codes[:, c] = q
            e = (x - s * (q - z)) / u[c, c]
            w1[:, i + 1:] -= e.unsqueeze(1) * u[c, c + 1:i2].unsqueeze(0)
            err[:, i] = e
        w[:, i2:] -= err @ u[i1:i2, i2:]
    g_idx = torch.empty(in_f, dtype=torch.int64)
    g_idx[perm] = torch.arange(in_f) // group
    inv = torch.argsort(perm)
    return codes[:, inv].long(), scales.float(), zeros.long(), g_idx


def dequantize(codes, scales, zeros, g_idx):
    # fp32, scale * (q - zero), as the checkpoint stands for it
    return scales[:, g_idx] * (codes - zeros[:, g_idx]).float()


def tokens(seed, rows, length):
    rng = np.random.default_rng(seed)
    return rng.integers(2, 1024, size=(rows, length)).astype(np.int32)


def capture_inputs(model, layer, calibration):
    """The inputs of layer `layer`'s projections over all calibration tokens, (N, in) fp32 each."""
    seen = {name: [] for name in PROJ}
    handles = []
    block = model.model.layers[layer]
    for name in PROJ:
        module = block.get_submodule(name)
        handles.append(module.register_forward_pre_hook(
            lambda mod, args, name=name: seen[name].append(args[0].detach().reshape(-1, args[0].shape[-1]))))
    with torch.no_grad():
        for row in calibration:
            model(torch.tensor(row[None, :], dtype=torch.long))
    for hnd in handles:
        hnd.remove()
    return {name: torch.cat(v) for name, v in seen.items()}


def hessian_of(x):
    x = x.double()
    return 2.0 / x.shape[0] * (x.T @ x)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    torch.manual_seed(0)
    model = LlamaForCausalLM.from_pretrained(args.model, dtype=torch.float32, attn_implementation="eager").eval()
    calibration = tokens(11, 8, 48)
    probe = tokens(12, 2, 16)
    state = read_safetensors(os.path.join(args.model, "model.safetensors"))
    config = json.load(open(os.path.join(args.model, "config.json")))

    folder = os.path.join(args.out, "llama_gptq4_torch")
    os.makedirs(folder, exist_ok=True)
    tensors = {k: v for k, v in state.items() if not k.endswith("_proj.weight")}
    reference = {}
    layer_case = {}
    for layer in range(config["num_hidden_layers"]):
        inputs = capture_inputs(model, layer, calibration)
        if layer == 0:
            down = model.model.layers[0].mlp.down_proj.weight.detach().clone()
            layer_case["inputs"] = inputs["mlp.down_proj"].numpy().astype(np.float32)
            layer_case["weight"] = down.numpy().astype(np.float32)
            for bits in (2, 4):
                for act in (0, 1):
                    c, s, z, g = gptq(down, hessian_of(inputs["mlp.down_proj"]), bits, GROUP, DAMP, bool(act))
                    layer_case[f"codes_{bits}_{act}"] = c.numpy().astype(np.int32)
                    layer_case[f"scales_{bits}_{act}"] = s.numpy().astype(np.float32)
                    layer_case[f"zeros_{bits}_{act}"] = z.numpy().astype(np.int32)
                    layer_case[f"g_idx_{bits}_{act}"] = g.numpy().astype(np.int32)
        block = model.model.layers[layer]
        for name in PROJ:
            linear = block.get_submodule(name)
            codes, scales, zeros, g_idx = gptq(linear.weight.detach(), hessian_of(inputs[name]), BITS, GROUP, DAMP, True)
            deq = dequantize(codes, scales, zeros, g_idx)
            with torch.no_grad():
                linear.weight.copy_(deq)
            module = f"model.layers.{layer}.{name}"
            reference[module + ".weight"] = deq.numpy().astype(np.float32)
            tensors[module + ".qweight"] = pack_rows(codes.numpy().T.astype(np.uint32), BITS)
            tensors[module + ".qzeros"] = pack_rows(zeros.numpy().astype(np.uint32), BITS).T.copy()
            tensors[module + ".scales"] = scales.numpy().T.astype(np.float16).copy()
            tensors[module + ".g_idx"] = g_idx.numpy().astype(np.int32)
    with torch.no_grad():
        logits = model(torch.tensor(probe, dtype=torch.long)).logits
    reference["logits"] = logits.numpy().astype(np.float32)
    reference["probe"] = probe
    reference["calibration"] = calibration
    write_safetensors(os.path.join(folder, "model.safetensors"), tensors)
    write_safetensors(os.path.join(folder, "reference.safetensors"), reference)
    write_safetensors(os.path.join(args.out, "layer_case.safetensors"), layer_case)
    qconfig = dict(config)
    qconfig["quantization_config"] = {"quant_method": "gptq", "bits": BITS, "group_size": GROUP, "desc_act": True,
                                      "sym": False, "checkpoint_format": "gptq_v2", "damp_percent": DAMP}
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump(qconfig, f, indent=2)
    print("torch", torch.__version__, "wrote", folder, "max |logit|", float(logits.abs().max()))


if __name__ == "__main__":
    main()
