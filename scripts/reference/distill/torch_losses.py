"""PyTorch reference for the distillation losses of NeuroSweep (swing-distill and pad-distill), written from the
method spec's formulas (not from the Java code): values, and gradients with respect to the STUDENT LOGITS by
autograd, in float64 (on the GPU when there is one, else on the CPU).

Cases, all on small fixed inputs (3 sin(a k + b) over the flat index k, so that nothing random is stored twice):
  kd            plain KD:  mean over counted rows of (1-λ) CE(y_t, softmax(z^S)) + λ τ² KL(softmax(z^T/τ) ‖ softmax(z^S/τ))
  swing         swing, noise off: τ_t = τ_low + ρ_t (τ_high − τ_low); λ_t = 1 where ρ_t > 0.5 (label dropped)
  swing_noise   swing with a FIXED noise tensor η (given in the JSON) added to the teacher logits at every row
  swing_noise_private  the same η, applied only to the private rows (ρ_t > 0.5)
  pad_js        PAD, student logits (b·n, T, V) → ℓ_S = mean log-prob of the response tokens → r_S = β ℓ_S;
                teacher rewards r_T = β (α ℓ_T + (1 − α) m) from the MCQ pairs (the MCQ variant, α = 0.5);
                JS between the Plackett–Luce distributions over all n! rankings, mean over prompts
  pad_vanilla   −log P(π_T | r_S), π_T = argsort(r_T) descending (ties → lower index), mean over prompts
  pad_js_mcq_only  α = 0: the teacher reward is β m alone (the released configuration)
and checks: the spec's golden G5 (JS, vanilla) and G6 (MCQ scores) recomputed here.

Writes torch_reference.json under $OUT (or --out, or next to this script). Its copy
core/src/test/resources/distill/torch_reference.json is what TorchReferenceTest compares the Java losses with.
"""
import argparse
import itertools
import json
import math
import os

import torch

IGNORE = -100
DT = torch.float64


def fixed(shape, a, b):
    n = math.prod(shape)
    return (3.0 * torch.sin(a * torch.arange(n, dtype=DT) + b)).reshape(shape)


# ---------------------------------------------------------------- token-level KD / swing
def token_loss(student, teacher, targets, tau, lam):
    """student, teacher (n, V); targets (n) with IGNORE; tau, lam (n). Mean over counted rows."""
    counted = targets != IGNORE
    t = tau.unsqueeze(1)
    log_q = torch.log_softmax(teacher / t, dim=1)
    log_p_tau = torch.log_softmax(student / t, dim=1)
    kl = (log_q.exp() * (log_q - log_p_tau)).sum(dim=1)
    log_p = torch.log_softmax(student, dim=1)
    safe = torch.where(counted, targets, torch.zeros_like(targets))
    ce = -log_p.gather(1, safe.unsqueeze(1)).squeeze(1)
    per_row = (1 - lam) * ce + lam * tau ** 2 * kl
    return (per_row * counted).sum() / counted.sum()


def swing_tau_lambda(rho, tau_low=2.0, tau_high=20.0, lam=0.5, threshold=0.5):
    tau = tau_low + rho * (tau_high - tau_low)
    lam_t = torch.where(rho > threshold, torch.ones_like(rho), torch.full_like(rho, lam))
    return tau, lam_t


# ---------------------------------------------------------------- PAD
def pl_log_probs(u, perms):
    """u (b, n) → log P(π | u) (b, n!) for every ranking π (best first), perms in lexicographic order."""
    idx = torch.tensor(perms, device=u.device)                       # (n!, n)
    ordered = u[:, idx]                                              # (b, n!, n)
    # suffix log-sum-exp: LSE(u_π(k), …, u_π(n)) for every k
    suffix = torch.logcumsumexp(ordered.flip(-1), dim=-1).flip(-1)
    return (ordered - suffix).sum(-1)


def js(lp, lq):
    log_m = torch.logaddexp(lp, lq) - math.log(2)
    return 0.5 * (lp.exp() * (lp - log_m)).sum(-1) + 0.5 * (lq.exp() * (lq - log_m)).sum(-1)


def teacher_ranking(r):
    """descending, ties → lower index"""
    return tuple(sorted(range(len(r)), key=lambda j: (-r[j], j)))


def mcq_scores(n, p_a, p_b):
    """c_i = 1e-8 + Σ_{pairs ∋ i} p(i wins), m_i = log(c_i / (n − 1)); pairs (i, j), i < j, lexicographic."""
    c = [1e-8] * n
    for k, (i, j) in enumerate(itertools.combinations(range(n), 2)):
        c[i] += p_a[k]
        c[j] += p_b[k]
    return [math.log(x / (n - 1)) for x in c]


def targets_of(sequences, prompt_lengths, width):
    """Position j of a row predicts token j + 1; it counts iff token j + 1 is a response token (index ≥ prompt
    length, and ≥ 1) — the spec's 'response tokens only', end-of-turn token included; padding never counts."""
    rows = []
    for toks, plen in zip(sequences, prompt_lengths):
        row = [IGNORE] * width
        for j in range(max(1, plen) - 1, len(toks) - 1):
            row[j] = toks[j + 1]
        rows.append(row)
    return rows


def mean_log_probs(logits, targets):
    """logits (B, T, V), targets (B, T) → ℓ (B): mean log-prob of the counted targets of each row."""
    counted = targets != IGNORE
    safe = torch.where(counted, targets, torch.zeros_like(targets))
    lp = torch.log_softmax(logits, dim=-1).gather(-1, safe.unsqueeze(-1)).squeeze(-1)
    return (lp * counted).sum(-1) / counted.sum(-1)


def pad_loss(logits, targets, teacher_rewards, beta, n, kind):
    perms = list(itertools.permutations(range(n)))
    r_s = beta * mean_log_probs(logits, targets).reshape(-1, n)
    lp = pl_log_probs(r_s, perms)
    if kind == "js":
        lq = pl_log_probs(teacher_rewards, perms)
        return js(lp, lq).mean()
    picks = [perms.index(teacher_ranking(r.tolist())) for r in teacher_rewards]
    return -lp[torch.arange(len(picks), device=lp.device), torch.tensor(picks, device=lp.device)].mean()


def value_and_grad(fn, x):
    x = x.clone().requires_grad_(True)
    loss = fn(x)
    loss.backward()
    return {"loss": loss.item(), "grad": x.grad.cpu().tolist()}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.environ.get("OUT", os.path.dirname(os.path.abspath(__file__))))
    args = ap.parse_args()
    dev = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    out = {"device": str(dev), "torch": torch.__version__, "dtype": "float64"}

    # ---- token-level
    student = fixed((6, 9), 0.7, 0.3).to(dev)
    teacher = fixed((6, 9), 1.3, 1.1).to(dev)
    targets = torch.tensor([3, IGNORE, 0, 5, 2, 8], device=dev)
    rho = torch.tensor([0.0, 0.0, 1.0, 0.3, 1.0, 0.6], dtype=DT, device=dev)
    g = torch.Generator(device="cpu").manual_seed(14)
    # η ~ Laplace(0, b), b = 0.5: the difference of two unit exponentials, scaled
    eta = 0.5 * (torch.empty(6, 9, dtype=DT).exponential_(generator=g) - torch.empty(6, 9, dtype=DT).exponential_(generator=g))
    eta = eta.to(dev)
    out["token"] = {"student": student.cpu().tolist(), "teacher": teacher.cpu().tolist(), "targets": targets.cpu().tolist(),
                    "rho": rho.cpu().tolist(), "noise": eta.cpu().tolist(), "kd_tau": 2.0, "kd_lambda": 0.5,
                    "tau_low": 2.0, "tau_high": 20.0, "lambda": 0.5, "private_threshold": 0.5}
    out["kd"] = value_and_grad(lambda s: token_loss(s, teacher, targets, torch.full_like(rho, 2.0), torch.full_like(rho, 0.5)), student)
    tau, lam = swing_tau_lambda(rho)
    out["swing"] = value_and_grad(lambda s: token_loss(s, teacher, targets, tau, lam), student)
    out["swing_noise"] = value_and_grad(lambda s: token_loss(s, teacher + eta, targets, tau, lam), student)
    private = (rho > 0.5).to(DT).unsqueeze(1)
    out["swing_noise_private"] = value_and_grad(lambda s: token_loss(s, teacher + eta * private, targets, tau, lam), student)
    # the soft targets' invariants: Σq = 1 per row; entropy non-decreasing in τ
    q = torch.softmax((teacher + eta) / tau.unsqueeze(1), dim=1)
    out["swing_targets_row_sums"] = q.sum(1).cpu().tolist()

    # ---- PAD: 2 prompts × n = 4 responses, vocabulary 7
    n, vocab, beta, alpha = 4, 7, 10.0, 0.5
    prompts = [[1, 4, 2], [5, 3]]
    responses = [[[6, 2, 0], [3, 3], [2, 5, 1, 0], [4]],
                 [[1, 1, 6], [0, 2], [5], [3, 6, 2, 4, 0]]]
    sequences, plens = [], []
    for p, rs in zip(prompts, responses):
        for r in rs:
            sequences.append(p + r)
            plens.append(len(p))
    width = max(len(s) for s in sequences)
    tgt = torch.tensor(targets_of(sequences, plens, width), device=dev)
    logits = (fixed((len(sequences), width, vocab), 0.37, 0.5) / 2).to(dev)
    # teacher side: mean log-probs ℓ_T (fixed numbers) and the MCQ pairs (p_A, p_B) of the 6 pairs per prompt
    teacher_avg_logp = [[-1.2, -2.0, -0.7, -1.5], [-0.9, -1.1, -3.0, -0.4]]
    p_a = [[0.7, 0.6, 0.9, 0.4, 0.8, 0.55], [0.2, 0.5, 0.3, 0.6, 0.45, 0.1]]
    p_b = [[0.2, 0.3, 0.05, 0.5, 0.1, 0.4], [0.7, 0.4, 0.6, 0.3, 0.5, 0.85]]
    m = [mcq_scores(n, a, b) for a, b in zip(p_a, p_b)]
    t_mix = torch.tensor([[beta * (alpha * lt + (1 - alpha) * mi) for lt, mi in zip(lts, ms)]
                          for lts, ms in zip(teacher_avg_logp, m)], dtype=DT, device=dev)
    t_mcq = torch.tensor([[beta * mi for mi in ms] for ms in m], dtype=DT, device=dev)
    out["pad"] = {"n": n, "beta": beta, "alpha": alpha, "prompts": prompts, "responses": responses,
                  "targets": tgt.cpu().tolist(), "logits": logits.cpu().tolist(),
                  "teacher_avg_logp": teacher_avg_logp, "p_a": p_a, "p_b": p_b, "mcq_scores": m,
                  "teacher_rewards": t_mix.cpu().tolist(),
                  "student_rewards": (beta * mean_log_probs(logits, tgt)).reshape(-1, n).cpu().tolist()}
    out["pad_js"] = value_and_grad(lambda z: pad_loss(z, tgt, t_mix, beta, n, "js"), logits)
    out["pad_vanilla"] = value_and_grad(lambda z: pad_loss(z, tgt, t_mix, beta, n, "vanilla"), logits)
    out["pad_js_mcq_only"] = value_and_grad(lambda z: pad_loss(z, tgt, t_mcq, beta, n, "js"), logits)

    # ---- golden values of the spec (G5, G6), recomputed as a check of this script
    perms = list(itertools.permutations(range(4)))
    g_s = torch.tensor([[0.2, -0.1, 0.5, 0.0]], dtype=DT, device=dev)
    g_t = torch.tensor([[1.0, 0.0, -1.0, 0.5]], dtype=DT, device=dev)
    lp = pl_log_probs(g_s, perms)
    out["golden_check"] = {
        "js": js(lp, pl_log_probs(g_t, perms)).item(),
        "vanilla": -lp[0, perms.index(teacher_ranking(g_t[0].tolist()))].item(),
        "mcq_g6": mcq_scores(4, [0.7, 0.6, 0.9, 0.4, 0.8, 0.55], [0.2, 0.3, 0.05, 0.5, 0.1, 0.4]),
    }
    assert abs(out["golden_check"]["js"] - 0.188959280) < 1e-8, out["golden_check"]
    assert abs(out["golden_check"]["vanilla"] - 3.668823399) < 1e-8, out["golden_check"]
    assert all(abs(a - b) < 1e-6 for a, b in zip(out["golden_check"]["mcq_g6"], [-0.310155, -0.762140, -0.798508, -1.696449]))

    os.makedirs(args.out, exist_ok=True)
    target = os.path.join(args.out, "torch_reference.json")
    with open(target, "w") as f:
        json.dump(out, f, indent=1)
    print("wrote", target, "on", dev, {k: out[k]["loss"] for k in
                                       ("kd", "swing", "swing_noise", "swing_noise_private", "pad_js", "pad_vanilla", "pad_js_mcq_only")})


if __name__ == "__main__":
    main()
