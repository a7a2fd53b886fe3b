#!/usr/bin/env python3
"""Independent numpy reference for the stories260K llama2.c checkpoint.

Written from llama2.c's published architecture (Karpathy, run.c: rmsnorm, interleaved-pair
rotary embeddings, grouped-query attention, SwiGLU, tied classifier) and its tokenizer (run.c's
`encode`/`decode`). It reads `stories260K.bin` and `tok512.bin` itself and shares no code with
the Java loaders: the weights stay in llama2.c's (Meta's interleaved) rotary order and the rotary
embedding rotates pairs (2i, 2i+1), as run.c does. It also checks the convention the Java loaders
apply (q/k rows permuted to Hugging Face's rotate-half order, row 2i -> i and 2i+1 -> i + head/2 within
each head, with transformers' rotate-half rotary) gives the same logits (to 1e-9). Run once with Debian's python3-numpy:

    python3 finetune/src/test/python/stories260k_reference.py \
        ../shared/models/stories260K finetune/src/test/resources/golden

Outputs (committed, so CI needs no Python):

1. `stories260k.json`, a JSON object:
   - "model": file names and sha256 of the checkpoint and tokenizer read
   - "config": {dim, hidden_dim, n_layers, n_heads, n_kv_heads, vocab_size, seq_len, rope_theta, norm_eps}
   - "prompt": the text encoded ("Once upon a time, there was a little")
   - "prompt_ids": run.c's encoding of the prompt (dummy-prefix space, byte fallback, highest-score
     merges first), WITHOUT the BOS token
   - "logits_ids": the sequence the logits are for: [1 (BOS)] + prompt_ids
   - "logits": one row per position of "logits_ids", each the vocab_size (512) next-token logits
     computed in float64 from the fp32 weights (a float32 implementation should agree within ~1e-4)
   - "greedy_ids": greedy (argmax) continuation from BOS alone at position 0, without the BOS, at
     most "greedy_max_new" tokens, stopping early after BOS (1) as run.c does (the stopping token
     is not included)
   - "greedy_text": run.c's decode of greedy_ids after BOS (leading space of the first piece
     stripped, <0xNN> pieces as raw bytes)
   - "greedy_max_new": the generation limit
2. `safetensors-f16-bf16.safetensors` + `safetensors-f16-bf16.json`: a small safetensors file
   (written here byte by byte from the format's spec) holding an F16, a BF16 and an F32 tensor,
   and the float32 values each tensor must decode to, to check a reader's half-precision decoding
   against numpy's.
"""
import hashlib
import json
import math
import os
import struct
import sys

import numpy as np


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def read_checkpoint(path):
    with open(path, "rb") as f:
        data = f.read()
    dim, hidden, n_layers, n_heads, n_kv, vocab, seq_len = struct.unpack_from("<7i", data, 0)
    shared = vocab > 0
    vocab = abs(vocab)
    w = np.frombuffer(data, dtype="<f4", offset=28)
    head = dim // n_heads
    kv_dim = dim * n_kv // n_heads
    pos = 0

    def take(*shape):
        nonlocal pos
        n = int(np.prod(shape))
        a = w[pos:pos + n].reshape(shape).astype(np.float64)
        pos += n
        return a

    p = {}
    p["tok"] = take(vocab, dim)
    p["rms_att"] = take(n_layers, dim)
    p["wq"] = take(n_layers, dim, dim)
    p["wk"] = take(n_layers, kv_dim, dim)
    p["wv"] = take(n_layers, kv_dim, dim)
    p["wo"] = take(n_layers, dim, dim)
    p["rms_ffn"] = take(n_layers, dim)
    p["w1"] = take(n_layers, hidden, dim)
    p["w2"] = take(n_layers, dim, hidden)
    p["w3"] = take(n_layers, hidden, dim)
    p["rms_final"] = take(dim)
    pos += seq_len * head // 2  # freq_cis_real
    pos += seq_len * head // 2  # freq_cis_imag
    p["wcls"] = p["tok"] if shared else take(vocab, dim)
    if pos != len(w):
        raise SystemExit(f"{path}: {len(w) - pos} floats left over")
    cfg = dict(dim=dim, hidden_dim=hidden, n_layers=n_layers, n_heads=n_heads, n_kv_heads=n_kv,
               vocab_size=vocab, seq_len=seq_len, rope_theta=10000.0, norm_eps=1e-5, shared_classifier=shared)
    return cfg, p


def read_tokenizer(path, vocab_size):
    with open(path, "rb") as f:
        data = f.read()
    (max_len,) = struct.unpack_from("<i", data, 0)
    off = 4
    pieces, scores = [], []
    for _ in range(vocab_size):
        score, n = struct.unpack_from("<fi", data, off)
        off += 8
        pieces.append(data[off:off + n])
        off += n
        scores.append(score)
    return pieces, scores


def encode(text, pieces, scores):
    """run.c's encode(): BPE over UTF-8 characters by highest merge score, byte fallback."""
    lookup = {}
    for i, pc in enumerate(pieces):
        lookup.setdefault(pc, i)
    tokens = []
    raw = text.encode("utf-8")
    if raw:
        tokens.append(lookup[b" "])  # dummy prefix
    i = 0
    while i < len(raw):
        # one UTF-8 character: a lead byte and its continuation bytes (at most 4 bytes)
        j = i + 1
        while j < len(raw) and (raw[j] & 0xC0) == 0x80 and j - i < 4:
            j += 1
        ch = raw[i:j]
        if ch in lookup:
            tokens.append(lookup[ch])
        else:
            tokens.extend(b + 3 for b in ch)  # <0xNN> byte tokens start at id 3
        i = j
    while True:
        best, best_id, best_idx = -1e10, -1, -1
        for k in range(len(tokens) - 1):
            merged = pieces[tokens[k]] + pieces[tokens[k + 1]]
            idx = lookup.get(merged)
            if idx is not None and scores[idx] > best:
                best, best_id, best_idx = scores[idx], idx, k
        if best_idx == -1:
            break
        tokens[best_idx:best_idx + 2] = [best_id]
    return tokens


def decode_piece(prev, token, pieces):
    pc = pieces[token]
    if prev == 1 and pc.startswith(b" "):
        pc = pc[1:]
    if len(pc) == 6 and pc.startswith(b"<0x") and pc.endswith(b">"):
        pc = bytes([int(pc[3:5], 16)])
    return pc


def rmsnorm(x, w, eps):
    return w * (x / np.sqrt(np.mean(x * x) + eps))


def rope(v, pos, head, theta):
    """Rotate pairs (2i, 2i+1) of each head by pos * theta^(-2i/head), as run.c does."""
    out = v.copy()
    for i in range(0, v.shape[0], 2):
        hd = i % head
        freq = 1.0 / theta ** (hd / head)
        c, s = math.cos(pos * freq), math.sin(pos * freq)
        a, b = v[i], v[i + 1]
        out[i] = a * c - b * s
        out[i + 1] = a * s + b * c
    return out


class Model:
    def __init__(self, cfg, p):
        self.cfg, self.p = cfg, p
        L, kv_dim = cfg["n_layers"], cfg["dim"] * cfg["n_kv_heads"] // cfg["n_heads"]
        self.k_cache = np.zeros((L, cfg["seq_len"], kv_dim))
        self.v_cache = np.zeros((L, cfg["seq_len"], kv_dim))

    def forward(self, token, pos):
        c, p = self.cfg, self.p
        head = c["dim"] // c["n_heads"]
        group = c["n_heads"] // c["n_kv_heads"]
        x = p["tok"][token].copy()
        for l in range(c["n_layers"]):
            xb = rmsnorm(x, p["rms_att"][l], c["norm_eps"])
            q = rope(p["wq"][l] @ xb, pos, head, c["rope_theta"])
            k = rope(p["wk"][l] @ xb, pos, head, c["rope_theta"])
            self.k_cache[l, pos] = k
            self.v_cache[l, pos] = p["wv"][l] @ xb
            att_out = np.zeros(c["dim"])
            for h in range(c["n_heads"]):
                kh = h // group
                qh = q[h * head:(h + 1) * head]
                keys = self.k_cache[l, :pos + 1, kh * head:(kh + 1) * head]
                vals = self.v_cache[l, :pos + 1, kh * head:(kh + 1) * head]
                a = keys @ qh / math.sqrt(head)
                a = np.exp(a - a.max())
                a /= a.sum()
                att_out[h * head:(h + 1) * head] = a @ vals
            x = x + p["wo"][l] @ att_out
            xb = rmsnorm(x, p["rms_ffn"][l], c["norm_eps"])
            h1 = p["w1"][l] @ xb
            h3 = p["w3"][l] @ xb
            x = x + p["w2"][l] @ ((h1 / (1.0 + np.exp(-h1))) * h3)
        x = rmsnorm(x, p["rms_final"], c["norm_eps"])
        return p["wcls"] @ x


def to_rotate_half(p, cfg):
    """The q/k rows in Hugging Face's rotate-half order: within each head, row 2i -> i, 2i+1 -> i + head/2
    (the inverse of llama.cpp's convert_hf_to_gguf.py permute), the convention the Java loaders apply."""
    head = cfg["dim"] // cfg["n_heads"]

    def perm(w, heads):
        rows = w.shape[0]
        return w.reshape(heads, head // 2, 2, -1).transpose(0, 2, 1, 3).reshape(rows, -1)

    q = p.copy()
    q["wq"] = np.stack([perm(w, cfg["n_heads"]) for w in p["wq"]])
    q["wk"] = np.stack([perm(w, cfg["n_kv_heads"]) for w in p["wk"]])
    return q


def rope_half(v, pos, head, theta):
    """transformers' apply_rotary_pos_emb: x*cos + rotate_half(x)*sin, frequencies repeated over both halves."""
    out = np.empty_like(v)
    inv = 1.0 / theta ** (np.arange(0, head, 2) / head)
    ang = np.concatenate([pos * inv, pos * inv])
    for h in range(0, v.shape[0], head):
        x = v[h:h + head]
        rot = np.concatenate([-x[head // 2:], x[:head // 2]])
        out[h:h + head] = x * np.cos(ang) + rot * np.sin(ang)
    return out


def f32_to_bf16_bits(a):
    """Round-to-nearest-even float32 -> bfloat16 bit patterns (finite inputs)."""
    bits = a.astype("<f4").view("<u4").astype(np.uint64)
    rounded = (bits + 0x7FFF + ((bits >> 16) & 1)) >> 16
    return rounded.astype("<u2")


def write_safetensors_fixture(out_dir):
    rng = np.random.default_rng(260)
    f16 = (rng.standard_normal((3, 4)) * 3).astype("<f2")
    f16.flat[0] = np.float16(65504.0)  # largest half
    f16.flat[1] = np.float16(6.0e-8)  # a subnormal half
    f16.flat[2] = np.float16(-0.0)
    bf16_src = (rng.standard_normal((2, 5)) * 100).astype("<f4")
    bf16_bits = f32_to_bf16_bits(bf16_src)
    bf16_vals = (bf16_bits.astype(np.uint32) << 16).view("<f4")
    f32 = rng.standard_normal((5,)).astype("<f4")
    blobs = [("a.f16", "F16", list(f16.shape), f16.tobytes()),
             ("b.bf16", "BF16", list(bf16_bits.shape), bf16_bits.tobytes()),
             ("c.f32", "F32", list(f32.shape), f32.tobytes())]
    header, data, off = {"__metadata__": {"format": "pt", "written_by": "stories260k_reference.py"}}, b"", 0
    for name, dtype, shape, raw in blobs:
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [off, off + len(raw)]}
        data += raw
        off += len(raw)
    hjson = json.dumps(header, separators=(",", ":")).encode()
    hjson += b" " * ((8 - len(hjson) % 8) % 8)
    with open(os.path.join(out_dir, "safetensors-f16-bf16.safetensors"), "wb") as f:
        f.write(struct.pack("<Q", len(hjson)) + hjson + data)
    expected = {"a.f16": {"shape": list(f16.shape), "values": [float(v) for v in f16.astype(np.float32).flat]},
                "b.bf16": {"shape": list(bf16_vals.shape), "values": [float(v) for v in bf16_vals.flat]},
                "c.f32": {"shape": list(f32.shape), "values": [float(v) for v in f32.flat]}}
    with open(os.path.join(out_dir, "safetensors-f16-bf16.json"), "w") as f:
        json.dump(expected, f, indent=1)


def main():
    model_dir, out_dir = sys.argv[1], sys.argv[2]
    ckpt, tok = os.path.join(model_dir, "stories260K.bin"), os.path.join(model_dir, "tok512.bin")
    cfg, p = read_checkpoint(ckpt)
    pieces, scores = read_tokenizer(tok, cfg["vocab_size"])

    prompt = "Once upon a time, there was a little"
    prompt_ids = encode(prompt, pieces, scores)
    print("prompt ids:", prompt_ids)
    seq = [1] + prompt_ids
    m = Model(cfg, p)
    logits = [m.forward(t, i) for i, t in enumerate(seq)]

    # The same logits from Hugging Face's layout: permuted q/k rows and rotate-half rotary.
    global rope
    interleaved = rope
    rope = rope_half
    m = Model(cfg, to_rotate_half(p, cfg))
    hf_logits = [m.forward(t, i) for i, t in enumerate(seq)]
    rope = interleaved
    diff = max(float(np.max(np.abs(a - b))) for a, b in zip(logits, hf_logits))
    print("max |logit difference| interleaved vs rotate-half layout:", diff)
    if diff > 1e-9:
        raise SystemExit("the rotate-half permutation does not reproduce the interleaved model")

    max_new = 60
    m = Model(cfg, p)
    token, greedy, text = 1, [], b""
    for pos in range(max_new):
        nxt = int(np.argmax(m.forward(token, pos)))
        if nxt == 1:
            break
        text += decode_piece(token, nxt, pieces)
        greedy.append(nxt)
        token = nxt
    greedy_text = text.decode("utf-8", errors="replace")
    print("greedy ids:", greedy)
    print("greedy text:", greedy_text)

    golden = {
        "model": {"checkpoint": "stories260K.bin", "checkpoint_sha256": sha256(ckpt),
                  "tokenizer": "tok512.bin", "tokenizer_sha256": sha256(tok)},
        "config": {k: v for k, v in cfg.items()},
        "prompt": prompt,
        "prompt_ids": prompt_ids,
        "logits_ids": seq,
        "logits": [[float(np.float32(v)) for v in row] for row in logits],
        "greedy_max_new": max_new,
        "greedy_ids": greedy,
        "greedy_text": greedy_text,
    }
    with open(os.path.join(out_dir, "stories260k.json"), "w") as f:
        json.dump(golden, f, indent=None, separators=(",", ":"))
        f.write("\n")
    write_safetensors_fixture(out_dir)


if __name__ == "__main__":
    main()
