"""An independent reference for the zoo's difference norms at any layer: ||mean(finetuned - base)|| per
position of resid_post.LAYER over the zoo suite's unrelated documents (the first N with >= T tokens, in
file order, truncated to T), computed by the trainer's plain-torch Qwen3 forward (qwen3_lora.py), not by
DiffBench's runtime. LoRA organisms load their PEFT adapter (A, B and alpha / r from the adapter's own
files); a full finetune loads its checkpoint. Token ids come from the runtime's tokenizer (encode.ts);
the layer-2 norms of the first generation are compared with organisms/zoo/reference_adl.json (transformers,
its own tokenizer), which checks the ids and the forward together.

usage: /usr/bin/python3 tools/zoo/reference_diff_norms.py [--layers 2,4] [--documents 1000] [--tokens 8]
       [--out organisms/zoo/reference_diff_norms.json]
"""
import argparse, gzip, hashlib, json, os, sys, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch  # noqa: E402

import safetensors_io  # noqa: E402
from qwen3_lora import ATTN, TARGETS, Qwen3Lora  # noqa: E402
from train_lora import BASE, ROOT, ZOO, encode, write_json  # noqa: E402

ORGANISMS = os.path.join(ZOO, "organisms")


def unrelated_ids(n, tokens):
    with gzip.open(os.path.join(ZOO, "data", "unrelated.jsonl.gz"), "rt", encoding="utf-8") as f:
        texts = [json.loads(line)["text"] for line in f]
    docs = [ids[:tokens] for ids in encode(texts) if len(ids) >= tokens][:n]
    if len(docs) < n:
        raise SystemExit(f"unrelated.jsonl.gz: only {len(docs)} documents have {tokens} tokens, {n} wanted")
    return torch.tensor(docs)


def load_adapter(model, folder):
    """Puts a PEFT adapter's A and B into the LoRA branches (scale alpha / r from its config)."""
    cfg = json.load(open(os.path.join(folder, "adapter_config.json")))
    missing = set(TARGETS) - set(cfg["target_modules"])
    if missing:
        raise SystemExit(f"{folder}/adapter_config.json: target_modules lacks {sorted(missing)}")
    tensors = safetensors_io.read(os.path.join(folder, "adapter_model.safetensors"))
    for i in range(model.L):
        for m in TARGETS:
            kind = "self_attn" if m in ATTN else "mlp"
            p = f"base_model.model.model.layers.{i}.{kind}.{m}"
            lo = model.lora[f"{i}_{m}"]
            lo.A = torch.nn.Parameter(tensors[f"{p}.lora_A.weight"].float())
            lo.B = torch.nn.Parameter(tensors[f"{p}.lora_B.weight"].float())
            lo.scale = cfg["lora_alpha"] / cfg["r"]


@torch.no_grad()
def residuals(model, ids, layers, batch=250):
    names = tuple(f"resid_post.{layer}" for layer in layers)
    out = {n: [] for n in names}
    for b in range(0, len(ids), batch):
        _, hooks = model(ids[b:b + batch], capture=names)
        for n in names:
            out[n].append(hooks[n])
    return {n: torch.cat(v) for n, v in out.items()}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--layers", default="2,4")
    ap.add_argument("--documents", type=int, default=1000)
    ap.add_argument("--tokens", type=int, default=8)
    ap.add_argument("--out", default=os.path.join(ZOO, "reference_diff_norms.json"))
    args = ap.parse_args()
    layers = [int(x) for x in args.layers.split(",")]
    torch.set_num_threads(1)
    ids = unrelated_ids(args.documents, args.tokens)
    base = Qwen3Lora(BASE)
    base.set_lora(False)
    hb = residuals(base, ids, layers)
    ref = json.load(open(os.path.join(ZOO, "reference_adl.json")))
    result = {
        "about": ("||mean(finetuned - base)|| per position of resid_post.LAYER on the zoo suite's first "
                  f"{args.documents} unrelated documents with >= {args.tokens} tokens (file order, truncated to "
                  f"{args.tokens}), by the plain-torch Qwen3 forward of tools/zoo/qwen3_lora.py (float32), not "
                  "DiffBench's runtime. Written by tools/zoo/reference_diff_norms.py. check_layer2: at layer 2, "
                  "the largest relative difference from reference_adl.json (transformers) over its organisms "
                  "and positions."),
        "torch": torch.__version__,
        "date": time.strftime("%Y-%m-%d"),
        "documents": args.documents,
        "tokens": args.tokens,
        "token_ids_sha256": hashlib.sha256(json.dumps(ids.tolist()).encode()).hexdigest(),
        "layers": layers,
        "organisms": {},
    }
    worst = 0.0
    for name in sorted(os.listdir(ORGANISMS)):
        folder = os.path.join(ORGANISMS, name)
        if os.path.exists(os.path.join(folder, "adapter_config.json")):
            model = Qwen3Lora(BASE)
            load_adapter(model, folder)
        else:
            model = Qwen3Lora(folder)
            model.set_lora(False)
        hf = residuals(model, ids, layers)
        norms = {}
        for layer in layers:
            n = f"resid_post.{layer}"
            norms[str(layer)] = [round(float(v), 5) for v in (hf[n] - hb[n]).mean(0).norm(dim=-1)]
        result["organisms"][name] = {"diff_norm": norms}
        old = ref["organisms"].get(name, {}).get("diff_norm")
        if old and ref["layer"] in layers:
            rel = max(abs(a - b) / b for a, b in zip(norms[str(ref["layer"])], old))
            worst = max(worst, rel)
        print(name, {k: v[:2] for k, v in norms.items()}, flush=True)
    result["check_layer2"] = {"reference": "reference_adl.json", "max_relative_difference": float(f"{worst:.3g}")}
    write_json(args.out, result)
    print("max relative difference from reference_adl.json at layer 2:", worst, "->", os.path.relpath(args.out, ROOT))


if __name__ == "__main__":
    main()
