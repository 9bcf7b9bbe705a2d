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
lens_all = table("p3_decoding", ["model_id", "task", "norm", "component", "position", "layer", "mrr_t1", "mrr_yt"])
lens_all = lens_all[(lens_all["norm"] == "final_scale") & (lens_all["component"] == "resid_post")
                    & (lens_all["position"] == -1)]
for column in ("mrr_t1", "mrr_yt"):
    lens_all[column] = pd.to_numeric(lens_all[column], errors="coerce")
lens = lens_all.dropna(subset=["mrr_t1"])   # the two-hop prompts; factual probes (no t1) are drawn below
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
## Factual probes under the lens

The same lens over single-hop factual probes (mLAMA layout; task = `LANG/PID`): the layer at which the object's first
token becomes decodable, per relation.
"""),
    ("code", """
facts = lens_all[lens_all["mrr_t1"].isna()]
fig, ax = plt.subplots(figsize=(6, 3.5))
for (model, task), c in facts.groupby(["model_id", "task"]):
    c = c.sort_values("layer")
    ax.plot(c["layer"], c["mrr_yt"], marker=".", label=f"{model} {task}")
ax.set(xlabel="layer", ylabel="MRR of the object's first token")
if not facts.empty:
    ax.legend(fontsize=6, ncol=2)
facts.groupby(["model_id", "layer"])["mrr_yt"].mean().unstack("layer")
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

PAD = [
    ("markdown", """
# PAD: preference-aligned distillation

Gu, Li, Huang, Zou, Li, Hu, *Capturing Nuanced Preferences: Preference-Aligned Distillation for Small Language
Models*, Findings of ACL 2025 (arXiv 2502.14272). The student's mean log-likelihood of a response is its reward; the
Plackett–Luce distributions over all rankings of a prompt's responses under the student's and the teacher's rewards
are matched (Jensen–Shannon). This notebook reads the tables of `pad-distill` (docs/tables.md, "PAD"): by default the
demo's run, teacher `dense_instruct` into student `dense_small` on the world instructions, against a plain-KD student
on the same responses.
"""),
    ("code", SETUP),
    ("markdown", """
## Training curves

The optimized loss of both students per step, and PAD's ranking diagnostics: the JS divergence of the two ranking
distributions (in [0, log 2]), the mean Kendall τ between student and teacher rewards, and the fraction of prompts
whose student prefers the teacher-best over the teacher-worst response (the paper's reward accuracy).
"""),
    ("code", """
steps = table("pad_train_step", ["model_id", "student", "train_step", "loss", "loss_js", "kendall_tau_mean", "reward_acc"])
for c in ["train_step", "loss", "loss_js", "kendall_tau_mean", "reward_acc"]:
    steps[c] = pd.to_numeric(steps[c], errors="coerce")
fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.5))
for student, c in steps.groupby("student"):
    c = c.groupby("train_step")["loss"].mean()
    left.plot(c.index, c.values, marker="o", label=student)
left.set(xlabel="step", ylabel="loss", title="optimized loss")
left.legend()
pad = steps[steps["student"] == "pad"].groupby("train_step")[["loss_js", "kendall_tau_mean", "reward_acc"]].mean()
for column, label in [("loss_js", "JS"), ("kendall_tau_mean", "Kendall τ"), ("reward_acc", "reward accuracy")]:
    right.plot(pad.index, pad[column], marker="o", label=label)
right.axhline(np.log(2), color="grey", linestyle=":", label="log 2")
right.set(xlabel="step", title="PAD: agreement with the teacher's ranking")
right.legend(fontsize=8)
plt.tight_layout()
"""),
    ("markdown", """
## Evaluation: teacher, student before, PAD student, plain-KD student

Greedy exact match and response NLL on the held-out instructions. The paper's judged benchmarks (AlpacaEval 2,
Arena-Hard, MT-Bench) need a judge model; these are the task figures the world models allow.
"""),
    ("code", """
evaluation = table("pad_eval", ["model_id", "model", "metric", "value", "n_items"])
evaluation["value"] = pd.to_numeric(evaluation["value"])
order = ["teacher", "student_before", "student_pad", "student_kd"]
pivot = evaluation.pivot_table(index="model", columns="metric", values="value").reindex([o for o in order if o in set(evaluation["model"])])
fig, axes = plt.subplots(1, len(pivot.columns), figsize=(4.5 * max(1, len(pivot.columns)), 3.2), squeeze=False)
for ax, metric in zip(axes[0], pivot.columns):
    ax.bar(pivot.index, pivot[metric])
    ax.set(title=metric)
    ax.tick_params(axis="x", rotation=30)
plt.tight_layout()
pivot
"""),
]

SWING = [
    ("markdown", """
# Swing distillation: privacy-preserving knowledge distillation

Li, Wu, Dong, Wu, Bian, Xiong, *Swing Distillation: A Privacy-Preserving Knowledge Distillation Framework*
(arXiv 2212.08349). Each token position gets its own distillation temperature from the likelihood that it carries
private information, and the teacher's soft targets get noise; the student should learn the task without the
teacher's secrets. Exposure (Carlini et al. 2019) measures how much a model memorised the canaries planted in the
teacher's data. This notebook reads the tables of `swing-distill` (docs/tables.md): by default the demo's run.
"""),
    ("code", SETUP),
    ("markdown", """
## Canary exposure per model

Mean exposure over the canaries, in bits (0 = no leakage, log2 |R| = the secret ranked first), for the teacher, the
student before distillation, the plain-KD student and the swing student. The extrapolated exposure (a skew-normal fit
to the candidates' log-perplexities) keeps separating secrets once the sampled rank saturates.
"""),
    ("code", """
exposure = table("swing_exposure", ["model_id", "model_role", "example_id", "exposure", "exposure_extrapolated", "secret_lp"])
for c in ["exposure", "exposure_extrapolated", "secret_lp"]:
    exposure[c] = pd.to_numeric(exposure[c], errors="coerce")
order = ["teacher", "student_before", "student_kd", "student_swing"]
means = exposure.groupby("model_role")[["exposure", "exposure_extrapolated", "secret_lp"]].mean()
means = means.reindex([o for o in order if o in means.index])
ax = means[["exposure", "exposure_extrapolated"]].plot.bar(figsize=(6, 3.5), rot=20)
ax.set(ylabel="bits", title="mean canary exposure")
means
"""),
    ("markdown", """
## Exposure at the task loss it costs

The paper's claim is less exposure than plain KD at a similar task quality. Each point is a model: its response NLL
on the held-out instructions against its mean canary exposure.
"""),
    ("code", """
task = table("swing_task_eval", ["model_id", "model_role", "metric", "value"])
task["value"] = pd.to_numeric(task["value"])
nll = task[task["metric"] == "response_nll"].groupby("model_role")["value"].mean()
fig, ax = plt.subplots(figsize=(5, 3.5))
for role in means.index:
    if role in nll.index:
        ax.scatter(nll[role], means.loc[role, "exposure"], s=60)
        ax.annotate(role, (nll[role], means.loc[role, "exposure"]), textcoords="offset points", xytext=(5, 5))
ax.set(xlabel="response NLL (nats per token)", ylabel="mean exposure (bits)")
plt.tight_layout()
"""),
]

FEWFEDWEIGHT = [
    ("markdown", """
# FewFedWeight: federated few-shot learning across tasks

Dong, Wu, Li, Wu, Bian, Xiong, *FewFedWeight: Few-shot Federated Learning Framework across Multiple NLP Tasks*
(arXiv 2212.08354). The job `fewfedweight` runs federated rounds in which every client is one task with a few labelled
examples; FewFedWeight adds pseudo data from the global model, energy weights of the pseudo samples and adaptive
aggregation weights, FedAvg weighs clients by data size (docs/methods/fewfedweight.md; tables in docs/tables.md,
"FewFedWeight and FedAvg"). By default the demo's run: dense_small federated over the six world instruction categories.
"""),
    ("code", SETUP),
    ("markdown", """
## The global model round by round

The mean score (token likelihood by default) of the global model on the clients' test splits after r aggregations;
round 0 is the pretrained model, the last round scores the final aggregate.
"""),
    ("code", """
rounds = table("fed_round_global", ["model", "agg_method", "setting", "round", "mean_test_global", "mean_dev_global",
                                    "weight_entropy", "mean_dev_gain", "tasks_improved_frac", "state_sha256"])
for column in ("mean_test_global", "mean_dev_global", "weight_entropy", "mean_dev_gain", "tasks_improved_frac"):
    rounds[column] = pd.to_numeric(rounds[column], errors="coerce")
rounds["score"] = rounds["mean_test_global"].fillna(rounds["mean_dev_global"])
fig, axes = plt.subplots(1, 2, figsize=(11, 3.6))
for method, c in rounds.sort_values("round").groupby("agg_method"):
    axes[0].plot(c["round"], c["score"], marker="o", label=method)
    t = c.dropna(subset=["weight_entropy"])
    axes[1].plot(t["round"], t["weight_entropy"], marker="s", label=method)
axes[0].set(xlabel="round (after r aggregations)", ylabel="mean test score of the global model")
axes[1].set(xlabel="round", ylabel="entropy of π (nats)")
for ax in axes:
    ax.legend()
plt.tight_layout()
rounds.pivot_table(index="round", columns="agg_method", values="score")
"""),
    ("markdown", """
## Aggregation weights and the clients' gains

π_k per client and round: FedAvg's are the data shares; FewFedWeight's follow the gain a_k − a_k^g of the local
model over the received global model on the client's dev set.
"""),
    ("code", """
clients = table("fed_round_client", ["agg_method", "round", "client_id", "agg_weight", "dev_score_local",
                                     "dev_score_global", "energy_mean", "w_min", "w_max"])
for column in ("agg_weight", "dev_score_local", "dev_score_global", "energy_mean", "w_min", "w_max"):
    clients[column] = pd.to_numeric(clients[column], errors="coerce")
trained = clients.dropna(subset=["agg_weight"])
trained.pivot_table(index=["agg_method", "round"], columns="client_id", values="agg_weight")
"""),
    ("markdown", """
## Pseudo samples: energy and weight

Lower energy (a more confident global model) gives a larger weight; weights average to 1 within a client before
clipping at w-max.
"""),
    ("code", """
pseudo = table("fed_pseudo_samples", ["round", "client_id", "pseudo_output", "energy", "weight_unclipped", "weight"])
for column in ("energy", "weight_unclipped", "weight"):
    pseudo[column] = pd.to_numeric(pseudo[column], errors="coerce")
fig, ax = plt.subplots(figsize=(6, 3.6))
for client, c in pseudo.groupby("client_id"):
    ax.scatter(c["energy"], c["weight"], label=client, s=14)
ax.set(xlabel="energy of the pseudo sample (nats)", ylabel="weight (clipped)")
ax.legend(fontsize=7)
"""),
    ("markdown", """
## Final client models against independent few-shot fine-tuning

Each client's final model is its best local model on its dev set across rounds; the baseline is FedAvg's round-0
local model (few-shot fine-tuning from the pretrained model alone). The paper's summary figures: the share of tasks
improved and the mean improvement rate.
"""),
    ("code", """
final = table("fed_task_final", ["task", "metric", "score_baseline", "score_fedavg", "score_method", "improvement_rate",
                                 "improvement_rate_fedavg"])
for column in ("score_baseline", "score_fedavg", "score_method", "improvement_rate", "improvement_rate_fedavg"):
    final[column] = pd.to_numeric(final[column], errors="coerce")
print("tasks improved by FewFedWeight:", (final["improvement_rate"] > 0).mean(), "mean improvement rate:",
      final["improvement_rate"].mean())
final
"""),
]

MOE = [
    ("markdown", """
# MoE cross-level knowledge attribution

Li, Wang, Zhou, Jiang, Liu, Hu, *Decoding Knowledge Attribution in Mixture-of-Experts: A Framework of
Basic-Refinement Collaboration and Efficiency Analysis*, ACL 2025 (arXiv 2505.24593). This notebook redraws the
paper's views from the tables of the jobs `moe-attribution` and `expert-blocking` (docs/tables.md, "MoE cross-level
attribution"; method: docs/methods/moe-attribution.md): by default the demo's run, on the world models `moe_deep`
(Qwen2-MoE layout, shared expert) and `moe_shallow` (OLMoE layout) and the world capital/continent facts.
"""),
    ("code", SETUP + """
from nstables import latest_run_of

RUN_P1 = latest_run_of("p1_layer_lpi")
RUN_BLOCK = latest_run_of("p1_blocking")
print(f"moe-attribution run {RUN_P1}, expert-blocking run {RUN_BLOCK}")
"""),
    ("markdown", """
## Attribution by layer (Table 1, the basic-refinement picture)

The mean LPI of each layer's attention sublayer and FFN/MoE block. The paper reads the MoE models' FFN gains as
"mid-activation, late-amplification"; η = FFNGain / L is the per-layer efficiency.
"""),
    ("code", """
layers = table("p1_layer_lpi", ["model_id", "task", "sample_id", "layer", "sublayer", "lpi"], RUN_P1)
means = layers.groupby(["model_id", "sublayer", "layer"])["lpi"].mean().reset_index()
models = sorted(means["model_id"].unique())
fig, axes = plt.subplots(1, max(1, len(models)), figsize=(5 * max(1, len(models)), 3.4), squeeze=False)
for ax, model in zip(axes[0], models):
    for sub, c in means[means["model_id"] == model].groupby("sublayer"):
        ax.plot(c["layer"], c["lpi"], marker="o", label=sub)
    ax.axhline(0, color="grey", linewidth=0.5)
    ax.set(title=model, xlabel="layer", ylabel="mean LPI (nats)")
    ax.legend()
plt.tight_layout()
table("p1_model_summary", ["model", "report", "task", "n_samples", "n_layers", "ffn_gain", "attn_gain", "peak_gain_pos",
                           "layer_eff", "mrr", "hit10"], RUN_P1)
"""),
    ("code", """
table("p1_stage_share", ["model", "report", "stage_name", "layer_from", "layer_to", "share", "positive_share"], RUN_P1)
"""),
    ("markdown", """
## Expert usage and expert attribution

Which routed experts the last prompt position selects (share of samples) and their mean LPI where selected.
"""),
    ("code", """
experts = table("p1_expert_lpi", ["model_id", "layer", "expert_id", "expert_type", "selected", "lpi"], RUN_P1)
routed = experts[experts["expert_type"] == "routed"].copy()
routed["selected"] = routed["selected"].astype(bool)
routed["lpi"] = routed["lpi"].astype(float)
for model, r in routed.groupby("model_id"):
    usage = r.pivot_table(index="layer", columns="expert_id", values="selected", aggfunc="mean")
    gain = r[r["selected"]].pivot_table(index="layer", columns="expert_id", values="lpi", aggfunc="mean")
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.4))
    for ax, m, title in ((axes[0], usage, "usage (share of samples)"), (axes[1], gain, "mean LPI where selected")):
        im = ax.imshow(m.values.astype(float), aspect="auto", cmap="viridis")
        ax.set(title=f"{model}: {title}", xlabel="expert", ylabel="MoE layer", xticks=range(m.shape[1]),
               xticklabels=m.columns, yticks=range(m.shape[0]), yticklabels=m.index)
        fig.colorbar(im, ax=ax)
    plt.tight_layout()
"""),
    ("markdown", """
## Heads and the head–expert coupling (step 9)

The mean head LPI by layer and head; the pooled and across-layer correlations between the heads' positive LPI mass
and the selected experts' (the paper: r = 0.68, p < 0.001).
"""),
    ("code", """
heads = table("p1_head_lpi", ["model_id", "layer", "head", "lpi"], RUN_P1)
for model, h in heads.groupby("model_id"):
    m = h.pivot_table(index="layer", columns="head", values="lpi", aggfunc="mean")
    fig, ax = plt.subplots(figsize=(5, 3.2))
    lim = float(np.nanmax(np.abs(m.values))) if m.size else 1.0
    im = ax.imshow(m.values.astype(float), aspect="auto", cmap="RdBu_r", vmin=-lim, vmax=lim)
    ax.set(title=f"{model}: mean head LPI", xlabel="head", ylabel="layer")
    fig.colorbar(im, ax=ax)
table("p1_head_expert_corr", ["model", "task", "definition", "n", "pearson_r", "pearson_p", "spearman_r", "spearman_p"],
      RUN_P1)
"""),
    ("markdown", """
## Causal checks: head inhibition, forced routing, and integrated gradients of the router logits

`p1_causal` holds (i) the router mass on the originally selected experts and the MRR with the top heads zeroed,
(ii) the MRR recovered by forcing the original routing, and the share of the router-logit integrated gradients
carried by those heads. The heat map is (iii): the mean IG of each router's selected-expert logit on each head.
"""),
    ("code", """
causal = table("p1_causal", ["model_id", "task", "check", "metric", "value"], RUN_BLOCK)
display(causal.pivot_table(index=["model_id", "check", "metric"], columns="task", values="value", aggfunc="first"))
ig = table("p1_router_ig", ["model_id", "layer", "expert", "head_layer", "head", "ig"], RUN_BLOCK)
for model, g in ig.groupby("model_id"):
    g = g.assign(router=g["layer"].astype(str) + ":" + g["expert"].astype(str),
                 source=g["head_layer"].astype(int) * 1000 + g["head"].astype(int))
    m = g.pivot_table(index="router", columns="source", values="ig", aggfunc="mean")
    fig, ax = plt.subplots(figsize=(8, 0.25 * m.shape[0] + 1.5))
    lim = float(np.nanmax(np.abs(m.values))) if m.size else 1.0
    im = ax.imshow(m.values.astype(float), aspect="auto", cmap="RdBu_r", vmin=-lim, vmax=lim)
    ax.set(title=f"{model}: router-logit IG on the heads", xlabel="head (layer:head)", ylabel="router (layer:expert)",
           xticks=range(m.shape[1]), xticklabels=[f"{c // 1000}:{c % 1000}" for c in m.columns],
           yticks=range(m.shape[0]), yticklabels=m.index)
    ax.tick_params(axis="x", labelrotation=90, labelsize=6)
    fig.colorbar(im, ax=ax)
"""),
    ("markdown", """
## Expert blocking (Table 5) against the random control

MRR drop with the top-k (layer, expert) pairs by aggregated LPI blocked, in both modes, against k random pairs.
"""),
    ("code", """
blocking = table("p1_blocking", ["model_id", "task", "selection", "mode", "k", "mrr_orig", "mrr", "mrr_drop_pct"], RUN_BLOCK)
drops = blocking.groupby(["model_id", "mode", "k", "selection"])["mrr_drop_pct"].mean().unstack("selection")
if not drops.empty:
    drops.plot.bar(figsize=(8, 3.4), ylabel="MRR drop (%)", title="top-k experts vs random control")
drops
"""),
]

NEURONS = [
    ("markdown", """
# Knowledge neurons and privacy neurons

Dai, Dong, Hao, Sui, Chang, Wei, *Knowledge Neurons in Pretrained Transformers*, ACL 2022 (arXiv 2104.08696), and
Wu, Li, Xu, Dong, Wu, Bian, Xiong, *DEPN: Detecting and Editing Privacy Neurons in Pretrained Language Models*,
EMNLP 2023 (arXiv 2310.20138). This notebook redraws their main figures from the tables of the jobs
`neuron-attribution`, `privacy-neurons` and `exposure` (docs/tables.md): by default the demo's run, where the dense
world model holds planted phone numbers seen 1 to 32 times in training.
"""),
    ("code", SETUP),
    ("markdown", """
## Exposure against repetitions, before and after editing the privacy neurons

Exposure (Carlini et al.) is log2 |R| − log2 rank of the secret among every candidate of its format: the more often a
number was seen, the higher it ranks. DEPN zeroes the top-voted privacy neurons; exposure should fall, most for the
secrets seen most often (DEPN's Table 6).
"""),
    ("code", """
ev = table("privacy_eval", ["model_id", "z", "record_id", "repetitions", "exposure_before", "exposure_after"])
ev = ev.dropna(subset=["repetitions"])
if ev.empty:
    print("no privacy_eval rows with repetition counts in this run")
else:
    fig, ax = plt.subplots(figsize=(6, 3.5))
    first = ev[ev["z"] == ev["z"].min()].groupby("repetitions")["exposure_before"].mean()
    ax.plot(first.index, first.values, marker="o", color="black", label="before editing")
    for z, rows in ev.groupby("z"):
        after = rows.groupby("repetitions")["exposure_after"].mean()
        ax.plot(after.index, after.values, marker="s", linestyle="--", label=f"after editing z = {z}")
    ax.set(xscale="log", xlabel="repetitions in training", ylabel="mean exact exposure (bits)")
    ax.legend()
    plt.tight_layout()
"""),
    ("markdown", """
## What the edit costs, and the memorisation screen

Held-out perplexity before and after each edit (utility), and how many records DEPN's screen (C5) calls memorised.
"""),
    ("code", """
edits = table("privacy_edits", ["model_id", "z", "n_neurons", "mean_exposure_before", "mean_exposure_after",
                                "heldout_ppl_before", "heldout_ppl_after", "n_memorized_before", "n_memorized_after"])
edits.sort_values(["model_id", "z"])
"""),
    ("markdown", """
## Where the neurons sit: attribution by layer

DEPN finds privacy neurons concentrated in the top layers; the knowledge neurons of Dai et al. also sit mostly in the
upper FFN layers. Left: the privacy neurons that got votes, per layer. Right: the knowledge neurons per layer and the
mean summed attribution of each layer (which, by completeness, is that layer's probability drop).
"""),
    ("code", """
votes = table("privacy_neuron_votes", ["model_id", "layer", "votes", "selection_rank"])
kn = table("knowledge_neurons", ["model_id", "language", "uuid", "layer"])
diag = table("kn_ig_diagnostics", ["model_id", "language", "layer", "sum_attr"])
fig, axes = plt.subplots(1, 2, figsize=(11, 3.5))
if not votes.empty:
    for model, rows in votes.groupby("model_id"):
        counts = rows.groupby("layer").size()
        axes[0].bar(counts.index.astype(int), counts.values, alpha=0.6, label=model)
    axes[0].legend()
axes[0].set(title="privacy neurons with votes", xlabel="layer", ylabel="neurons")
if not kn.empty:
    for (model, language), rows in kn.groupby(["model_id", "language"]):
        counts = rows.groupby("layer").size()
        axes[1].plot(counts.index.astype(int), counts.values, marker="o", label=f"{model} {language}: knowledge neurons")
if not diag.empty:
    twin = axes[1].twinx()
    for (model, language), rows in diag.groupby(["model_id", "language"]):
        mean = rows.groupby("layer")["sum_attr"].mean()
        twin.plot(mean.index.astype(int), mean.values, linestyle=":", label=f"{model} {language}: mean summed attribution")
    twin.set_ylabel("mean summed attribution")
axes[1].set(title="knowledge neurons by layer", xlabel="layer", ylabel="neurons")
axes[1].legend(fontsize=7)
plt.tight_layout()
"""),
    ("markdown", """
## Knowledge-neuron overlap between languages (LRP2, B6.2)

Per relation, the 20 neurons per layer most often among a prompt's top 20; the overlap of two languages' sets is
higher for the same relation than for different ones. With `condition = lrp2` the non-English language was
attributed under its LRP2 projection (the paper: the overlap with English grows).
"""),
    ("code", """
ov = table("kn_overlap", ["model_id", "language_a", "language_b", "condition", "same_relation", "overlap"])
if ov.empty:
    print("no kn_overlap rows in this run")
else:
    summary = ov.groupby(["model_id", "language_a", "language_b", "condition", "same_relation"])["overlap"].mean()
    print(summary.unstack("same_relation"))
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

SPARCOM = [
    ("markdown", """
# SPARCOM: instruction-specific neurons and experts

Zhang, Gao, Yan, Li, Hou, Tao, Liu, Dai, Hei, Li, Hu, *Unveiling Instruction-Specific Neurons & Experts: An
Analytical Framework for LLM's Instruction-Following Capabilities*, arXiv 2505.21191 (2025): which FFN neurons (ISN) and routed experts (ISE) an instruction category uses, how
general or unique those sets are across categories, and how fine-tuning moves them. This notebook reads the tables of
`sparse-components` and `sparse-components-compare` (docs/tables.md, "SPARCOM"; method: docs/methods/sparcom.md): by
default the demo's run, on the world instructions in the HexaInst layout.
"""),
    ("code", SETUP),
    ("code", """
from nstables import latest_run_of

run = latest_run_of("p2_layer_dist")
dist = table("p2_layer_dist", ["model", "category", "eps", "kind", "layer", "frac"], run)
dist["frac"] = pd.to_numeric(dist["frac"], errors="coerce")
for (model, kind), rows in dist.groupby(["model", "kind"]):
    fig, ax = plt.subplots(figsize=(6, 3.4))
    for category, c in rows.groupby("category"):
        c = c.sort_values("layer")
        ax.plot(c["layer"], c["frac"], marker="o", label=category)
    ax.set(title=f"{model}: {kind} share per layer", xlabel="layer", ylabel="fraction of the layer's components")
    ax.legend(fontsize=7)
dist.pivot_table(index=["model", "kind", "layer"], columns="category", values="frac")
"""),
    ("markdown", """
## Overlap between categories

Jaccard similarity of the categories' top-ε sets: high off-diagonal values mean shared (general) components.
"""),
    ("code", """
overlap = table("p2_overlap", ["model", "eps", "kind", "cat_a", "cat_b", "jaccard"], run)
overlap["jaccard"] = pd.to_numeric(overlap["jaccard"], errors="coerce")
for (model, kind), rows in overlap.groupby(["model", "kind"]):
    grid = rows.pivot_table(index="cat_a", columns="cat_b", values="jaccard")
    fig, ax = plt.subplots(figsize=(4.6, 4))
    image = ax.imshow(grid.values, vmin=0, vmax=1, cmap="viridis")
    ax.set(title=f"{model}: {kind} Jaccard", xticks=range(len(grid.columns)), yticks=range(len(grid.index)))
    ax.set_xticklabels(grid.columns, rotation=60, fontsize=7)
    ax.set_yticklabels(grid.index, fontsize=7)
    fig.colorbar(image, ax=ax)
overlap.head()
"""),
    ("markdown", """
## Generality and uniqueness

Per category, the share of its set that every category uses (general) and that no other category uses (unique).
"""),
    ("code", """
gu = table("p2_gen_uniq", ["model", "eps", "kind", "category", "n_set", "generality_ratio", "uniqueness_ratio"], run)
for column in ("n_set", "generality_ratio", "uniqueness_ratio"):
    gu[column] = pd.to_numeric(gu[column], errors="coerce")
per_category = gu[gu["category"] != "ALL"]
for (model, kind), rows in per_category.groupby(["model", "kind"]):
    x = np.arange(len(rows))
    fig, ax = plt.subplots(figsize=(6, 3.4))
    ax.bar(x - 0.2, rows["generality_ratio"], width=0.4, label="general")
    ax.bar(x + 0.2, rows["uniqueness_ratio"], width=0.4, label="unique")
    ax.set(title=f"{model}: {kind}", xticks=x, ylabel="fraction of the category's set")
    ax.set_xticklabels(rows["category"], rotation=45, fontsize=7)
    ax.legend()
gu
"""),
    ("markdown", """
## Fine-tuning: expert routing shift

`sparse-components-compare`: how often each routed expert is chosen after tuning minus before, per layer.
"""),
    ("code", """
shift_run = latest_run_of("p2_expert_shift")
shift = table("p2_expert_shift", ["base_model", "tuned_model", "category", "layer", "expert_id", "delta_freq"], shift_run)
shift["delta_freq"] = pd.to_numeric(shift["delta_freq"], errors="coerce")
pooled = shift[shift["category"] == "ALL"]
for (base, tuned), rows in pooled.groupby(["base_model", "tuned_model"]):
    grid = rows.pivot_table(index="layer", columns="expert_id", values="delta_freq")
    bound = max(1e-9, float(np.nanmax(np.abs(grid.values))))
    fig, ax = plt.subplots(figsize=(6, 3.4))
    image = ax.imshow(grid.values, cmap="RdBu_r", vmin=-bound, vmax=bound, aspect="auto")
    ax.set(title=f"{base} → {tuned}: routing frequency change", xlabel="expert", ylabel="layer")
    fig.colorbar(image, ax=ax)
shift.head()
"""),
]

for name, cells in (("internal-cot", INTERNAL_COT), ("fine-line", FINE_LINE), ("lrp2", LRP2), ("pad", PAD), ("swing", SWING), ("fewfedweight", FEWFEDWEIGHT), ("moe-attribution", MOE), ("neurons", NEURONS), ("lota-qaf", LOTA_QAF), ("sparcom", SPARCOM)):
    Path(f"{name}.ipynb").write_text(json.dumps(notebook(name, cells), indent=1, ensure_ascii=False) + "\n")
