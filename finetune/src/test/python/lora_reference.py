#!/usr/bin/env python3
"""Independent numpy reference for a PEFT LoRA adapter on stories260K.

Reads a PEFT adapter directory (adapter_config.json + adapter_model.safetensors, parsed here from
the safetensors spec: 8-byte little-endian header length, JSON header, raw little-endian data),
merges each adapted module as PEFT's merge_and_unload does, W' = W + (lora_alpha / r) * B @ A
(Hugging Face layout: q/k rows in rotate-half order, as the Java model holds them), and computes
the logits of stories260k.json's "logits_ids" with stories260k_reference.py's float64 model in
Hugging Face's layout (rotate-half rotary). Run once with Debian's python3-numpy:

    python3 finetune/src/test/python/lora_reference.py ../shared/models/stories260K \
        finetune/src/test/resources/golden/lora-stories260k finetune/src/test/resources/golden

Output (committed): lora-stories260k.json = {"adapter": sha256 of the safetensors file, "r",
"lora_alpha", "logits_ids", "logits": one row of 512 per position}.
"""
import hashlib
import json
import os
import struct
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import stories260k_reference as ref  # noqa: E402

# PEFT module name -> the llama2.c weight it adapts
MODULES = {"self_attn.q_proj": "wq", "self_attn.k_proj": "wk", "self_attn.v_proj": "wv",
           "self_attn.o_proj": "wo", "mlp.gate_proj": "w1", "mlp.up_proj": "w3", "mlp.down_proj": "w2"}


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack_from("<Q", data, 0)
    header = json.loads(data[8:8 + n])
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        if e["dtype"] != "F32":
            raise SystemExit(f"{name}: dtype {e['dtype']} not handled")
        a, b = e["data_offsets"]
        out[name] = np.frombuffer(data[8 + n + a:8 + n + b], dtype="<f4").reshape(e["shape"]).astype(np.float64)
    return out


def main():
    model_dir, adapter_dir, out_dir = sys.argv[1:4]
    cfg, p = ref.read_checkpoint(os.path.join(model_dir, "stories260K.bin"))
    hf = ref.to_rotate_half(p, cfg)
    acfg = json.load(open(os.path.join(adapter_dir, "adapter_config.json")))
    assert acfg["peft_type"] == "LORA" and not acfg.get("use_rslora")
    scale = acfg["lora_alpha"] / acfg["r"]
    tensors = read_safetensors(os.path.join(adapter_dir, "adapter_model.safetensors"))
    merged = {k: v.copy() for k, v in hf.items()}
    count = 0
    for layer in range(cfg["n_layers"]):
        for module, key in MODULES.items():
            base = f"base_model.model.model.layers.{layer}.{module}"
            if base + ".lora_A.weight" not in tensors:
                continue
            A, B = tensors[base + ".lora_A.weight"], tensors[base + ".lora_B.weight"]
            assert A.shape[0] == acfg["r"] and B.shape[1] == acfg["r"]
            assert B.shape[0] == merged[key][layer].shape[0] and A.shape[1] == merged[key][layer].shape[1]
            merged[key][layer] = merged[key][layer] + scale * (B @ A)
            count += 1
    if count * 2 != len(tensors):
        raise SystemExit(f"{len(tensors)} tensors, {count} modules merged")
    golden = json.load(open(os.path.join(out_dir, "stories260k.json")))
    seq = golden["logits_ids"]
    ref.rope = ref.rope_half
    m = ref.Model(cfg, merged)
    logits = [m.forward(t, i) for i, t in enumerate(seq)]
    with open(os.path.join(adapter_dir, "adapter_model.safetensors"), "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    out = {"adapter": digest, "r": acfg["r"], "lora_alpha": acfg["lora_alpha"], "modules": count,
           "logits_ids": seq, "logits": [[float(np.float32(v)) for v in row] for row in logits]}
    with open(os.path.join(out_dir, "lora-stories260k.json"), "w") as f:
        json.dump(out, f, separators=(",", ":"))
        f.write("\n")
    print(f"merged {count} modules (scale {scale}); wrote lora-stories260k.json")


if __name__ == "__main__":
    main()
