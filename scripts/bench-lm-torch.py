#!/usr/bin/env python3
"""The PyTorch-from-Python side of scripts/bench-lm: the same models as LmBench, written the way
transformers' LlamaForCausalLM computes them (eager attention, repeat_kv, DynamicCache-style
torch.cat KV cache, tied head), timed on a batched forward pass (8 x min(256, context)), cached
greedy generation (batch 1 and 8, 16 prompt + 128 new tokens) under torch.inference_mode and a full
training update (AdamW, clip 1.0) on the forward's tokens; then the process's peak resident memory
(VmHWM). One model per run:

  random4.5M   a random Llama (vocab 512, hidden 256, 6 layers, 8 heads, 4 KV heads, SwiGLU 688)
  stories260K  Karpathy's pretrained stories260K, read from its llama2.c checkpoint by the numpy
               reader of finetune/src/test/python/stories260k_reference.py; q/k rows permuted to
               the rotate-half order, as the JVM's loader and Hugging Face's converter do

Each measurement first runs untimed for --warmup seconds (at least once), as LmBench does.

Usage: /usr/bin/python3 scripts/bench-lm-torch.py [--threads N] [--repeats N] [--warmup SECONDS]
           [--model random4.5M|stories260K] [--stories FILE]   (run from the repository root)
"""
import argparse
import math
import os
import sys
import time

import torch

RANDOM, STORIES = "random4.5M", "stories260K"


def rope(w, D, P, theta):
    inv = 1.0 / (theta ** (torch.arange(0, D, 2).float() / D))
    f = torch.outer(torch.arange(P).float(), inv)
    emb = torch.cat((f, f), -1)
    w["cos"], w["sin"] = emb.cos(), emb.sin()
    return w


def build_random(seed=1):
    V, H, I, L, NH, NKV, P = 512, 256, 688, 6, 8, 4, 512
    D = H // NH
    g = torch.Generator().manual_seed(seed)
    r = lambda *s: torch.randn(*s, generator=g) * 0.02
    w = {"V": V, "H": H, "NH": NH, "NKV": NKV, "D": D, "P": P, "eps": 1e-5,
         "embed": r(V, H), "norm": torch.ones(H), "layers": []}
    for _ in range(L):
        w["layers"].append(dict(n1=torch.ones(H), n2=torch.ones(H), q=r(H, H), k=r(NKV * D, H), v=r(NKV * D, H),
                                o=r(H, H), gate=r(I, H), up=r(I, H), down=r(H, I)))
    return rope(w, D, P, 10000.0)


def build_stories(path):
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "finetune", "src", "test",
                                    "python"))
    from stories260k_reference import read_checkpoint
    cfg, p = read_checkpoint(path)
    if not cfg["shared_classifier"]:
        raise SystemExit(f"{path}: an untied classifier; this bench builds the tied stories260K")
    H, NH, NKV, D = cfg["dim"], cfg["n_heads"], cfg["n_kv_heads"], cfg["dim"] // cfg["n_heads"]
    t = lambda a: torch.from_numpy(a).float().contiguous()

    def permute(a, heads):  # llama2.c's interleaved rotary pairs (2i, 2i+1) -> rotate-half (i, i + D/2)
        return t(a).view(heads, D // 2, 2, H).transpose(1, 2).reshape(heads * D, H).contiguous()

    w = {"V": cfg["vocab_size"], "H": H, "NH": NH, "NKV": NKV, "D": D, "P": cfg["seq_len"], "eps": cfg["norm_eps"],
         "embed": t(p["tok"]), "norm": t(p["rms_final"]), "layers": []}
    for l in range(cfg["n_layers"]):
        w["layers"].append(dict(n1=t(p["rms_att"][l]), n2=t(p["rms_ffn"][l]), q=permute(p["wq"][l], NH),
                                k=permute(p["wk"][l], NKV), v=t(p["wv"][l]), o=t(p["wo"][l]),
                                gate=t(p["w1"][l]), up=t(p["w3"][l]), down=t(p["w2"][l])))
    return rope(w, D, cfg["seq_len"], cfg["rope_theta"])


def parameters(w):
    return w["embed"].numel() + w["norm"].numel() + sum(x.numel() for l in w["layers"] for x in l.values())


def rms(x, wt, eps):
    return wt * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps))


def forward(w, ids, pos, mask, cache):
    B, T = ids.shape
    H, NH, NKV, D, eps = w["H"], w["NH"], w["NKV"], w["D"], w["eps"]
    rot = lambda x: torch.cat((-x[..., D // 2:], x[..., : D // 2]), -1)
    x = torch.nn.functional.embedding(ids, w["embed"])
    cos, sin = w["cos"][pos][:, None], w["sin"][pos][:, None]
    for l, lw in enumerate(w["layers"]):
        h = rms(x, lw["n1"], eps)
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
        h = rms(x, lw["n2"], eps)
        x = x + torch.nn.functional.linear(
            torch.nn.functional.silu(torch.nn.functional.linear(h, lw["gate"])) * torch.nn.functional.linear(h, lw["up"]),
            lw["down"])
    return torch.nn.functional.linear(rms(x, w["norm"], eps), w["embed"])


def causal(T, past=0):
    m = torch.full((T, past + T), torch.finfo(torch.float32).min)
    return torch.triu(m, diagonal=past + 1)[None, None]


def generate(w, prompts, new):
    B, T = prompts.shape
    cache = [None] * len(w["layers"])
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


def peak_resident():
    """VmHWM of /proc/self/status (torch's allocations included), e.g. '412 MiB'."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return "%.0f MiB" % (int(line.split()[1]) / 1024)
        return "unavailable (no VmHWM in /proc/self/status)"
    except OSError as e:
        return "unavailable (%s)" % e


def warm_up(label, seconds, work):
    """Runs work untimed until seconds have passed (at least once), saying how long the first call took."""
    start = time.perf_counter()
    calls, first = 0, 0.0
    while True:
        t0 = time.perf_counter()
        work()
        if calls == 0:
            first = time.perf_counter() - t0
        calls += 1
        if time.perf_counter() - start >= seconds:
            break
    print("%s: warm-up %d calls in %.1f s (first call %.3f s)" % (label, calls, time.perf_counter() - start, first))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--warmup", type=float, default=5.0)
    ap.add_argument("--model", choices=(RANDOM, STORIES), default=RANDOM)
    ap.add_argument("--stories", default="../shared/models/stories260K/stories260K.bin")
    a = ap.parse_args()
    if a.repeats < 1:
        ap.error("--repeats must be >= 1, got %d" % a.repeats)
    if not a.warmup >= 0:
        ap.error("--warmup must be >= 0 seconds, got %s" % a.warmup)
    torch.set_num_threads(a.threads)
    name = a.model
    w = build_random() if name == RANDOM else build_stories(a.stories)
    V = w["V"]
    R, T = 8, min(256, w["P"])
    print("torch %s: %s parameters, context %d" % (name, format(parameters(w), ","), w["P"]))
    g = torch.Generator().manual_seed(2)
    with torch.inference_mode():
        ids = torch.randint(3, V, (R, T), generator=g)
        fwd = lambda: forward(w, ids, torch.arange(T).expand(R, T), causal(T), None)
        warm_up("torch %s forward %dx%d" % (name, R, T), a.warmup, fwd)
        for rep in range(a.repeats):
            t0 = time.perf_counter()
            fwd()
            s = time.perf_counter() - t0
            print("torch %s forward %dx%d: %.0f tokens/s (%.3f s)" % (name, R, T, R * T / s, s))
        for b in (1, 8):
            prompts = torch.randint(3, V, (b, 16), generator=g)
            prompts[:, 0] = 1
            warm_up("torch %s generate batch %d" % (name, b), a.warmup, lambda: generate(w, prompts, 128))
            for rep in range(a.repeats):
                t0 = time.perf_counter()
                out = generate(w, prompts, 128)
                s = time.perf_counter() - t0
                print("torch %s generate batch %d, 16+128: %.0f new tokens/s (%.3f s)"
                      % (name, b, out.numel() / s, s))
    # one full training update (AdamW) on the forward's tokens: next-token NLL of positions 1..T-1, as LmBench
    ids = ids.clone()  # a normal tensor: the inference-mode one cannot be saved for backward
    params = [w["embed"], w["norm"]] + [t for layer in w["layers"] for t in layer.values()]
    for t in params:
        t.requires_grad_(True)
    opt = torch.optim.AdamW(params, lr=1e-4, weight_decay=0.0)
    def step():
        opt.zero_grad()
        logits = forward(w, ids, torch.arange(T).expand(R, T), causal(T), None)
        loss = torch.nn.functional.cross_entropy(logits[:, :-1].reshape(-1, V), ids[:, 1:].reshape(-1))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()

    warm_up("torch %s train step" % name, a.warmup, step)
    for rep in range(a.repeats):
        t0 = time.perf_counter()
        step()
        s = time.perf_counter() - t0
        print("torch %s train step (full, AdamW) %dx%d: %.0f tokens/s (%.3f s)" % (name, R, T, R * T / s, s))
    print("torch %s peak resident memory (VmHWM): %s" % (name, peak_resident()))


if __name__ == "__main__":
    print("torch", torch.__version__)
    main()
