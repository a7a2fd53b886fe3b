#!/usr/bin/env python3
"""The PyTorch-from-Python side of scripts/bench-lm: the same random 4.5M-parameter Llama (vocab 512,
hidden 256, 6 layers, 8 heads, 4 KV heads, SwiGLU 688, tied head) written the way transformers'
LlamaForCausalLM computes it (eager attention, repeat_kv, DynamicCache-style torch.cat KV cache),
timed on a batched forward pass (8 x 256) and cached greedy generation (batch 1 and 8, 16 prompt +
128 new tokens), under torch.no_grad / inference_mode.

Usage: /usr/bin/python3 scripts/bench-lm-torch.py [--threads N] [--repeats N]
"""
import argparse
import math
import time

import torch

V, H, I, L, NH, NKV, P = 512, 256, 688, 6, 8, 4, 512
D = H // NH


def build(seed=1):
    g = torch.Generator().manual_seed(seed)
    r = lambda *s: torch.randn(*s, generator=g) * 0.02
    w = {"embed": r(V, H), "norm": torch.ones(H), "layers": []}
    for _ in range(L):
        w["layers"].append(dict(n1=torch.ones(H), n2=torch.ones(H), q=r(H, H), k=r(NKV * D, H), v=r(NKV * D, H),
                                o=r(H, H), gate=r(I, H), up=r(I, H), down=r(H, I)))
    inv = 1.0 / (10000 ** (torch.arange(0, D, 2).float() / D))
    f = torch.outer(torch.arange(P).float(), inv)
    emb = torch.cat((f, f), -1)
    w["cos"], w["sin"] = emb.cos(), emb.sin()
    return w


def rms(x, wt):
    return wt * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-5))


def rot(x):
    return torch.cat((-x[..., D // 2:], x[..., : D // 2]), -1)


def forward(w, ids, pos, mask, cache):
    B, T = ids.shape
    x = torch.nn.functional.embedding(ids, w["embed"])
    cos, sin = w["cos"][pos][:, None], w["sin"][pos][:, None]
    for l, lw in enumerate(w["layers"]):
        h = rms(x, lw["n1"])
        q = torch.nn.functional.linear(h, lw["q"]).view(B, T, NH, D).transpose(1, 2)
        k = torch.nn.functional.linear(h, lw["k"]).view(B, T, NKV, D).transpose(1, 2)
        v = torch.nn.functional.linear(h, lw["v"]).view(B, T, NKV, D).transpose(1, 2)
        q = q * cos + rot(q) * sin
        k = k * cos + rot(k) * sin
        if cache is not None:
            if cache[l] is not None:
                k = torch.cat((cache[l][0], k), 2)
                v = torch.cat((cache[l][1], v), 2)
            cache[l] = (k, v)
        S = k.shape[2]
        k = k[:, :, None].expand(B, NKV, NH // NKV, S, D).reshape(B, NH, S, D)
        v = v[:, :, None].expand(B, NKV, NH // NKV, S, D).reshape(B, NH, S, D)
        a = torch.softmax(torch.matmul(q, k.transpose(2, 3)) / math.sqrt(D) + mask, -1)
        x = x + torch.nn.functional.linear(torch.matmul(a, v).transpose(1, 2).reshape(B, T, H), lw["o"])
        h = rms(x, lw["n2"])
        x = x + torch.nn.functional.linear(
            torch.nn.functional.silu(torch.nn.functional.linear(h, lw["gate"])) * torch.nn.functional.linear(h, lw["up"]),
            lw["down"])
    return torch.nn.functional.linear(rms(x, w["norm"]), w["embed"])


def causal(T, past=0):
    m = torch.full((T, past + T), torch.finfo(torch.float32).min)
    return torch.triu(m, diagonal=past + 1)[None, None]


def generate(w, prompts, new):
    B, T = prompts.shape
    cache = [None] * L
    logits = forward(w, prompts, torch.arange(T).expand(B, T), causal(T), cache)
    out = []
    for s in range(new):
        nxt = logits[:, -1].argmax(-1, keepdim=True)
        out.append(nxt)
        if s == new - 1:
            break
        past = T + s
        logits = forward(w, nxt, torch.full((B, 1), past), torch.zeros(1, 1, 1, past + 1), cache)
    return torch.cat(out, 1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--repeats", type=int, default=3)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    w = build()
    g = torch.Generator().manual_seed(2)
    with torch.inference_mode():
        ids = torch.randint(3, V, (8, 256), generator=g)
        for rep in range(-1, a.repeats):
            t0 = time.perf_counter()
            forward(w, ids, torch.arange(256).expand(8, 256), causal(256), None)
            s = time.perf_counter() - t0
            if rep >= 0:
                print("torch forward 8x256: %.0f tokens/s (%.3f s)" % (8 * 256 / s, s))
        for b in (1, 8):
            prompts = torch.randint(3, V, (b, 16), generator=g)
            prompts[:, 0] = 1
            for rep in range(-1, a.repeats):
                t0 = time.perf_counter()
                out = generate(w, prompts, 128)
                s = time.perf_counter() - t0
                if rep >= 0:
                    print("torch generate batch %d, 16+128: %.0f new tokens/s (%.3f s)" % (b, out.numel() / s, s))
    # one full training update (AdamW) on 8 x 256 tokens: next-token NLL of positions 1..255, as LmBench
    ids = ids.clone()  # a normal tensor: the inference-mode one cannot be saved for backward
    params = [w["embed"], w["norm"]] + [t for layer in w["layers"] for t in layer.values()]
    for t in params:
        t.requires_grad_(True)
    opt = torch.optim.AdamW(params, lr=1e-4, weight_decay=0.0)
    for rep in range(-1, a.repeats):
        t0 = time.perf_counter()
        opt.zero_grad()
        logits = forward(w, ids, torch.arange(256).expand(8, 256), causal(256), None)
        loss = torch.nn.functional.cross_entropy(logits[:, :-1].reshape(-1, V), ids[:, 1:].reshape(-1))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        s = time.perf_counter() - t0
        if rep >= 0:
            print("torch train step (full, AdamW) 8x256: %.0f tokens/s (%.3f s)" % (8 * 256 / s, s))


if __name__ == "__main__":
    print("torch", torch.__version__)
    main()
