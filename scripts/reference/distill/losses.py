"""Reference values for the distillation losses of NeuroSweep (swing-distill and pad-distill), independent of the
Java code: the losses written directly from their formulas in NumPy (float64), and their gradients with respect to
the student's logits or scores by central finite differences (step 1e-6; truncation error ~1e-10).

Writes reference.json next to this script (or under $OUT): the fixed inputs, then per loss its value and gradient.
Its copy core/src/test/resources/distill/reference.json is what DistillationReferenceTest compares the Java
losses and gradients with.
Run: python3 losses.py   (NumPy only)
"""
import itertools
import json
import math
import os

import numpy as np

IGNORE = -100


def fixed(shape, a, b):
    """Deterministic inputs: 3·sin(a·k + b) over the flat index k."""
    n = int(np.prod(shape))
    return (3.0 * np.sin(a * np.arange(n, dtype=np.float64) + b)).reshape(shape)


def log_softmax(x):
    m = x.max(axis=1, keepdims=True)
    return x - m - np.log(np.exp(x - m).sum(axis=1, keepdims=True))


def logsumexp(x):
    m = x.max()
    return m + math.log(np.exp(x - m).sum())


def token_loss(student, teacher, targets, tau, lam):
    """mean over counted rows of (1-λ_t) CE + λ_t τ_t² KL(softmax(t/τ_t) || softmax(s/τ_t))."""
    total, counted = 0.0, 0
    for r in range(student.shape[0]):
        if targets[r] == IGNORE:
            continue
        counted += 1
        lq = log_softmax(teacher[r:r + 1] / tau[r])[0]
        lp = log_softmax(student[r:r + 1] / tau[r])[0]
        kl = float((np.exp(lq) * (lq - lp)).sum())
        ce = -float(log_softmax(student[r:r + 1])[0, targets[r]])
        total += (1 - lam[r]) * ce + lam[r] * tau[r] ** 2 * kl
    return total / counted


PERMS = {}


def pl_log_probs(u):
    """one score row (n) -> log P(ranking) for every ranking, lexicographic order."""
    n = len(u)
    perms = PERMS.setdefault(n, list(itertools.permutations(range(n))))
    return np.array([sum(u[p[k]] - logsumexp(u[list(p[k:])]) for k in range(n)) for p in perms]), perms


def js_loss(student, teacher):
    total = 0.0
    for s, t in zip(student, teacher):
        lp, _ = pl_log_probs(s)
        lq, _ = pl_log_probs(t)
        log_m = np.logaddexp(lp, lq) - math.log(2)
        total += 0.5 * (np.exp(lp) * (lp - log_m)).sum() + 0.5 * (np.exp(lq) * (lq - log_m)).sum()
    return total / len(student)


def vanilla_loss(student, teacher):
    total = 0.0
    for s, t in zip(student, teacher):
        lp, perms = pl_log_probs(s)
        order = tuple(sorted(range(len(t)), key=lambda j: (-t[j], j)))
        total -= lp[perms.index(order)]
    return total / len(student)


def value_and_grad(fn, x, *rest, step=1e-6):
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[idx] += step
        down[idx] -= step
        grad[idx] = (fn(up, *rest) - fn(down, *rest)) / (2 * step)
    return {"loss": fn(x, *rest), "grad": grad.tolist()}


def main():
    out = {}
    student = fixed((5, 7), 0.7, 0.3)
    teacher = fixed((5, 7), 1.3, 1.1)
    targets = [3, IGNORE, 0, 5, 2]
    rho = np.array([0.0, 0.0, 1.0, 0.3, 1.0])
    out["token"] = {"student": student.tolist(), "teacher": teacher.tolist(), "targets": targets, "rho": rho.tolist()}
    out["kd"] = value_and_grad(token_loss, student, teacher, targets, np.full(5, 2.0), np.full(5, 0.5))
    # swing without noise: τ_t = 2 + ρ_t (20 − 2); λ_t = 1 where ρ_t > 0.5 (labels dropped), else 0.5
    out["swing"] = value_and_grad(token_loss, student, teacher, targets, 2.0 + 18.0 * rho, np.where(rho > 0.5, 1.0, 0.5))

    s = fixed((3, 4), 0.9, 0.2) / 3
    t = fixed((3, 4), 0.4, 2.0) / 3
    out["pad"] = {"student": s.tolist(), "teacher": t.tolist()}
    out["js"] = value_and_grad(js_loss, s, t)
    out["vanilla"] = value_and_grad(vanilla_loss, s, t)
    # the golden value G5 of docs/methods/pad-distill.md, recomputed here as a check of this script
    g_s, g_t = np.array([[0.2, -0.1, 0.5, 0.0]]), np.array([[1.0, 0.0, -1.0, 0.5]])
    out["golden_check"] = {"js": js_loss(g_s, g_t), "vanilla": vanilla_loss(g_s, g_t)}
    target = os.path.join(os.environ.get("OUT", os.path.dirname(os.path.abspath(__file__))), "reference.json")
    with open(target, "w") as f:
        json.dump(out, f, indent=1)
    print("wrote", target, {k: out[k]["loss"] for k in ("kd", "swing", "js", "vanilla")}, out["golden_check"])


if __name__ == "__main__":
    main()
