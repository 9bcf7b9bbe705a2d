#!/usr/bin/env python3
"""Write a NeuroSweep reference dump for a Hugging Face checkpoint, so that
`scripts/neurosweep check-model --model DIR --reference FILE` can compare the Java runtime with PyTorch + transformers.

Usage:
    python3 scripts/make-reference.py --model DIR --out reference.safetensors \
        [--prompt TEXT ...] [--greedy-tokens 6] [--ig] [--dtype float32|bfloat16]

Needs: torch, transformers, safetensors (and tokenizers, through transformers). Nothing is downloaded: DIR is a local
folder holding config.json, the weights and tokenizer.json.

The file holds (names and shapes as in docs/reference-format.md; all float tensors fp32):
    input_ids, attention_mask  [B, T] int32   prompts right-padded with the pad token; mask 1 = real token
    embed                      [B, T, d]      token-embedding output
    layer_out.i                [B, T, d]      residual stream after decoder layer i
    ffn_act.i                  [B, T, ffn]    dense models: input of the FFN down projection (the neuron activations)
    attn_probs.i               [B, H, T, T]   attention probabilities (eager attention)
    router_logits.i            [B*T, E]       MoE models: router logits, batch-major
    final_norm                 [B, T, d]      output of the final norm (not for BERT)
    logits                     [B, T, V]      output logits
    greedy_ids                 [n]            prompt 0 followed by --greedy-tokens argmax tokens (full recompute per
                                              step; not for BERT, a masked LM)

Families: Llama, Mistral, Qwen2, Qwen3, Mixtral, Qwen2-MoE, Qwen3-MoE, OLMoE, OLMo-2, GPT-NeoX, Gemma, Gemma-2, BLOOM
(causal LMs) and BERT (masked LM, loaded with AutoModelForMaskedLM).
    ig.layer1, ig.target       [ffn], [1]     with --ig, dense models: integrated gradients of the layer-1 FFN neurons at
                                              the last position of prompt 0, 16 steps, target = argmax there
"""
import argparse
import json
import os
import sys

DEFAULT_PROMPTS = ["The capital of France is", "def add(a, b):\n    return", "import os\nimport sys\n\nclass Foo"]


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", required=True, help="local Hugging Face model folder")
    p.add_argument("--out", required=True, help="output .safetensors file")
    p.add_argument("--prompt", action="append", help="a prompt (repeatable); default: three built-in prompts")
    p.add_argument("--greedy-tokens", type=int, default=6)
    p.add_argument("--ig", action="store_true", help="also write ig.layer1 / ig.target (dense models)")
    p.add_argument("--ig-steps", type=int, default=16)
    p.add_argument("--dtype", choices=["float32", "bfloat16"], default="float32",
                   help="arithmetic of the reference (bfloat16: compare with check-model --tolerance bf16)")
    return p.parse_args()


def decoder_parts(model):
    """(token-embedding module, list of layers, final norm or None) for the supported families.

    The embedding module's output is NeuroSweep's `embed` hook: the token embedding alone (BLOOM: before its
    LayerNorm; BERT: before positions, token types and LayerNorm; Gemma: scaled by sqrt(d), which transformers 5
    does inside the embedding module). BERT has no final norm (its MLM head's transform is not one)."""
    if hasattr(model, "bert"):
        return model.bert.embeddings.word_embeddings, model.bert.encoder.layer, None
    if hasattr(model, "transformer"):
        return model.transformer.word_embeddings, model.transformer.h, model.transformer.ln_f
    base = getattr(model, "model", None) or getattr(model, "gpt_neox", None)
    if base is None:
        sys.exit(f"make-reference: unsupported model class {type(model).__name__}")
    emb = getattr(base, "embed_tokens", None) or getattr(base, "embed_in", None)
    norm = getattr(base, "norm", None) or getattr(base, "final_layer_norm", None)
    return emb, base.layers, norm


def ffn_down(layer):
    """The FFN output projection of a dense layer (its input is the neuron activation vector), or None for MoE layers."""
    if hasattr(layer, "intermediate"):
        return layer.output.dense                    # BERT: the input of output.dense is GELU(intermediate.dense(x))
    mlp = getattr(layer, "mlp", None)
    if mlp is None:
        return None
    return getattr(mlp, "down_proj", None) or getattr(mlp, "dense_4h_to_h", None)


def main():
    args = parse_args()
    import torch
    import transformers
    from safetensors.torch import save_file

    dtype = torch.float32 if args.dtype == "float32" else torch.bfloat16
    tok = transformers.PreTrainedTokenizerFast(tokenizer_file=os.path.join(args.model, "tokenizer.json"))
    config = transformers.AutoConfig.from_pretrained(args.model)
    masked = config.model_type == "bert"
    auto = transformers.AutoModelForMaskedLM if masked else transformers.AutoModelForCausalLM
    model = auto.from_pretrained(args.model, dtype=dtype, attn_implementation="eager").eval()
    cfg = model.config
    prompts = args.prompt or DEFAULT_PROMPTS
    enc = [tok.encode(p, add_special_tokens=False) for p in prompts]
    if any(len(e) == 0 for e in enc):
        sys.exit("make-reference: every prompt must encode to at least one token")
    pad = cfg.pad_token_id if cfg.pad_token_id is not None else (tok.pad_token_id or 0)
    T = max(len(e) for e in enc)
    input_ids = torch.full((len(enc), T), pad, dtype=torch.long)
    mask = torch.zeros((len(enc), T), dtype=torch.long)
    for b, e in enumerate(enc):
        input_ids[b, :len(e)] = torch.tensor(e)
        mask[b, :len(e)] = 1

    emb, layers, norm = decoder_parts(model)
    caps, hooks = {}, []

    def keep(name):
        return lambda m, a, o: caps.__setitem__(name, (o[0] if isinstance(o, tuple) else o).detach().float().clone())

    hooks.append(emb.register_forward_hook(keep("embed")))
    if norm is not None:
        hooks.append(norm.register_forward_hook(keep("final_norm")))
    for i, layer in enumerate(layers):
        hooks.append(layer.register_forward_hook(keep(f"layer_out.{i}")))
        down = ffn_down(layer)
        if down is not None:
            hooks.append(down.register_forward_pre_hook(
                lambda m, a, i=i: caps.__setitem__(f"ffn_act.{i}", a[0].detach().float().clone())))
    kwargs = dict(input_ids=input_ids, attention_mask=mask, output_attentions=True)
    moe = any(hasattr(cfg, k) for k in ("num_local_experts", "num_experts"))
    if moe:
        kwargs["output_router_logits"] = True
    with torch.no_grad():
        out = model(**kwargs)
    for h in hooks:
        h.remove()

    ref = {"input_ids": input_ids.int(), "attention_mask": mask.int(), "logits": out.logits.float()}
    ref.update(caps)
    for i, a in enumerate(out.attentions or []):
        if a is not None:
            ref[f"attn_probs.{i}"] = a.float()
    for i, r in enumerate(getattr(out, "router_logits", None) or []):
        if r is not None:
            ref[f"router_logits.{i}"] = r.float()

    if not masked:  # a masked LM does not generate
        ids = torch.tensor([enc[0]])
        with torch.no_grad():
            for _ in range(args.greedy_tokens):
                nxt = model(input_ids=ids).logits[0, -1].argmax()
                ids = torch.cat([ids, nxt.view(1, 1)], dim=1)
        ref["greedy_ids"] = ids[0].int()

    if args.ig:
        down = ffn_down(layers[1]) if len(layers) > 1 else None
        if down is None:
            sys.exit("make-reference: --ig needs a dense model with at least two layers")
        ref.update(integrated_gradients(torch, model, down, enc[0], args.ig_steps))

    save_file({k: v.contiguous() for k, v in ref.items()}, args.out, metadata={
        "producer": "neurosweep make-reference.py", "torch": torch.__version__,
        "transformers": transformers.__version__, "dtype": args.dtype, "prompts": json.dumps(prompts)})
    print(f"wrote {args.out}: {len(ref)} tensors")


def integrated_gradients(torch, model, down, prompt, steps):
    """IG of the layer-1 FFN neurons at the last prompt position, target = argmax there; straight-line path from 0."""
    x = torch.tensor([prompt])
    pos = len(prompt) - 1
    store = {}
    h = down.register_forward_pre_hook(lambda m, a: store.__setitem__("a", a[0].detach().clone()))
    with torch.no_grad():
        logits = model(input_ids=x).logits[0, pos]
    h.remove()
    target = int(logits.argmax())
    a = store["a"][0, pos].clone()
    total = torch.zeros_like(a)
    for k in range(1, steps + 1):
        scaled = ((k / steps) * a).clone().requires_grad_(True)

        def replace(m, args_):
            t = args_[0].clone()
            t[0, pos] = scaled
            return (t,)

        h = down.register_forward_pre_hook(replace)
        p = torch.softmax(model(input_ids=x).logits[0, pos].float(), -1)[target]
        h.remove()
        g, = torch.autograd.grad(p, scaled)
        total += g
    return {"ig.layer1": (a * total / steps).float(), "ig.target": torch.tensor([target], dtype=torch.int32)}


if __name__ == "__main__":
    main()
