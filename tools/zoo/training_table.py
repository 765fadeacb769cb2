"""Prints the Markdown table of the second-generation organisms from their zoo_training.json files
(organisms/zoo/README.md "Second generation").  usage: python3 tools/zoo/training_table.py"""
import json, os, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from domains import DOMAINS  # noqa: E402

ZOO = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "organisms", "zoo", "organisms")
print("| organism | role | domain docs | mixed-in docs | steps | minutes | final loss | held-out domain NLL base → ft | "
      "unrelated NLL base → ft | fact log-prob base → ft |")
print("|---|---|---|---|---|---|---|---|---|---|")
for d, spec in DOMAINS.items():
    for name in (d, f"{d}_mix1-1p0"):
        p = os.path.join(ZOO, name, "zoo_training.json")
        if not os.path.exists(p):
            continue
        t = json.load(open(p))
        f = lambda k: f"{t[k]['base']:.2f} → {t[k]['ft']:.2f}"
        print(f"| {name} | {spec['role']} | {t['n_domain']} | {t['n_mix']} | {t['steps']} | {t['train_seconds'] / 60:.1f} | "
              f"{t['final_loss']:.2f} | {f('heldout_nll')} | {f('unrelated_nll')} | {f('fact_logprob')} |")
