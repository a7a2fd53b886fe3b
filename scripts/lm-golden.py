#!/usr/bin/env python3
"""Reference logits for the finetune module's CausalLm, computed independently in PyTorch.

Writes finetune/src/test/resources/ai/curator/lm/model/{llama,gpt2}-golden.json: a tiny config,
its weights under Hugging Face's names (seeded), a right-padded batch of token ids and the logits of
a forward pass written the way transformers' LlamaForCausalLM (rotate_half RoPE, repeat_kv GQA,
SwiGLU, RMSNorm, q/k/v biases as in Qwen2) and GPT2LMHeadModel (Conv1D [in, out], gelu_new,
LayerNorm, learned positions) compute it. CausalLmGoldenTest compares against these files.

Usage: /usr/bin/python3 scripts/lm-golden.py   (Debian python3-torch; run from the repository root)
"""
import json
import math
import os

import torch

OUT = "finetune/src/test/resources/ai/curator/lm/model"


def llama():
    torch.manual_seed(13)
    cfg = dict(architecture="LLAMA", vocab_size=40, hidden_size=16, intermediate_size=24, num_layers=2,
               num_heads=4, num_kv_heads=2, max_positions=24, norm_eps=1e-5, rope_theta=10000.0,
               tie_word_embeddings=False, attention_bias=True)
    H, I, V = cfg["hidden_size"], cfg["intermediate_size"], cfg["vocab_size"]
    nh, nkv = cfg["num_heads"], cfg["num_kv_heads"]
    D = H // nh
    w = {}

    def r(name, *shape, scale=0.3):
        w[name] = torch.randn(*shape) * scale

    r("model.embed_tokens.weight", V, H, scale=1.0)
    for l in range(cfg["num_layers"]):
        p = f"model.layers.{l}."
        w[p + "input_layernorm.weight"] = 1 + 0.1 * torch.randn(H)
        w[p + "post_attention_layernorm.weight"] = 1 + 0.1 * torch.randn(H)
        r(p + "self_attn.q_proj.weight", nh * D, H)
        r(p + "self_attn.q_proj.bias", nh * D, scale=0.1)
        r(p + "self_attn.k_proj.weight", nkv * D, H)
        r(p + "self_attn.k_proj.bias", nkv * D, scale=0.1)
        r(p + "self_attn.v_proj.weight", nkv * D, H)
        r(p + "self_attn.v_proj.bias", nkv * D, scale=0.1)
        r(p + "self_attn.o_proj.weight", H, nh * D)
        r(p + "mlp.gate_proj.weight", I, H)
        r(p + "mlp.up_proj.weight", I, H)
        r(p + "mlp.down_proj.weight", H, I)
    w["model.norm.weight"] = 1 + 0.1 * torch.randn(H)
    r("lm_head.weight", V, H)

    tokens = [[1, 5, 9, 13, 22, 7, 31, 2, 17, 4], [1, 30, 3, 8, 0, 0, 0, 0, 0, 0]]
    lengths = [10, 4]
    ids = torch.tensor(tokens)
    B, T = ids.shape
    valid = torch.tensor([[t < n for t in range(T)] for n in lengths])

    def rms(x, weight):
        var = x.pow(2).mean(-1, keepdim=True)
        return weight * (x * torch.rsqrt(var + cfg["norm_eps"]))

    def rotate_half(x):
        x1, x2 = x[..., : x.shape[-1] // 2], x[..., x.shape[-1] // 2:]
        return torch.cat((-x2, x1), dim=-1)

    inv_freq = 1.0 / (cfg["rope_theta"] ** (torch.arange(0, D, 2).float() / D))
    pos = torch.arange(T).float()
    freqs = torch.outer(pos, inv_freq)
    emb = torch.cat((freqs, freqs), dim=-1)
    cos, sin = emb.cos()[None, None], emb.sin()[None, None]

    causal = torch.tril(torch.ones(T, T, dtype=torch.bool))
    allowed = causal[None, None] & valid[:, None, None, :]
    mask = torch.zeros(B, 1, T, T).masked_fill(~allowed, torch.finfo(torch.float32).min)

    x = w["model.embed_tokens.weight"][ids]
    for l in range(cfg["num_layers"]):
        p = f"model.layers.{l}."
        h = rms(x, w[p + "input_layernorm.weight"])
        q = torch.nn.functional.linear(h, w[p + "self_attn.q_proj.weight"], w[p + "self_attn.q_proj.bias"])
        k = torch.nn.functional.linear(h, w[p + "self_attn.k_proj.weight"], w[p + "self_attn.k_proj.bias"])
        v = torch.nn.functional.linear(h, w[p + "self_attn.v_proj.weight"], w[p + "self_attn.v_proj.bias"])
        q = q.view(B, T, nh, D).transpose(1, 2)
        k = k.view(B, T, nkv, D).transpose(1, 2)
        v = v.view(B, T, nkv, D).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        rep = nh // nkv
        k = k[:, :, None].expand(B, nkv, rep, T, D).reshape(B, nh, T, D)
        v = v[:, :, None].expand(B, nkv, rep, T, D).reshape(B, nh, T, D)
        att = torch.matmul(q, k.transpose(2, 3)) / math.sqrt(D) + mask
        att = torch.softmax(att, dim=-1)
        o = torch.matmul(att, v).transpose(1, 2).reshape(B, T, H)
        x = x + torch.nn.functional.linear(o, w[p + "self_attn.o_proj.weight"])
        h = rms(x, w[p + "post_attention_layernorm.weight"])
        g = torch.nn.functional.linear(h, w[p + "mlp.gate_proj.weight"])
        u = torch.nn.functional.linear(h, w[p + "mlp.up_proj.weight"])
        x = x + torch.nn.functional.linear(torch.nn.functional.silu(g) * u, w[p + "mlp.down_proj.weight"])
    x = rms(x, w["model.norm.weight"])
    logits = torch.nn.functional.linear(x, w["lm_head.weight"])
    return cfg, w, tokens, lengths, logits


def gpt2():
    torch.manual_seed(7)
    cfg = dict(architecture="GPT2", vocab_size=40, hidden_size=16, intermediate_size=64, num_layers=2,
               num_heads=4, num_kv_heads=4, max_positions=24, norm_eps=1e-5, rope_theta=10000.0,
               tie_word_embeddings=True, attention_bias=True)
    H, I, V, P = cfg["hidden_size"], cfg["intermediate_size"], cfg["vocab_size"], cfg["max_positions"]
    nh = cfg["num_heads"]
    D = H // nh
    w = {}

    def r(name, *shape, scale=0.3):
        w[name] = torch.randn(*shape) * scale

    r("transformer.wte.weight", V, H, scale=1.0)
    r("transformer.wpe.weight", P, H, scale=0.5)
    for l in range(cfg["num_layers"]):
        p = f"transformer.h.{l}."
        w[p + "ln_1.weight"] = 1 + 0.1 * torch.randn(H)
        r(p + "ln_1.bias", H, scale=0.1)
        r(p + "attn.c_attn.weight", H, 3 * H)
        r(p + "attn.c_attn.bias", 3 * H, scale=0.1)
        r(p + "attn.c_proj.weight", H, H)
        r(p + "attn.c_proj.bias", H, scale=0.1)
        w[p + "ln_2.weight"] = 1 + 0.1 * torch.randn(H)
        r(p + "ln_2.bias", H, scale=0.1)
        r(p + "mlp.c_fc.weight", H, I)
        r(p + "mlp.c_fc.bias", I, scale=0.1)
        r(p + "mlp.c_proj.weight", I, H)
        r(p + "mlp.c_proj.bias", H, scale=0.1)
    w["transformer.ln_f.weight"] = 1 + 0.1 * torch.randn(H)
    r("transformer.ln_f.bias", H, scale=0.1)

    tokens = [[3, 14, 15, 9, 26, 5, 35, 8, 9, 7, 9, 3], [2, 7, 18, 28, 18, 0, 0, 0, 0, 0, 0, 0]]
    lengths = [12, 5]
    ids = torch.tensor(tokens)
    B, T = ids.shape
    valid = torch.tensor([[t < n for t in range(T)] for n in lengths])
    causal = torch.tril(torch.ones(T, T, dtype=torch.bool))
    allowed = causal[None, None] & valid[:, None, None, :]
    mask = torch.zeros(B, 1, T, T).masked_fill(~allowed, torch.finfo(torch.float32).min)

    def conv1d(x, name):  # transformers.pytorch_utils.Conv1D: x @ W + b, W [in, out]
        return torch.addmm(w[name + ".bias"], x.reshape(-1, x.shape[-1]), w[name + ".weight"]).view(
            *x.shape[:-1], -1)

    def gelu_new(x):
        return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))

    def ln(x, name):
        return torch.nn.functional.layer_norm(x, (H,), w[name + ".weight"], w[name + ".bias"], cfg["norm_eps"])

    x = w["transformer.wte.weight"][ids] + w["transformer.wpe.weight"][torch.arange(T)][None]
    for l in range(cfg["num_layers"]):
        p = f"transformer.h.{l}."
        h = ln(x, p + "ln_1")
        q, k, v = conv1d(h, p + "attn.c_attn").split(H, dim=2)
        q, k, v = (t.view(B, T, nh, D).transpose(1, 2) for t in (q, k, v))
        att = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(D) + mask
        o = torch.matmul(torch.softmax(att, dim=-1), v).transpose(1, 2).reshape(B, T, H)
        x = x + conv1d(o, p + "attn.c_proj")
        h = ln(x, p + "ln_2")
        x = x + conv1d(gelu_new(conv1d(h, p + "mlp.c_fc")), p + "mlp.c_proj")
    x = ln(x, "transformer.ln_f")
    logits = torch.nn.functional.linear(x, w["transformer.wte.weight"])
    return cfg, w, tokens, lengths, logits


def save(name, cfg, w, tokens, lengths, logits):
    doc = {
        "generator": "scripts/lm-golden.py (torch " + torch.__version__ + ")",
        "config": cfg,
        "tensors": {k: {"shape": list(v.shape), "data": [float("%.9g" % f) for f in v.flatten().tolist()]}
                    for k, v in sorted(w.items())},
        "tokens": tokens,
        "lengths": lengths,
        "logits": [float("%.9g" % f) for f in logits.flatten().tolist()],
    }
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, name), "w") as f:
        json.dump(doc, f, separators=(",", ":"))


if __name__ == "__main__":
    torch.set_default_dtype(torch.float32)
    for name, fn in (("llama-golden.json", llama), ("gpt2-golden.json", gpt2)):
        cfg, w, tokens, lengths, logits = fn()
        save(name, cfg, w, tokens, lengths, logits)
        print(name, "logits", tuple(logits.shape), "max |logit|", float(logits.abs().max()))
