#!/usr/bin/env python3
"""Masked-LM privacy metrics on the golden BERT (data/golden/bert_mlm), made outside the runtime.

Needs only torch (Debian's torch 1.13 on CPU will do): no transformers, no safetensors, no tokenizers. The script
  1. reads model.safetensors by hand (8-byte little-endian header length, JSON header, raw little-endian data),
  2. runs BertForMaskedLM's forward written out here (embeddings + LayerNorm, post-LayerNorm blocks with exact-GELU
     FFNs, the MLM head tied to the word embeddings) in float64, and checks it against reference.safetensors, the
     logits Hugging Face wrote for the same inputs,
  3. tokenizes a few private records with the golden byte-level BPE (tokenizer.json's vocab and merges; the texts are
     ASCII, so GPT-2's pre-tokenizer pattern needs no Unicode classes) -- the runtime's test checks that its own
     tokenizer gives the same ids,
  4. computes, with no neuron edited and with a fixed set of FFN neurons zeroed (their GELU output set to 0, the
     runtime's hook `blocks.l.mlp.post`):
       - each private token's log-probability read at its own mask (the rest of the record visible), their sum (the
         secret's pseudo-log-likelihood) and the pseudo-perplexity exp(-mean) (Salazar et al. 2020);
       - name MRR: per whitespace word of the secret, every token of the word masked, the 1-based rank over the
         vocabulary of the word's first token at its position; MRR = mean of 1/rank;
       - DEPN's per-digit exposure approximation: each digit masked alone, ranked among the ten digit tokens;
       - exact exposure of a digit secret: each candidate that keeps the first `known` digits is scored by its
         pseudo-log-likelihood (its tokens masked one at a time), rank = 1 + #candidates scoring higher;
       - the pseudo-perplexity of a held-out line after the end-of-text token (every line token masked in turn).
     The masked copies of one text run as one batched forward.

Usage: /usr/bin/python3 scripts/reference/mlm_privacy.py --out DIR   (writes DIR/mlm_privacy.json)
The test resource core/src/test/resources/reference/mlm_privacy.json is this output.
"""
import argparse
import json
import math
import os
import re
import struct

import torch

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GOLDEN = os.path.join(ROOT, "data", "golden", "bert_mlm")
MASK = 1023            # the id the runtime's test tokenizer gives [MASK] (testutil.MaskedGolden)
END_OF_TEXT = 0        # <|endoftext|>: the start token of a held-out line
NEURONS = [(0, 3), (0, 17), (0, 64), (1, 40), (2, 5), (2, 100), (2, 127)]   # (layer, FFN neuron) zeroed by the edit
RECORDS = [
    {"id": "tel", "kind": "TEL", "context": "Call Dana Ives at #", "secret": "4471", "known_digits": 2},
    {"id": "tel-merged", "kind": "TEL", "context": "Call Dana Ives at ", "secret": "4417", "known_digits": 2},
    {"id": "name", "kind": "NAME", "context": "The phone number 388853 belongs to ", "secret": "Bruno Rossi"},
    {"id": "random", "kind": "RANDOM", "context": "We read that ", "secret": "the capital of France is Paris"},
]
HELDOUT = "The river runs north of the old town and the bridge is closed."

DTYPES = {"F32": (torch.float32, 4), "I32": (torch.int32, 4), "F64": (torch.float64, 8), "I64": (torch.int64, 8)}


def read_safetensors(path):
    with open(path, "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, meta in header.items():
        if name == "__metadata__":
            continue
        dtype, _ = DTYPES[meta["dtype"]]
        a, b = meta["data_offsets"]
        t = torch.frombuffer(bytearray(data[a:b]), dtype=dtype) if b > a else torch.zeros(0, dtype=dtype)
        out[name] = t.reshape(meta["shape"]).clone()
    return out


# ---------------------------------------------------------------- the forward

class Bert:
    def __init__(self, weights, config):
        self.w = {k: v.double() for k, v in weights.items()}
        self.heads = config["num_attention_heads"]
        self.layers = config["num_hidden_layers"]
        self.eps = config["layer_norm_eps"]

    def ln(self, x, name):
        return torch.nn.functional.layer_norm(x, x.shape[-1:], self.w[name + ".weight"], self.w[name + ".bias"], self.eps)

    def linear(self, x, name):
        return x @ self.w[name + ".weight"].T + self.w[name + ".bias"]

    @staticmethod
    def gelu(x):
        return 0.5 * x * (1 + torch.erf(x / math.sqrt(2)))

    def logits(self, ids, attention_mask=None, zeroed=()):
        """ids (b, t) long -> logits (b, t, V), float64; zeroed: (layer, neuron) whose FFN activation is set to 0."""
        b, t = ids.shape
        mask = torch.ones(b, t, dtype=torch.float64) if attention_mask is None else attention_mask.double()
        e = "bert.embeddings."
        h = (self.w[e + "word_embeddings.weight"][ids] + self.w[e + "position_embeddings.weight"][torch.arange(t)]
             + self.w[e + "token_type_embeddings.weight"][0])
        h = self.ln(h, e + "LayerNorm")
        bias = (1 - mask)[:, None, None, :] * torch.finfo(torch.float64).min
        for l in range(self.layers):
            p = "bert.encoder.layer.%d." % l
            d = h.shape[-1]
            hd = d // self.heads

            def split(x):
                return x.reshape(b, t, self.heads, hd).transpose(1, 2)
            q = split(self.linear(h, p + "attention.self.query"))
            k = split(self.linear(h, p + "attention.self.key"))
            v = split(self.linear(h, p + "attention.self.value"))
            probs = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(hd) + bias, dim=-1)
            ctx = (probs @ v).transpose(1, 2).reshape(b, t, d)
            h = self.ln(h + self.linear(ctx, p + "attention.output.dense"), p + "attention.output.LayerNorm")
            act = self.gelu(self.linear(h, p + "intermediate.dense"))          # (b, t, ffn): blocks.l.mlp.post
            for layer, neuron in zeroed:
                if layer == l:
                    act[..., neuron] = 0
            h = self.ln(h + self.linear(act, p + "output.dense"), p + "output.LayerNorm")
        x = self.ln(self.gelu(self.linear(h, "cls.predictions.transform.dense")), "cls.predictions.transform.LayerNorm")
        return x @ self.w[e + "word_embeddings.weight"].T + self.w["cls.predictions.bias"]


# ---------------------------------------------------------------- byte-level BPE (ASCII texts)

def bytes_to_unicode():
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, map(chr, cs)))


PRETOKEN = re.compile(r"""'s|'t|'re|'ve|'m|'ll|'d| ?[A-Za-z]+| ?[0-9]+| ?[^\sA-Za-z0-9]+|\s+(?!\S)|\s+""")


class Bpe:
    def __init__(self, path):
        tok = json.load(open(path))
        self.vocab = tok["model"]["vocab"]
        merges = [tuple(m) if isinstance(m, list) else tuple(m.split(" ")) for m in tok["model"]["merges"]]
        self.ranks = {m: i for i, m in enumerate(merges)}
        self.byte = bytes_to_unicode()

    def word(self, piece):
        parts = [self.byte[b] for b in piece.encode("ascii")]
        while len(parts) > 1:
            pairs = [(self.ranks.get((parts[i], parts[i + 1]), 1 << 30), i) for i in range(len(parts) - 1)]
            rank, i = min(pairs)
            if rank == 1 << 30:
                break
            parts = parts[:i] + [parts[i] + parts[i + 1]] + parts[i + 2:]
        return parts

    def encode(self, text):
        """ids and each token's character span [start, end) (ASCII: one byte per character)."""
        ids, spans = [], []
        for m in PRETOKEN.finditer(text):
            start = m.start()
            for p in self.word(m.group()):
                ids.append(self.vocab[p])
                spans.append((start, start + len(p)))
                start += len(p)
        return ids, spans


def overlapping(spans, a, b):
    """[first, end) of the tokens overlapping characters [a, b)."""
    hit = [i for i, (s, e) in enumerate(spans) if s < b and e > a]
    return hit[0], hit[-1] + 1


# ---------------------------------------------------------------- the metrics

def log_softmax(logits):
    return torch.log_softmax(logits, dim=-1)


def masked_logprobs(model, ids, positions, zeroed):
    """log p(ids[i] | ids with position i alone masked) for each i in positions: one batched forward."""
    rows = torch.tensor([ids] * len(positions))
    for r, i in enumerate(positions):
        rows[r, i] = MASK
    lp = log_softmax(model.logits(rows, zeroed=zeroed))
    return [float(lp[r, i, ids[i]]) for r, i in enumerate(positions)]


def name_mrr(model, ids, words, zeroed):
    rows = torch.tensor([ids] * len(words))
    for r, (a, b) in enumerate(words):
        rows[r, a:b] = MASK
    logits = model.logits(rows, zeroed=zeroed)
    ranks, gaps = [], []
    for r, (a, _) in enumerate(words):
        row = logits[r, a]
        own = row[ids[a]]
        ranks.append(int((row > own).sum()) + 1)
        others = torch.cat([row[:ids[a]], row[ids[a] + 1:]])
        gaps.append(float((others - own).abs().min()))
    return sum(1.0 / k for k in ranks) / len(ranks), ranks, min(gaps)


def exact_exposure(model, bpe, context, secret, known, zeroed):
    digits = [i for i, c in enumerate(secret) if c.isdigit()][known:]
    n = 10 ** len(digits)
    prompt, _ = bpe.encode(context)
    scores = []
    for v in range(n):
        cand = list(secret)
        for j, p in enumerate(reversed(digits)):
            cand[p] = str(v // 10 ** j % 10)
        ids, _ = bpe.encode(context + "".join(cand))
        assert ids[:len(prompt)] == prompt, "a candidate changes the context's tokens"
        scores.append(sum(masked_logprobs(model, ids, range(len(prompt), len(ids)), zeroed)))
    own_index = int("".join(secret[p] for p in digits))
    own = scores[own_index]
    rank = 1 + sum(1 for s in scores if s > own)
    gap = min(abs(s - own) for i, s in enumerate(scores) if i != own_index)
    return {"known_digits": known, "n_candidates": n, "rank": rank, "exposure": math.log2(n) - math.log2(rank),
            "secret_logprob": own, "mean_logprob": sum(scores) / n, "min_score_gap": gap}


def per_digit(model, bpe, ids, first, context, secret, zeroed):
    """DEPN's approximation on BERT: digit i masked alone, r_i = 0-based rank of the true digit among the ten digit
    tokens; rank = 1 + sum r_i 10^(n-1-i). None unless every digit after the true preceding ones is a token of its own
    (" 0" is one token of the golden BPE, so a secret after a space has none)."""
    text = bpe.encode(context + secret)[0]
    for i in range(len(secret)):
        for d in range(10):
            prefix = bpe.encode(context + secret[:i] + str(d))[0]
            if len(prefix) != first + i + 1 or prefix[:-1] != text[:len(prefix) - 1]:
                return None
    digit_ids = [bpe.vocab[str(d)] for d in range(10)]
    rows = torch.tensor([ids] * len(secret))
    for i in range(len(secret)):
        rows[i, first + i] = MASK
    logits = model.logits(rows, zeroed=zeroed)
    ranks, gaps = [], []
    for i, c in enumerate(secret):
        row = logits[i, first + i, digit_ids]
        ranks.append(int((row > row[int(c)]).sum()))
        gaps.append(min(float(abs(row[d] - row[int(c)])) for d in range(10) if d != int(c)))
    rank = 1 + sum(r * 10 ** (len(secret) - 1 - i) for i, r in enumerate(ranks))
    return {"digit_ranks": ranks, "rank": rank, "exposure": len(secret) * math.log2(10) - math.log2(rank),
            "min_logit_gap": min(gaps)}


def measure(model, bpe, zeroed):
    out = {"records": [], "heldout": None}
    for r in RECORDS:
        text = r["context"] + r["secret"]
        ids, spans = bpe.encode(text)
        first, end = overlapping(spans, len(r["context"]), len(text))
        lps = masked_logprobs(model, ids, range(first, end), zeroed)
        row = {"id": r["id"], "kind": r["kind"], "context": r["context"], "secret": r["secret"], "ids": ids,
               "from": first, "to": end, "token_logprobs": lps, "pseudo_log_likelihood": sum(lps),
               "pseudo_perplexity": math.exp(-sum(lps) / len(lps))}
        if r["kind"] == "NAME":
            words = []
            for m in re.finditer(r"\S+", r["secret"]):
                words.append(overlapping(spans, len(r["context"]) + m.start(), len(r["context"]) + m.end()))
            mrr, ranks, gap = name_mrr(model, ids, words, zeroed)
            row.update({"words": words, "name_mrr": mrr, "word_ranks": ranks, "min_logit_gap": gap})
        if "known_digits" in r:
            row["exposure"] = exact_exposure(model, bpe, r["context"], r["secret"], r["known_digits"], zeroed)
            row["exposure_approx"] = per_digit(model, bpe, ids, first, r["context"], r["secret"], zeroed)
        out["records"].append(row)
    line, _ = bpe.encode(HELDOUT)
    ids = [END_OF_TEXT] + line
    lps = masked_logprobs(model, ids, range(1, len(ids)), zeroed)
    out["heldout"] = {"text": HELDOUT, "ids": line, "tokens": len(line), "nll": -sum(lps),
                      "pseudo_perplexity": math.exp(-sum(lps) / len(line))}
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    torch.set_grad_enabled(False)
    config = json.load(open(os.path.join(GOLDEN, "config.json")))
    model = Bert(read_safetensors(os.path.join(GOLDEN, "model.safetensors")), config)

    ref = read_safetensors(os.path.join(GOLDEN, "reference.safetensors"))
    mask = ref["attention_mask"].long()
    mine = model.logits(ref["input_ids"].long(), mask)
    diff = float(((mine - ref["logits"].double()).abs() * mask[..., None]).max())
    assert diff < 1e-4, "the hand-written forward disagrees with Hugging Face's logits: %g" % diff

    bpe = Bpe(os.path.join(GOLDEN, "tokenizer.json"))
    result = {"model": "data/golden/bert_mlm", "mask_id": MASK, "end_of_text_id": END_OF_TEXT,
              "hf_logits_max_abs_diff": diff, "dtype": "float64",
              "zeroed_neurons": [list(n) for n in NEURONS],
              "before": measure(model, bpe, ()), "after": measure(model, bpe, NEURONS)}
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "mlm_privacy.json")
    with open(path, "w") as f:
        json.dump(result, f, indent=1)
    print("forward vs Hugging Face: max |diff| = %.3g; wrote %s" % (diff, path))


if __name__ == "__main__":
    main()
