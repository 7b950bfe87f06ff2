"""Detection quality against ground truth: detect() with its defaults on simulated scenarios.

Prints one row per scenario (account precision, recall, F1, ROC-AUC, ARI/AMI of networks against
campaigns, decoy groups flagged, accounts flagged, seconds), then the per-campaign recall and per-decoy false
positives of each scenario, and the time per stage.

    python benchmarks/quality.py                   # small scenarios, three seeds, two mixes
    python benchmarks/quality.py --sizes medium    # ~100k posts
    python benchmarks/quality.py --sizes large --seeds 0   # ~1M posts: time per stage at scale
    python benchmarks/quality.py --mixes organic-only --sizes small medium   # no campaign at all
    python benchmarks/quality.py --mixes sparse    # small campaigns, sparse participation: the hard case

No per-scenario tuning: every scenario runs ``coordnet.detect(dataset)`` as an analyst would.
"""

from __future__ import annotations

import argparse
import time

import pandas as pd

from coordnet import detect, evaluate, simulate
from coordnet.simulate import TACTICS, Campaign, default_campaigns

MIXES = {
    "all-tactics": None,  # one campaign per tactic (the simulator's default)
    "repost-heavy": ["fast_repost", "low_and_slow", "batch_created", "dormant_repurposed"],
    "content": ["copy_paste", "link_push", "hashtag_sequence", "reply_swarm", "office_hours"],
    "organic-only": [],  # no campaign: every flagged account is a false positive
    "sparse": "sparse",  # one campaign per tactic, ten accounts, four of them in each action
}


def run(size: str, seed: int, mix: str) -> tuple[dict, object, pd.DataFrame]:
    tactics = MIXES[mix]
    kwargs = {}
    if tactics == "sparse":
        kwargs["campaigns"] = [Campaign(t, n_accounts=10, participation=0.4) for t in TACTICS]
    elif tactics is not None:
        kwargs["campaigns"] = [c for c in default_campaigns(size) if c.tactic in tactics]
    t0 = time.perf_counter()
    scenario = simulate(size=size, seed=seed, **kwargs)
    t_sim = time.perf_counter() - t0
    t0 = time.perf_counter()
    result = detect(scenario.dataset)
    t_det = time.perf_counter() - t0
    ev = evaluate(result, scenario.truth)
    row = {"size": size, "seed": seed, "mix": mix, "posts": len(scenario.dataset),
           "accounts": len(scenario.dataset.accounts), "precision": ev.precision, "recall": ev.recall,
           "f1": ev.f1, "roc_auc": ev.roc_auc, "ari": ev.ari, "ami": ev.ami,
           "decoys_flagged": int(ev.decoys["group_flagged"].sum()) if len(ev.decoys) else 0,
           "flagged": int(result.accounts["network_id"].notna().sum()),
           "simulate_s": round(t_sim, 1), "detect_s": round(t_det, 1)}
    return row, ev, result.stages


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", nargs="+", default=["small"])
    ap.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    ap.add_argument("--mixes", nargs="+", default=["all-tactics", "content"], choices=sorted(MIXES))
    ap.add_argument("--details", action="store_true", help="print per-campaign and per-decoy tables")
    args = ap.parse_args()
    rows, details = [], []
    for size in args.sizes:
        for mix in args.mixes:
            for seed in args.seeds:
                row, ev, stages = run(size, seed, mix)
                rows.append(row)
                details.append((row, ev, stages))
                print(f"{size:>6} seed {seed} {mix:<12} F1 {row['f1']:.3f}  AUC {row['roc_auc']:.3f}  "
                      f"decoys flagged {row['decoys_flagged']}  accounts flagged {row['flagged']}  "
                      f"({row['detect_s']} s)", flush=True)
    table = pd.DataFrame(rows)
    pd.set_option("display.width", 200)
    print("\n" + table.to_string(index=False, float_format=lambda x: f"{x:.3f}"))
    if args.details:
        for row, ev, stages in details:
            print(f"\n== {row['size']} seed {row['seed']} {row['mix']}")
            print(ev)
            print(stages[["stage", "seconds", "rows"]].to_string(index=False))


if __name__ == "__main__":
    main()
