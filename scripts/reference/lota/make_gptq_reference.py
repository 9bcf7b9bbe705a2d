"""GPTQ-layout checkpoints of the golden tiny Llama (data/golden/llama), packed by hand with the loops of GPTQ's
QuantLinear.pack, and the dequantized weights they stand for: the outside reference of the runtime's GPTQ loader.

Only NumPy is needed (safetensors are read and written by hand). For each case (bits, checkpoint_format, act-order)
the 7 projections of every layer are quantized round-to-nearest on GPTQ's asymmetric grid (group size 32, fp16
scales, rounding half to even as torch.round); act-order cases use a random non-contiguous g_idx (each group still has
32 columns). qweight packs Q^T down the input axis and qzeros packs the zeros along the output axis with GPTQ's loops
(2/4/8 bits: 32/b codes per int32, LSB first; 3 bits: 32 codes in 3 words, codes 10 and 21 straddling). v1 ("gptq")
stores zero - 1, so its zeros are kept >= 1. reference.safetensors holds W = scale[g] * (Q - zero[g]) of every
projection (fp32, hub layout (out, in), under the weight's name).

Usage: python3 make_gptq_reference.py data/golden/llama data/golden/gptq
"""
import json
import os
import struct
import sys

import numpy as np

GROUP = 32
U = np.uint32
DTYPES = {"F32": np.float32, "F16": np.float16, "I32": np.int32, "I64": np.int64}


def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        a, b = info["data_offsets"]
        out[name] = np.frombuffer(data[a:b], dtype=DTYPES[info["dtype"]]).reshape(info["shape"])
    return out


def write_safetensors(path, tensors):
    names = {np.dtype(v): k for k, v in DTYPES.items()}
    header = {"__metadata__": {"format": "pt"}}
    offset = 0
    blobs = []
    for name in sorted(tensors):
        arr = np.ascontiguousarray(tensors[name])
        raw = arr.tobytes()
        header[name] = {"dtype": names[arr.dtype], "shape": list(arr.shape), "data_offsets": [offset, offset + len(raw)]}
        offset += len(raw)
        blobs.append(raw)
    text = json.dumps(header).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for raw in blobs:
            f.write(raw)


def pack_rows(codes, bits):
    """codes (rows, cols) uint32 -> packed (rows*bits/32, cols), GPTQ's loop down the rows."""
    rows, cols = codes.shape
    out = np.zeros((rows * bits // 32, cols), dtype=np.uint32)
    i = 0
    row = 0
    if bits in (2, 4, 8):
        while row < out.shape[0]:
            for j in range(i, i + 32 // bits):
                out[row] |= codes[j] << U(bits * (j - i))
            i += 32 // bits
            row += 1
    elif bits == 3:
        while row < out.shape[0]:
            for j in range(i, i + 10):
                out[row] |= codes[j] << U(3 * (j - i))
            i += 10
            out[row] |= codes[i] << U(30)
            row += 1
            out[row] |= (codes[i] >> U(2)) & U(1)
            i += 1
            for j in range(i, i + 10):
                out[row] |= codes[j] << U(3 * (j - i) + 1)
            i += 10
            out[row] |= codes[i] << U(31)
            row += 1
            out[row] |= (codes[i] >> U(1)) & U(3)
            i += 1
            for j in range(i, i + 10):
                out[row] |= codes[j] << U(3 * (j - i) + 2)
            i += 10
            row += 1
    return out.view(np.int32)


def quantize(w, bits, rng, act_order):
    out_f, in_f = w.shape
    qmax = 2 ** bits - 1
    groups = in_f // GROUP
    g_idx = np.arange(in_f, dtype=np.int32) // GROUP
    if act_order:
        perm = rng.permutation(in_f)
        g_idx = np.empty(in_f, dtype=np.int32)
        g_idx[perm] = np.arange(in_f, dtype=np.int32) // GROUP
    scales = np.empty((out_f, groups), dtype=np.float16)
    zeros = np.empty((out_f, groups), dtype=np.int64)
    for g in range(groups):
        wg = w[:, g_idx == g]
        xmin = np.minimum(wg.min(1), np.float32(0))
        xmax = np.maximum(wg.max(1), np.float32(0))
        both = (xmin == 0) & (xmax == 0)
        xmin[both] = -1
        xmax[both] = 1
        s = ((xmax - xmin) / np.float32(qmax)).astype(np.float16)
        scales[:, g] = s
        zeros[:, g] = np.clip(np.round(-xmin / s.astype(np.float32)), 0, qmax).astype(np.int64)
    s_col = scales.astype(np.float32)[:, g_idx]
    z_col = zeros[:, g_idx]
    q = np.clip(np.round(w / s_col).astype(np.int64) + z_col, 0, qmax)
    return q, zeros, scales, g_idx


def main(src, out_root):
    rng = np.random.default_rng(13)
    state = read_safetensors(os.path.join(src, "model.safetensors"))
    config = json.load(open(os.path.join(src, "config.json")))
    for bits, fmt, act_order in [(4, "gptq_v2", False), (3, "gptq", True), (2, "gptq", True), (8, "gptq_v2", True)]:
        folder = os.path.join(out_root, f"llama_gptq{bits}")
        os.makedirs(folder, exist_ok=True)
        tensors = {}
        reference = {}
        for key in sorted(state):
            w = state[key]
            if not key.endswith("_proj.weight"):
                tensors[key] = w
                continue
            module = key[: -len(".weight")]
            q, zeros, scales, g_idx = quantize(w.astype(np.float32), bits, rng, act_order)
            if fmt == "gptq":
                zeros = np.maximum(zeros, 1)
            reference[key] = scales.astype(np.float32)[:, g_idx] * (q - zeros[:, g_idx]).astype(np.float32)
            stored = zeros - 1 if fmt == "gptq" else zeros
            tensors[module + ".qweight"] = pack_rows(q.T.astype(np.uint32), bits)
            tensors[module + ".qzeros"] = pack_rows(stored.astype(np.uint32), bits).T.copy()
            tensors[module + ".scales"] = scales.T.copy()
            tensors[module + ".g_idx"] = g_idx
        write_safetensors(os.path.join(folder, "model.safetensors"), tensors)
        write_safetensors(os.path.join(folder, "reference.safetensors"), reference)
        qconfig = dict(config)
        qconfig["quantization_config"] = {"quant_method": "gptq", "bits": bits, "group_size": GROUP,
                                          "desc_act": act_order, "sym": False, "checkpoint_format": fmt}
        with open(os.path.join(folder, "config.json"), "w") as f:
            json.dump(qconfig, f, indent=2)
        print(folder, fmt, "act-order" if act_order else "contiguous")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
