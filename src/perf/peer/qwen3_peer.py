#!/usr/bin/python3
"""PyTorch eager peer for DiffBench's performance benchmark: a plain-torch Qwen3 (and Llama-layout) decoder.

Reads a Hugging Face checkpoint folder (config.json + safetensors, sharded or not, f32/bf16/f16) without
transformers, and runs the same forward pass DiffBench runs: embeddings, pre-norm decoder layers with
per-head q/k RMSNorm (Qwen3), rotary positions, grouped-query causal attention, SwiGLU MLP, final norm,
tied or untied unembedding. An optional PEFT LoRA adapter is merged into the weights (W + alpha/r * B A).

Commands (one JSON object per run on stdout):
  check  --model DIR --golden FILE [--adapter DIR]      logits vs golden.safetensors (relative L2 error)
  prefill --model DIR --ids FILE --threads N --reps R   tokens/s of full forward passes (logits of every row)
  decode --model DIR --ids FILE --new N --threads N [--no-cache]
                                                        greedy decoding tokens/s, with or without KV cache
  info                                                  torch version, BLAS library actually loaded
"""
import argparse
import json
import math
import os
import struct
import sys
import time

import torch


# ---------------------------------------------------------------------------------------------- loading

def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        a, b = e["data_offsets"]
        raw = bytearray(data[a:b])
        dt = e["dtype"]
        if dt == "F32":
            t = torch.frombuffer(raw, dtype=torch.float32)
        elif dt == "F16":
            t = torch.frombuffer(raw, dtype=torch.float16).float()
        elif dt == "BF16":
            t = torch.frombuffer(raw, dtype=torch.bfloat16).float()
        elif dt == "I64":
            t = torch.frombuffer(raw, dtype=torch.int64)
        else:
            raise ValueError(f"{path}: tensor '{name}' has dtype {dt}; expected F32, F16, BF16 or I64")
        out[name] = t.reshape(e["shape"]).clone()
    return out


def read_checkpoint(model_dir):
    index = os.path.join(model_dir, "model.safetensors.index.json")
    if os.path.exists(index):
        with open(index) as f:
            files = sorted(set(json.load(f)["weight_map"].values()))
    else:
        files = ["model.safetensors"]
    weights = {}
    for name in files:
        weights.update(read_safetensors(os.path.join(model_dir, name)))
    return weights


def merge_lora(weights, adapter_dir):
    with open(os.path.join(adapter_dir, "adapter_config.json")) as f:
        cfg = json.load(f)
    r, alpha = cfg["r"], cfg["lora_alpha"]
    scale = alpha / math.sqrt(r) if cfg.get("use_rslora") else alpha / r
    lora = read_safetensors(os.path.join(adapter_dir, "adapter_model.safetensors"))
    merged = 0
    for name, a in lora.items():
        if ".lora_A." not in name:
            continue
        b = lora[name.replace(".lora_A.", ".lora_B.")]
        module = name.split(".lora_A.")[0].replace("base_model.model.", "", 1)
        weights[f"{module}.weight"] = weights[f"{module}.weight"] + scale * (b @ a)
        merged += 1
    if not merged:
        raise ValueError(f"{adapter_dir}: adapter has no lora_A/lora_B tensors")


# ---------------------------------------------------------------------------------------------- model

class Qwen3:
    def __init__(self, model_dir, adapter_dir=None):
        with open(os.path.join(model_dir, "config.json")) as f:
            c = json.load(f)
        if c["model_type"] not in ("qwen3", "llama", "qwen2", "mistral"):
            raise ValueError(f"{model_dir}/config.json: model_type {c['model_type']} is not a Qwen3/Llama-layout model")
        self.L, self.H = c["num_hidden_layers"], c["hidden_size"]
        self.heads, self.kv = c["num_attention_heads"], c["num_key_value_heads"]
        self.hd = c.get("head_dim") or self.H // self.heads
        self.eps = c["rms_norm_eps"]
        rope = c.get("rope_parameters") or {"rope_theta": c.get("rope_theta", 10000.0), "rope_type": "default"}
        if rope.get("rope_type", "default") != "default":
            raise ValueError(f"{model_dir}/config.json: rope_type {rope['rope_type']} is not supported by the peer")
        self.inv_freq = 1.0 / (rope["rope_theta"] ** (torch.arange(0, self.hd, 2, dtype=torch.float64) / self.hd))
        w = read_checkpoint(model_dir)
        if adapter_dir:
            merge_lora(w, adapter_dir)
        self.embed = w["model.embed_tokens.weight"]
        self.lm_head = w.get("lm_head.weight", self.embed) if not c.get("tie_word_embeddings") else self.embed
        self.final_norm = w["model.norm.weight"]
        self.layers = []
        for i in range(self.L):
            p = f"model.layers.{i}."
            g = lambda n: w.get(p + n)
            self.layers.append({
                "attn_norm": g("input_layernorm.weight"), "mlp_norm": g("post_attention_layernorm.weight"),
                "q": g("self_attn.q_proj.weight"), "k": g("self_attn.k_proj.weight"), "v": g("self_attn.v_proj.weight"),
                "o": g("self_attn.o_proj.weight"), "q_norm": g("self_attn.q_norm.weight"), "k_norm": g("self_attn.k_norm.weight"),
                "qb": g("self_attn.q_proj.bias"), "kb": g("self_attn.k_proj.bias"), "vb": g("self_attn.v_proj.bias"),
                "gate": g("mlp.gate_proj.weight"), "up": g("mlp.up_proj.weight"), "down": g("mlp.down_proj.weight"),
            })

    def rms(self, x, w):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * w

    def rotary(self, positions):
        freqs = positions[..., None].double() * self.inv_freq  # [B,T,hd/2]
        emb = torch.cat([freqs, freqs], -1)
        return emb.cos().float()[:, None], emb.sin().float()[:, None]  # [B,1,T,hd]

    @staticmethod
    def rotate(x, cos, sin):
        half = x.shape[-1] // 2
        return x * cos + torch.cat([-x[..., half:], x[..., :half]], -1) * sin

    def forward(self, ids, past=None, logits_last=False):
        """ids [B,T]; past: list of (k, v) [B,kv,P,hd] or None. Returns logits and the new cache."""
        B, T = ids.shape
        P = 0 if past is None else past[0][0].shape[2]
        positions = torch.arange(P, P + T).expand(B, T)
        cos, sin = self.rotary(positions)
        mask = torch.full((T, P + T), float("-inf")).triu(P + 1)
        x = self.embed[ids]
        present = []
        for i, l in enumerate(self.layers):
            h = self.rms(x, l["attn_norm"])
            q, k, v = (torch.nn.functional.linear(h, l[n], l[n + "b"]) for n in ("q", "k", "v"))
            q = q.view(B, T, self.heads, self.hd)
            k = k.view(B, T, self.kv, self.hd)
            if l["q_norm"] is not None:
                q, k = self.rms(q, l["q_norm"]), self.rms(k, l["k_norm"])
            q, k = self.rotate(q.transpose(1, 2), cos, sin), self.rotate(k.transpose(1, 2), cos, sin)
            v = v.view(B, T, self.kv, self.hd).transpose(1, 2)
            if past is not None:
                k, v = torch.cat([past[i][0], k], 2), torch.cat([past[i][1], v], 2)
            present.append((k, v))
            rep = self.heads // self.kv
            kr, vr = k.repeat_interleave(rep, 1), v.repeat_interleave(rep, 1)
            scores = (q @ kr.transpose(-1, -2)) / math.sqrt(self.hd) + mask
            attn = (scores.softmax(-1) @ vr).transpose(1, 2).reshape(B, T, self.heads * self.hd)
            x = x + torch.nn.functional.linear(attn, l["o"])
            h = self.rms(x, l["mlp_norm"])
            gate = torch.nn.functional.silu(torch.nn.functional.linear(h, l["gate"]))
            x = x + torch.nn.functional.linear(gate * torch.nn.functional.linear(h, l["up"]), l["down"])
        x = self.rms(x, self.final_norm)
        if logits_last:
            x = x[:, -1]
        return x @ self.lm_head.T, present


# ---------------------------------------------------------------------------------------------- commands

def blas_info():
    """The BLAS shared library this process actually mapped (after a matmul forced it to load)."""
    torch.ones(64, 64) @ torch.ones(64, 64)
    libs = set()
    with open("/proc/self/maps") as f:
        for line in f:
            p = line.split()[-1]
            if "blas" in os.path.basename(p).lower() or "mkl" in os.path.basename(p).lower():
                libs.add(os.path.realpath(p))
    config = torch.__config__.show()
    blas_line = next((s.strip() for s in config.replace(",", "\n").splitlines() if "BLAS_INFO" in s), "")
    return {"torch": torch.__version__, "blas_info": blas_line, "blas_libraries": sorted(libs),
            "openblas": any("openblas" in l for l in libs)}


def read_ids(path):
    with open(path) as f:
        ids = json.load(f)
    if not ids or not all(isinstance(r, list) and len(r) == len(ids[0]) for r in ids):
        raise ValueError(f"{path}: expected a JSON array of equal-length token-id arrays")
    return torch.tensor(ids, dtype=torch.int64)


def cmd_check(a):
    model = Qwen3(a.model, a.adapter)
    golden = read_safetensors(a.golden)
    with torch.no_grad():
        logits, _ = model.forward(golden["input_ids"])
    ref = golden["logits"]
    rel = ((logits - ref).norm() / ref.norm()).item()
    return {"rel_error": rel, "max_abs_error": (logits - ref).abs().max().item(), "shape": list(logits.shape)}


def timed(fn, reps):
    fn()  # warm-up
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return times


def cmd_prefill(a):
    model = Qwen3(a.model)
    ids = read_ids(a.ids)
    with torch.no_grad():
        times = timed(lambda: model.forward(ids), a.reps)
    best = min(times)
    return {"batch": ids.shape[0], "tokens": ids.shape[1], "seconds": times, "tokens_per_s": ids.numel() / best}


def cmd_decode(a):
    model = Qwen3(a.model)
    ids = read_ids(a.ids)
    B = ids.shape[0]

    def run():
        seq, out = ids, []
        with torch.no_grad():
            logits, past = model.forward(seq, logits_last=True)
            for step in range(a.new):
                nxt = logits.argmax(-1, keepdim=True)
                out.append(nxt)
                if step == a.new - 1:
                    break
                if a.no_cache:
                    seq = torch.cat([seq, nxt], 1)
                    logits, _ = model.forward(seq, logits_last=True)
                else:
                    logits, past = model.forward(nxt, past, logits_last=True)
        return torch.cat(out, 1)

    tokens = run()
    times = timed(run, a.reps)
    return {"batch": B, "prompt": ids.shape[1], "new": a.new, "cache": not a.no_cache, "seconds": times,
            "tokens_per_s": B * a.new / min(times), "tokens": tokens.tolist()}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("command", choices=["check", "prefill", "decode", "info"])
    ap.add_argument("--model")
    ap.add_argument("--adapter")
    ap.add_argument("--golden")
    ap.add_argument("--ids")
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--new", type=int, default=16)
    ap.add_argument("--no-cache", action="store_true")
    a = ap.parse_args()
    if a.threads:
        torch.set_num_threads(a.threads)
    result = {"command": a.command, "threads": torch.get_num_threads(), **blas_info()}
    if a.command != "info":
        if not a.model:
            ap.error("--model is required")
        result.update({"check": cmd_check, "prefill": cmd_prefill, "decode": cmd_decode}[a.command](a))
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
