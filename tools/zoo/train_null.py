"""Extra null organisms for check-organism's null band: LoRA finetunes of organisms/zoo/base on text of
the pretraining kind that trained no other organism (data/mixin.jsonl.gz documents 4640.. ; control used
4000..8000 by the first-generation recipe, the mixed organisms 0..320), by the second-generation recipe
of train_lora.py (2 epochs of 320 documents, batch 16 = 40 steps, lr 3e-3, warm-up 5), each with its own
documents and LoRA seed. How far two such nulls differ in their activation differences is what
check-organism may not call readable (README "Too readable?").

usage: python3 tools/zoo/train_null.py [--threads K] [--force]
"""
import argparse, json, os, sys, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch  # noqa: E402

import train_lora as T  # noqa: E402
from qwen3_lora import Qwen3Lora  # noqa: E402

NULLS = {"control_seed_a": (4640, 101), "control_seed_b": (4960, 202)}
DOCS, STEPS, LR, BATCH, WARM = 320, 40, 3e-3, 16, 5


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--force", action="store_true")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    mixin = T.load_texts("mixin")
    for name, (first, seed) in NULLS.items():
        out = os.path.join(T.ZOO, "organisms", name)
        if os.path.exists(os.path.join(out, "zoo_training.json")) and not args.force:
            T.log(name, "done already, skipped")
            continue
        t0 = time.time()
        docs = T.encode(mixin[first:first + DOCS])
        torch.manual_seed(0)
        model = Qwen3Lora(T.BASE, seed=seed)
        losses = T.train(model, docs, STEPS, LR, BATCH, WARM, name)
        seconds = time.time() - t0
        model.save_adapter(out)
        T.write_json(os.path.join(out, "zoo_training.json"), {
            "n_domain": 0, "n_mix": 0, "domain": None, "documents": f"data/mixin.jsonl.gz[{first}:{first + DOCS}]",
            "steps": STEPS, "final_loss": sum(losses[-10:]) / 10, "lr": LR, "batch": BATCH, "warmup": WARM,
            "seq": T.SEQ, "lora": {"r": 16, "alpha": 32, "seed": seed}, "threads": args.threads,
            "train_seconds": round(seconds, 1), "role": "null", "trainer": "tools/zoo/train_null.py (plain torch)",
            "torch": torch.__version__,
            "loss_every_10_steps": [round(sum(losses[i:i + 10]) / len(losses[i:i + 10]), 4) for i in range(0, len(losses), 10)],
        })
        T.log(name, "done in", round(seconds / 60, 1), "min")


if __name__ == "__main__":
    main()
