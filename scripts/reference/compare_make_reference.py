#!/usr/bin/env python3
"""Runs scripts/make-reference.py on golden tiny models and compares each new dump with the model's stored
reference.safetensors, tensor by tensor, with the fp32 tolerance of docs/reference-format.md: max |new - stored| /
max |stored| over real positions (attention_mask = 1; for attention probabilities, real query rows) below 1e-4;
integer tensors (input_ids, attention_mask, greedy_ids) must be equal.

Usage (from the repository root, or any folder given --golden):
    python3 scripts/reference/compare_make_reference.py --golden data/golden --out OUT [--ig] FAMILY ...

Writes OUT/<family>.safetensors (the new dumps, with --ig also ig.layer1/ig.target) and OUT/agreement.md, and
exits 1 when a tensor disagrees. Needs torch, transformers and safetensors.
"""
import argparse
import os
import subprocess
import sys

TOLERANCE = 1e-4


def real_mask(name, ref, mask):
    """A boolean mask selecting the real positions of tensor `name`, or None to compare every element."""
    import torch
    m = mask.bool()
    if name.startswith("attn_probs."):                  # [B, H, T, T]: real query rows
        return m[:, None, :, None].expand_as(ref)
    if name.startswith("router_logits."):               # [B*T, E], batch-major
        return m.reshape(-1, 1).expand_as(ref)
    if ref.dim() >= 2 and tuple(ref.shape[:2]) == tuple(m.shape):   # [B, T, ...]
        return m.reshape(*m.shape, *([1] * (ref.dim() - 2))).expand_as(ref)
    return None


def compare(new, stored):
    """(rows of (name, verdict, error)) for the tensors both dumps hold, and the names only one holds."""
    import torch
    rows = []
    mask = stored["attention_mask"]
    for name in sorted(set(new) & set(stored)):
        a, b = new[name], stored[name]
        if a.shape != b.shape:
            rows.append((name, "FAIL", f"shape {tuple(a.shape)} vs stored {tuple(b.shape)}"))
            continue
        if not b.is_floating_point():
            same = torch.equal(a, b)
            rows.append((name, "ok" if same else "FAIL", "equal" if same else "differ"))
            continue
        sel = real_mask(name, b, mask)
        a, b = (a[sel], b[sel]) if sel is not None else (a.flatten(), b.flatten())
        err = ((a.double() - b.double()).abs().max() / b.double().abs().max()).item()
        rows.append((name, "ok" if err < TOLERANCE else "FAIL", f"{err:.2e}"))
    only = sorted(set(new) ^ set(stored))
    return rows, only


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--golden", required=True, help="folder of golden tiny models (each with reference.safetensors)")
    p.add_argument("--out", required=True)
    p.add_argument("--ig", action="store_true", help="pass --ig to make-reference.py (dense models)")
    p.add_argument("--moe", action="append", default=[], help="a family without ig (MoE); repeatable")
    p.add_argument("families", nargs="+")
    args = p.parse_args()
    from safetensors.torch import load_file
    import torch
    import transformers

    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "make-reference.py")
    os.makedirs(args.out, exist_ok=True)
    report = [f"make-reference.py against the stored Hugging Face dumps (torch {torch.__version__}, transformers "
              f"{transformers.__version__}; fp32 tolerance {TOLERANCE:g} over real positions)", ""]
    failed = False
    for family in args.families:
        model = os.path.join(args.golden, family)
        dump = os.path.join(args.out, family + ".safetensors")
        cmd = [sys.executable, script, "--model", model, "--out", dump]
        if args.ig and family not in args.moe:
            cmd.append("--ig")
        run = subprocess.run(cmd, capture_output=True, text=True)
        if run.returncode != 0:
            failed = True
            report += [f"## {family}: make-reference.py failed (exit {run.returncode})", "", "```",
                       (run.stdout + run.stderr)[-3000:], "```", ""]
            continue
        rows, only = compare(load_file(dump), load_file(os.path.join(model, "reference.safetensors")))
        bad = [r for r in rows if r[1] != "ok"]
        failed |= bool(bad)
        worst = max((float(r[2]) for r in rows if r[2][0].isdigit()), default=0.0)
        report += [f"## {family}: {len(rows) - len(bad)}/{len(rows)} tensors agree (largest relative error "
                   f"{worst:.2e})", "", "| tensor | verdict | error |", "|---|---|---|"]
        report += [f"| {n} | {v} | {e} |" for n, v, e in rows]
        report += ["", "only in one dump: " + (", ".join(only) if only else "none"), ""]
    text = "\n".join(report)
    with open(os.path.join(args.out, "agreement.md"), "w") as f:
        f.write(text + "\n")
    print(text)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
