"""Writes the notebooks of this folder from the cell sources below (run it after editing them): python3 make_notebooks.py"""
import json
from pathlib import Path

SETUP = """import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from nstables import OUT, READER, RUN, table

%matplotlib inline
print(f"run {RUN} under {OUT}, read through {READER}")"""


def notebook(name, cells):
    return {"cells": [{"cell_type": kind, "id": f"{name}-{i}", "metadata": {}, "source": src.strip("\n").splitlines(keepends=True),
                       **({"outputs": [], "execution_count": None} if kind == "code" else {})}
                      for i, (kind, src) in enumerate(cells)],
            "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
                         "language_info": {"name": "python"}},
            "nbformat": 4, "nbformat_minor": 5}


INTERNAL_COT = [
    ("markdown", """
# Internal chain-of-thought: layer-wise subtask scheduling

Yang, Li, Xia, Hu, *Internal Chain-of-Thought: Empirical Evidence for Layer-wise Subtask Scheduling in LLMs*,
EMNLP 2025 (arXiv 2505.14530). This notebook redraws the paper's main figures from the tables of the jobs
`context-mask`, `logit-lens` and `cross-task-patch` (docs/tables.md, "Internal chain-of-thought"): by default the
demo's run, on the world corpus's two-hop questions (y_t = the answer, t1 = the bridge entity).
"""),
    ("code", SETUP),
    ("markdown", """
## Layer-from context masking (the X-shape)

The demonstrations are hidden from every layer ≥ ℓ. If the model resolves the first hop (t1) before the second (y_t),
t1 accuracy recovers at earlier ℓ than y_t accuracy: the two curves cross.
"""),
    ("code", """
masking = table("p3_masking", ["model_id", "task", "seed", "layer_from", "acc_t1", "acc_yt"])
curves = masking.groupby(["model_id", "layer_from"])[["acc_t1", "acc_yt"]].mean().reset_index()
models = sorted(curves["model_id"].unique())
fig, axes = plt.subplots(1, len(models), figsize=(5 * len(models), 3.5), squeeze=False)
for ax, model in zip(axes[0], models):
    c = curves[curves["model_id"] == model]
    ax.plot(c["layer_from"], c["acc_t1"], marker="o", label="t1 (bridge)")
    ax.plot(c["layer_from"], c["acc_yt"], marker="s", label="y_t (answer)")
    ax.set(title=model, xlabel="first masked layer ℓ", ylabel="accuracy", ylim=(-0.05, 1.05))
    ax.legend()
plt.tight_layout()
"""),
    ("markdown", """
## Logit lens: which layer decodes which subtask

MRR of the bridge t1 and the answer y_t when the block outputs at the last position are projected through the final
norm (the papers' final-scale lens) and the unembedding. t1 should peak at earlier layers than y_t.
"""),
    ("code", """
lens = table("p3_decoding", ["model_id", "norm", "component", "position", "layer", "mrr_t1", "mrr_yt"])
lens = lens[(lens["norm"] == "final_scale") & (lens["component"] == "resid_post") & (lens["position"] == -1)]
by_layer = lens.groupby(["model_id", "layer"])[["mrr_t1", "mrr_yt"]].mean().reset_index()
models = sorted(by_layer["model_id"].unique())
fig, axes = plt.subplots(1, len(models), figsize=(5 * len(models), 3.5), squeeze=False)
for ax, model in zip(axes[0], models):
    c = by_layer[by_layer["model_id"] == model]
    ax.plot(c["layer"], c["mrr_t1"], marker="o", label="t1 (bridge)")
    ax.plot(c["layer"], c["mrr_yt"], marker="s", label="y_t (answer)")
    ax.set(title=model, xlabel="layer", ylabel="MRR")
    ax.legend()
plt.tight_layout()
peaks = by_layer.loc[by_layer.groupby("model_id")["mrr_t1"].idxmax(), ["model_id", "layer"]].rename(columns={"layer": "t1 peak"})
peaks = peaks.merge(by_layer.loc[by_layer.groupby("model_id")["mrr_yt"].idxmax(), ["model_id", "layer"]]
                    .rename(columns={"layer": "y_t peak"}), on="model_id")
peaks
"""),
    ("markdown", """
## Cross-task patching: where each step's task vector lives

Strength S(l) = (acc_patched − acc_zero) / (acc_icl − acc_zero) of the composite task vector patched at layer l into
zero-shot prompts of each step. The paper's table is the maximum over layers per step; the first step (s1) should
peak at an earlier layer than the second (s2).
"""),
    ("code", """
patching = table("p3_patching", ["model_id", "task", "subtask", "seed", "layer", "strength", "acc_patched"])
for column in ("strength", "acc_patched"):
    patching[column] = pd.to_numeric(patching[column], errors="coerce")
for model, rows in patching.groupby("model_id"):
    # S(l) is undefined (empty) where few-shot prompting does not beat zero-shot; the patched accuracy is always there
    fig, axes = plt.subplots(1, 2, figsize=(13, 0.35 * rows.groupby(["task", "subtask"]).ngroups + 2), squeeze=False)
    for ax, column, title in zip(axes[0], ("strength", "acc_patched"), ("patching strength S(l)", "accuracy patched at l")):
        grid = rows.groupby(["task", "subtask", "layer"])[column].mean().unstack("layer")
        image = ax.imshow(grid.to_numpy(dtype=float), aspect="auto", cmap="viridis")
        ax.set(title=f"{model}: {title}", xlabel="layer l", yticks=range(len(grid)),
               yticklabels=[f"{t} {s}" for t, s in grid.index], xticks=range(len(grid.columns)), xticklabels=grid.columns)
        fig.colorbar(image, ax=ax)
    plt.tight_layout()
best = patching.dropna(subset=["strength"])
best = best.loc[best.groupby(["model_id", "task", "subtask", "seed"])["strength"].idxmax()]
best.groupby(["model_id", "task", "subtask"]).agg(max_strength=("strength", "mean"), best_layer=("layer", "mean"))
"""),
]

FINE_LINE = [
    ("markdown", """
# The Fine Line: capability dynamics across pretraining checkpoints

Yang, Li et al., *The Fine Line: Navigating Large Language Model Pretraining with Down-streaming Capability
Analysis* (arXiv 2404.01204). The job `checkpoint-eval` scores every checkpoint of a pretraining run on a battery of
benchmarks and summarises the curves (docs/tables.md, "Capability dynamics"). This notebook redraws the paper's
curves of each capability against training tokens, with the phase boundaries t50 and t90 (the progress at which a
curve covers 50% and 90% of its gain), and shows the summary tables.
"""),
    ("code", SETUP),
    ("code", """
scores = table("eval_task_scores", ["model_id", "dataset", "capability_group", "subtask", "metric", "value", "stderr",
                                    "normalized_value", "step", "tokens_seen"])
features = table("trajectory_features", ["series", "benchmark", "subtask", "metric", "t50", "t90", "phase_label",
                                         "gain", "monotonicity"])
curves = scores[(scores["subtask"] == "all") & scores["metric"].isin(["accuracy", "perplexity"])].copy()
curves["progress"] = curves["tokens_seen"].fillna(curves["step"])
curves = curves[curves["progress"] > 0].sort_values("progress")
benchmarks = sorted(curves["dataset"].unique())
fig, axes = plt.subplots(1, len(benchmarks), figsize=(4.2 * len(benchmarks), 3.4), squeeze=False)
for ax, bench in zip(axes[0], benchmarks):
    rows = curves[curves["dataset"] == bench]
    for series, c in rows.groupby("model_id"):
        ax.errorbar(c["progress"], c["value"], yerr=c["stderr"].astype(float).fillna(0), marker="o", label=series)
        f = features[(features["benchmark"] == bench) & (features["series"] == series) & (features["subtask"] == "all")
                     & (features["metric"] == c["metric"].iloc[0])]
        for _, phase in f.iterrows():
            for name, style in (("t50", "--"), ("t90", ":")):
                if pd.notna(phase[name]):
                    ax.axvline(phase[name], color="grey", linestyle=style, label=f"{name} ({phase['phase_label']})")
    ax.set(title=bench, xscale="log", xlabel="tokens seen", ylabel=rows["metric"].iloc[0])
    ax.legend(fontsize=7)
plt.tight_layout()
"""),
    ("markdown", """
## Normalised capability curves

Every benchmark's accuracy as (value − chance) / (1 − chance), so that capability groups share one axis.
"""),
    ("code", """
normalised = scores[(scores["subtask"] == "all") & (scores["metric"] == "accuracy")].copy()
normalised["progress"] = normalised["tokens_seen"].fillna(normalised["step"])
fig, ax = plt.subplots(figsize=(6, 3.6))
for (group, bench), c in normalised.sort_values("progress").groupby(["capability_group", "dataset"]):
    ax.plot(c["progress"], c["normalized_value"].astype(float), marker="o", label=f"{group} ({bench})")
ax.set(xscale="log", xlabel="tokens seen", ylabel="normalised accuracy")
ax.legend(fontsize=8)
features.sort_values(["benchmark", "metric"])
"""),
    ("code", """
table("capability_leadlag", ["series", "group_a", "group_b", "n_checkpoints", "corr_lag0", "best_lag", "corr_best_lag"])
"""),
    ("code", """
table("scaling_fit", ["series", "target", "form", "e", "a", "alpha", "r2", "n_points"])
"""),
]

LRP2 = [
    ("markdown", """
# LRP2: language representation projection

Xu, Li, Xiong, *Language Representation Projection: Can We Transfer Factual Knowledge across Languages in
Multilingual Language Models?*, EMNLP 2023 (arXiv 2311.03788). The job `lrp2` shifts a query's residual stream
towards English after block i (LIRP) and back after block j (LSRP), choosing (i, j) per language on dev facts; the
job `mlama-probe` is the plain factual probe (docs/tables.md, "Factual probing and LRP2"). This notebook redraws the
paper's comparison of probe accuracy per language with and without LRP2, the layer-pair grid and the cross-lingual
similarity of representations by layer.
"""),
    ("code", SETUP),
    ("code", """
summary = table("lrp2_summary", ["model_id", "language", "best_lirp", "best_lsrp", "accuracy_base", "accuracy_lrp2",
                                 "gap_base", "gap_lrp2"])
for model, rows in summary.groupby("model_id"):
    rows = rows.sort_values("language")
    x = np.arange(len(rows))
    fig, ax = plt.subplots(figsize=(6, 3.4))
    ax.bar(x - 0.2, rows["accuracy_base"].astype(float), width=0.4, label="without LRP2")
    ax.bar(x + 0.2, rows["accuracy_lrp2"].astype(float), width=0.4, label="with LRP2")
    ax.set(title=f"{model}: probe accuracy per language (test facts)", xticks=x, xticklabels=rows["language"],
           ylabel="accuracy")
    ax.legend()
summary
"""),
    ("markdown", """
## The layer-pair grid

Dev accuracy of every (LIRP layer i, LSRP layer j) pair per language; the chosen pair is the maximum.
"""),
    ("code", """
grid = table("lrp2_grid", ["model_id", "language", "lirp_layer", "lsrp_layer", "accuracy"]).dropna(subset=["lirp_layer"])
pairs = list(grid.groupby(["model_id", "language"]))
fig, axes = plt.subplots(1, len(pairs), figsize=(3.6 * len(pairs), 3.2), squeeze=False)
for ax, ((model, language), rows) in zip(axes[0], pairs):
    matrix = rows.pivot_table(index="lirp_layer", columns="lsrp_layer", values="accuracy")
    image = ax.imshow(matrix.to_numpy(dtype=float), origin="lower", cmap="viridis")
    ax.set(title=f"{model}, {language}", xlabel="LSRP layer j", ylabel="LIRP layer i",
           xticks=range(len(matrix.columns)), xticklabels=matrix.columns.astype(int),
           yticks=range(len(matrix.index)), yticklabels=matrix.index.astype(int))
    fig.colorbar(image, ax=ax)
plt.tight_layout()
"""),
    ("markdown", """
## Representations by layer

Mean cosine between a query's representation and that of the parallel English query, per layer, without and with
the language's projection.
"""),
    ("code", """
similarity = table("lrp2_layer_similarity", ["model_id", "language", "layer", "lirp_layer", "mean_cosine_base",
                                             "mean_cosine_lrp2"]).dropna(subset=["lirp_layer"])
fig, ax = plt.subplots(figsize=(6, 3.6))
for (model, language), c in similarity.sort_values("layer").groupby(["model_id", "language"]):
    line, = ax.plot(c["layer"], c["mean_cosine_base"].astype(float), marker="o", label=f"{language} without")
    ax.plot(c["layer"], c["mean_cosine_lrp2"].astype(float), marker="s", linestyle="--", color=line.get_color(),
            label=f"{language} with LRP2")
ax.set(xlabel="layer", ylabel="mean cosine to English")
ax.legend(fontsize=8)
"""),
    ("code", """
probe = table("mlama_accuracy", ["model_id", "language", "mode", "n_facts", "n_correct"])
per_language = probe.groupby(["model_id", "mode", "language"])[["n_correct", "n_facts"]].sum()
per_language["accuracy"] = per_language["n_correct"] / per_language["n_facts"]
per_language
"""),
]

LOTA_QAF = [
    ("markdown", """
# LoTA-QAF: lossless ternary adaptation of quantized models

Chen, Li, Peng, Wang, Ren, Shi, Hu, *LoTA-QAF: Lossless Ternary Adaptation for Quantization-Aware Fine-Tuning*,
NeurIPS 2025 (arXiv 2505.18724), with GPTQ (Frantar et al., arXiv 2210.17323) as the quantizer. This notebook redraws
the paper's comparison from the tables of the jobs `lota-qaf` and `quantize` (docs/tables.md, "LoTA-QAF" and
"Quantization"): how much task accuracy and perplexity the low-bit model loses against the 16-bit one, how much of it
the ternary adaptation (merged into the integer codes) and the fp LoRA baseline recover after the same steps, the
training curves, the merge audit, and GPTQ's calibration error against round-to-nearest's.
"""),
    ("code", SETUP),
    ("markdown", """
## Quantization loss and recovery

Per run (model, bits, group size): exact match and response perplexity of `bf16` (16-bit), `gptq` (quantized, before
adaptation), `lota_merged` (adapted, merged and reloaded) and `lora_gptq` (fp LoRA on the dequantized base). Recovery
of exact match = (adapted − quantized) / (16-bit − quantized); above 1 means the tuning adds beyond the quantization
loss (on the world models the base was not tuned on the task).
"""),
    ("code", """
evals = table("lota_eval", ["model_id", "unit_id", "variant", "bits", "group_size", "metric", "score"])
wide = evals.pivot_table(index=["model_id", "bits", "group_size", "metric"], columns="variant", values="score")
for variant in ("lota_merged", "lora_gptq"):
    if {"bf16", "gptq", variant} <= set(wide.columns):
        wide[f"recovery_{variant}"] = (wide[variant] - wide["gptq"]) / (wide["bf16"] - wide["gptq"])
wide
"""),
    ("code", """
for metric, rows in evals.groupby("metric"):
    runs = rows.groupby(["model_id", "bits", "group_size", "variant"])["score"].mean().unstack("variant")
    order = [v for v in ("bf16", "gptq", "lota_merged", "lora_gptq") if v in runs.columns]
    ax = runs[order].plot.bar(figsize=(7, 3.4), title=metric, rot=0)
    ax.set(xlabel="model, bits, group size", ylabel=metric)
"""),
    ("markdown", """
## Training curves

Loss of the response tokens per t-SignSGD step, and the share of non-zero entries of the ternary factors A and B.
"""),
    ("code", """
steps = table("lota_train_step", ["model_id", "unit_id", "train_step", "loss", "sigma_t", "frac_nonzero_a", "frac_nonzero_b"])
fig, axes = plt.subplots(1, 2, figsize=(11, 3.4))
for (model, unit), c in steps.sort_values("train_step").groupby(["model_id", "unit_id"]):
    axes[0].plot(c["train_step"], c["loss"], label=f"{model} ({unit[:8]})")
    axes[1].plot(c["train_step"], c["frac_nonzero_b"], label=f"B, {unit[:8]}")
axes[0].set(xlabel="step", ylabel="loss, nats")
axes[1].set(xlabel="step", ylabel="share of non-zero entries")
axes[0].legend(fontsize=8)
plt.tight_layout()
"""),
    ("markdown", """
## The merge audit

A lossless merge moves codes by at most one step, never off the grid, and rebuilds the training-time weights exactly,
both from the packed layer and from the reloaded checkpoint.
"""),
    ("code", """
audit = table("lota_merge_audit", ["model_id", "unit_id", "layer_idx", "module", "n_codes_changed", "max_abs_code_change",
                                   "n_codes_out_of_range", "max_abs_diff_weff_vs_merged", "max_abs_diff_reloaded"])
audit.groupby(["model_id", "unit_id"]).agg(layers=("module", "count"), codes_moved=("n_codes_changed", "sum"),
                                           max_step=("max_abs_code_change", "max"),
                                           out_of_range=("n_codes_out_of_range", "sum"),
                                           max_diff_packed=("max_abs_diff_weff_vs_merged", "max"),
                                           max_diff_reloaded=("max_abs_diff_reloaded", "max"))
"""),
    ("markdown", """
## GPTQ against round-to-nearest

Per projection, the mean squared output error on the calibration tokens that GPTQ leaves, against round-to-nearest's
on the same inputs (`quantize` units with `method = gptq`).
"""),
    ("code", """
layers = table("quantize_layer", ["model_id", "method", "bits", "group_size", "layer_idx", "module", "output_error",
                                  "rtn_output_error", "weight_rel_error"])
gptq = layers[layers["method"] == "gptq"].dropna(subset=["output_error"])
if len(gptq):
    fig, ax = plt.subplots(figsize=(5, 4))
    ax.scatter(gptq["rtn_output_error"].astype(float), gptq["output_error"].astype(float), s=12)
    top = float(gptq["rtn_output_error"].max())
    ax.plot([0, top], [0, top], color="grey", linestyle="--", label="GPTQ = RTN")
    ax.set(xscale="log", yscale="log", xlabel="RTN output error", ylabel="GPTQ output error")
    ax.legend()
layers.groupby(["model_id", "method", "bits", "group_size"])[["weight_rel_error", "output_error", "rtn_output_error"]].mean()
"""),
]

for name, cells in (("internal-cot", INTERNAL_COT), ("fine-line", FINE_LINE), ("lrp2", LRP2), ("lota-qaf", LOTA_QAF)):
    Path(f"{name}.ipynb").write_text(json.dumps(notebook(name, cells), indent=1, ensure_ascii=False) + "\n")
