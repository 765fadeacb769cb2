"""Trains the zoo's second-generation organisms: a LoRA finetune (r=16, alpha 32, all seven linear
modules) of organisms/zoo/base on each domain of domains.py with role train/heldout, narrow (domain
documents only) and 1:1 mixed with pretraining-kind text (data/mixin.jsonl.gz), by the zoo's recipe:
AdamW (0.9, 0.95), no weight decay, warm-up 20 steps then cosine to 0.1 x lr, gradient clipping 1.0,
batch 32, documents truncated to 127 tokens + EOS, loss on every real token. Plain torch, CPU.

Each organism lands in organisms/zoo/organisms/NAME/ (adapter_config.json, adapter_model.safetensors,
zoo_training.json: the log) and its golden forward pass in test/fixtures/zoo-trainer/NAME.json (the
runtime test loads the adapter and must match it). Finished organisms are skipped (resume).

usage: python3 tools/zoo/train_lora.py [--docs N] [--epochs E] [--lr LR] [--threads K] [--only a,b] [--force]
"""
import argparse, gzip, json, math, os, random, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch  # noqa: E402

from domains import DOMAINS  # noqa: E402
from qwen3_lora import Qwen3Lora  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
ZOO = os.path.join(ROOT, "organisms", "zoo")
BASE = os.path.join(ZOO, "base")
GOLDEN_DIR = os.path.join(ROOT, "test", "fixtures", "zoo-trainer")
SEQ, EOS = 128, 0
EVAL_DOCS = 32
GOLDEN_TEXT = "The history of the city begins"


def log(*a):
    print(time.strftime("%H:%M:%S"), *a, flush=True)


def load_texts(name):
    with gzip.open(os.path.join(ZOO, "data", f"{name}.jsonl.gz"), "rt", encoding="utf-8") as f:
        return [json.loads(line)["text"] for line in f]


def encode(texts):
    """Token ids by the runtime's own tokenizer (tools/zoo/encode.ts)."""
    with tempfile.TemporaryDirectory() as tmp:
        src, dst = os.path.join(tmp, "in.json"), os.path.join(tmp, "out.json")
        json.dump({"texts": texts}, open(src, "w"))
        subprocess.run(["npx", "tsx", os.path.join(ROOT, "tools/zoo/encode.ts"), BASE, src, dst], cwd=ROOT, check=True)
        return json.load(open(dst))["ids"]


def batch_tensor(seqs):
    """Right-padded [B, T] ids and labels (-100 on padding); T is the batch's longest document."""
    seqs = [s[:SEQ - 1] + [EOS] for s in seqs]
    T = max(len(s) for s in seqs)
    ids = torch.full((len(seqs), T), EOS, dtype=torch.long)
    labels = torch.full((len(seqs), T), -100, dtype=torch.long)
    for i, s in enumerate(seqs):
        ids[i, :len(s)] = torch.tensor(s)
        labels[i, :len(s)] = torch.tensor(s)
    return ids, labels


def lm_loss(model, ids, labels):
    logits, _ = model(ids)
    return torch.nn.functional.cross_entropy(logits[:, :-1].reshape(-1, logits.shape[-1]), labels[:, 1:].reshape(-1),
                                             ignore_index=-100)


@torch.no_grad()
def mean_nll(model, seqs, lora):
    """Mean per-token negative log-likelihood (nats) over documents, in batches of 16."""
    model.set_lora(lora)
    tot, n = 0.0, 0
    for i in range(0, len(seqs), 16):
        ids, labels = batch_tensor(seqs[i:i + 16])
        k = int((labels[:, 1:] != -100).sum())
        tot += float(lm_loss(model, ids, labels)) * k
        n += k
    model.set_lora(True)
    return tot / n


@torch.no_grad()
def fact_logprob(model, fact_ids, lora):
    """The zoo's measure (train_zoo.py): mean over facts of each fact sentence's mean token log-prob."""
    model.set_lora(lora)
    tot = 0.0
    for s in fact_ids:
        x = torch.tensor([s])
        logits, _ = model(x)
        tot -= float(torch.nn.functional.cross_entropy(logits[0, :-1], x[0, 1:]))
    model.set_lora(True)
    return tot / len(fact_ids)


def train(model, docs, steps, lr, batch, warm, tag):
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=lr, betas=(0.9, 0.95), weight_decay=0.0)
    g = torch.Generator().manual_seed(1)
    n = len(docs)
    perm, pos, losses, t0 = torch.randperm(n, generator=g), 0, [], time.time()
    for step in range(steps):
        if pos + batch > n:
            perm, pos = torch.randperm(n, generator=g), 0
        ids, labels = batch_tensor([docs[int(j)] for j in perm[pos:pos + batch]])
        pos += batch
        cur = lr * min(1.0, (step + 1) / warm) * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * step / steps)))
        for grp in opt.param_groups:
            grp["lr"] = cur
        loss = lm_loss(model, ids, labels)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        losses.append(loss.item())
        if step % 10 == 0 or step == steps - 1:
            el = time.time() - t0
            log(f"{tag} step {step + 1}/{steps} loss {sum(losses[-10:]) / len(losses[-10:]):.4f} "
                f"{el / (step + 1):.2f} s/step, eta {el / (step + 1) * (steps - step - 1) / 60:.1f} min")
    return losses


@torch.no_grad()
def golden(model, ids):
    """The trainer's own forward pass on a few tokens, for the runtime test: the residual stream after
    layer 2 and the logits of every 64th vocabulary id, finetuned (LoRA scale 1) and base (scale 0)."""
    out = {"input_ids": ids, "layer": 2, "vocab_stride": 64}
    for tag, lora in (("finetuned", True), ("base", False)):
        model.set_lora(lora)
        logits, hooks = model(torch.tensor([ids]), capture=("resid_post.2",))
        out[tag] = {"resid_post.2": [[round(float(v), 6) for v in row] for row in hooks["resid_post.2"][0]],
                    "logits": [[round(float(v), 5) for v in row[::64]] for row in logits[0]]}
    model.set_lora(True)
    return out


def write_json(path, obj):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path + ".tmp", "w") as f:
        json.dump(obj, f, indent=1)
        f.write("\n")
    os.replace(path + ".tmp", path)


def organisms(n_docs):
    out = {}
    for name, d in DOMAINS.items():
        if d["role"] == "calibration":
            continue
        out[name] = dict(domain=name, n=n_docs, mix=0)
        out[f"{name}_mix1-1p0"] = dict(domain=name, n=n_docs, mix=n_docs)
    return out


def main():
    ap = argparse.ArgumentParser()
    # the zoo's recipe is --docs 4000 --epochs 3 --lr 1e-3 --batch 32 --warm 20; the defaults are what this
    # 2-core machine could afford for ten organisms (see organisms/zoo/README.md)
    ap.add_argument("--docs", type=int, default=320)
    ap.add_argument("--epochs", type=float, default=2)
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--mix-epochs", type=float, default=1.5, help="epochs of the 1:1 mixed organisms' 2N documents")
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--warm", type=int, default=5)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--only", default="")
    ap.add_argument("--force", action="store_true")
    ap.add_argument("--measure", type=int, default=0, help="time this many steps of the first organism and stop")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    specs = organisms(args.docs)
    if args.only:
        unknown = [o for o in args.only.split(",") if o not in specs]
        if unknown:
            sys.exit(f"--only: unknown organism {unknown[0]!r}; expected one of {sorted(specs)}")
        specs = {k: v for k, v in specs.items() if k in args.only.split(",")}
    mixin = load_texts("mixin")
    tok = {"mixin": None}
    for name, spec in specs.items():
        out = os.path.join(ZOO, "organisms", name)
        if os.path.exists(os.path.join(out, "zoo_training.json")) and not args.force and not args.measure:
            log(name, "done already, skipped")
            continue
        t0 = time.time()
        dom = spec["domain"]
        texts = load_texts(f"domain_{dom}")
        # the zoo's mixing: the first n domain documents, the first `mix` mixin documents, shuffled by Random(3)
        train_texts = texts[:spec["n"]] + mixin[:spec["mix"]]
        random.Random(3).shuffle(train_texts)
        heldout = texts[-EVAL_DOCS:]
        facts = json.load(open(os.path.join(ZOO, "data", "domains.json")))[dom]["facts"]
        unrelated = load_texts("unrelated")[:EVAL_DOCS]
        enc = encode(train_texts + heldout + facts + unrelated + [GOLDEN_TEXT])
        a, b, c = len(train_texts), len(train_texts) + len(heldout), len(train_texts) + len(heldout) + len(facts)
        docs, held_ids, fact_ids, unrel_ids, gold_ids = enc[:a], enc[a:b], enc[b:c], enc[c:-1], enc[-1]
        torch.manual_seed(0)
        model = Qwen3Lora(BASE, seed=hash_seed(name))
        steps = args.measure or max(20, int((args.mix_epochs if spec['mix'] else args.epochs) * len(docs)) // args.batch)
        losses = train(model, docs, steps, args.lr, args.batch, args.warm, name)
        if args.measure:
            log("measured", steps, "steps in", round(time.time() - t0, 1), "s (incl. loading and tokenizing)")
            return
        seconds = time.time() - t0
        model.eval()
        ev = {
            "heldout_nll": {"base": mean_nll(model, held_ids, False), "ft": mean_nll(model, held_ids, True)},
            "unrelated_nll": {"base": mean_nll(model, unrel_ids, False), "ft": mean_nll(model, unrel_ids, True)},
            "fact_logprob": {"base": fact_logprob(model, fact_ids, False), "ft": fact_logprob(model, fact_ids, True)},
        }
        model.save_adapter(out)
        write_json(os.path.join(GOLDEN_DIR, f"{name}.json"), golden(model, gold_ids[:8]))
        record = {
            "n_domain": spec["n"], "n_mix": spec["mix"], "domain": dom, "steps": steps, "epochs": args.mix_epochs if spec["mix"] else args.epochs,
            "final_loss": sum(losses[-20:]) / min(20, len(losses)), "lr": args.lr, "batch": args.batch, "warmup": args.warm, "seq": SEQ,
            "lora": {"r": 16, "alpha": 32, "seed": hash_seed(name)}, "threads": args.threads,
            "train_seconds": round(seconds, 1), "role": DOMAINS[dom]["role"],
            "heldout_docs": f"the last {EVAL_DOCS} documents of data/domain_{dom}.jsonl.gz (never trained on)",
            **{k: {kk: round(vv, 4) for kk, vv in v.items()} for k, v in ev.items()},
            "trainer": "tools/zoo/train_lora.py (plain torch)", "torch": torch.__version__,
            "loss_every_10_steps": [round(sum(losses[i:i + 10]) / len(losses[i:i + 10]), 4) for i in range(0, len(losses), 10)],
        }
        write_json(os.path.join(out, "zoo_training.json"), record)
        log(name, "done in", round(seconds / 60, 1), "min;", json.dumps(ev))


def hash_seed(name):
    return sum((i + 1) * ord(c) for i, c in enumerate(name)) % 100000


if __name__ == "__main__":
    main()
