"""Recommender benchmark on the shared H&M data: anchors and our shelves side by side.

Splits (as issue 5 defines them):
  A  each of the 1,364 history customers' last purchase day is the test basket, all earlier
     purchases train (test customers: those with earlier purchases);
  B  every H&M sale of 16-21 Sep 2020 trains, the 22nd is the test (test customers with
     earlier purchases in the week).

Anchors: recent popularity; re-buy (own past purchases, newest first); ALS; ALS without the
articles and styles bought in the last 30 days. Ours: the main shelf (model + post-purchase
policy) and the "buy it again" shelf. Also: KG-model recall on never-sold articles, ALS fit
time against implicit called directly, a LightGCN epoch against a plain PyG loop, and the
latency of one ``Shelves.recommend`` call at the full 105,542-article catalogue.

    nice python bench/recommender.py [--data ../shared/data/hm] [--splits A B] [--out r.json]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from recommender.data import Interactions, normalise_frame  # noqa: E402
from recommender.evaluate import (  # noqa: E402
    Case,
    Split,
    build_cases,
    last_basket_split,
    main_lists,
    rebuy_lists,
    report,
)
from recommender.knowledge import TableKnowledge  # noqa: E402
from recommender.pipeline import Fitted, PipelineConfig, fit_pipeline  # noqa: E402
from recommender.policy import Policy  # noqa: E402

SLOTS = {
    "Garment Upper body": "top",
    "Garment Lower body": "bottom",
    "Garment Full body": "full-body",
    "Accessories": "accessory",
    "Underwear": "underwear",
    "Shoes": "shoes",
    "Swimwear": "swimwear",
    "Socks & Tights": "socks",
    "Nightwear": "nightwear",
    "Bags": "bag",
}
#: Graph-model settings for the H&M scale on 2 shared cores (bigger batches, fewer steps).
KG_FAST = {"batch_size": 16384, "epochs": 15, "learning_rate": 0.02, "device": "auto"}


def hm_knowledge(data: Path) -> TableKnowledge:
    """Facts of all 105,542 articles; category = product_type_name, hierarchy above it."""
    a = pd.read_parquet(data / "articles.parquet")
    columns = {
        "style": a["product_code"].astype(str),
        "category": a["product_type_name"],
        "slot": a["product_group_name"].map(SLOTS),
        "colour": a["colour_group_name"],
        "basic_colour": a["perceived_colour_master_name"],
        "pattern": a["graphical_appearance_name"],
        "department": a["department_name"],
    }
    facts: dict[str, dict[str, tuple[str, ...]]] = {}
    frame = pd.DataFrame(columns)
    for item, row in zip(a["article_id"], frame.itertuples(index=False), strict=True):
        facts[item] = {k: (v,) for k, v in zip(columns, row, strict=True) if isinstance(v, str)}
    parents: dict[str, tuple[str, ...]] = {}
    for child, parent in (
        ("product_type_name", "product_group_name"),
        ("department_name", "section_name"),
        ("section_name", "index_group_name"),
        ("colour_group_name", "perceived_colour_master_name"),
    ):
        pairs = a[[child, parent]].drop_duplicates()
        for c, p in zip(pairs[child], pairs[parent], strict=True):
            if c != p:
                parents[c] = (*parents.get(c, ()), p)
    return TableKnowledge(facts=facts, parents=parents)


def _purchases(frame: pd.DataFrame) -> Interactions:
    ids = frame["article_id"].astype(str).str.zfill(10)
    return normalise_frame(
        pd.DataFrame({"user_id": frame["customer_id"], "item_id": ids, "timestamp": frame["t_dat"]})
    )


def split_a(data: Path) -> Split:
    """Last purchase day of each history customer is the test basket."""
    return last_basket_split(_purchases(pd.read_csv(data / "transactions.csv", dtype=str)))


def split_b(data: Path) -> Split:
    """16-21 Sep 2020 trains, 22 Sep tests (customers with earlier purchases)."""
    week = _purchases(pd.read_parquet(data / "transactions_last_week.parquet"))
    cutoff = pd.Timestamp("2020-09-22")
    train, test = week.before(cutoff), week.since(cutoff).purchases()
    test = test[test["user_id"].isin(set(train.frame["user_id"]))]
    return Split(train, test, dict.fromkeys(test["user_id"].unique(), cutoff))


def rebuy_anchor(cases: list[Case], fitted: Fitted, k: int) -> dict[str, list[str]]:
    """The shopper's own past purchases, newest first."""
    lists = {}
    for case in cases:
        bought = case.history.purchased
        order = np.argsort(case.history.ages[bought], kind="stable")
        items = dict.fromkeys(fitted.items.ids[i] for i in case.history.items[bought][order])
        lists[case.user_id] = list(items)[:k]
    return lists


def filtered(
    lists: dict[str, list[str]],
    cases: list[Case],
    fitted: Fitted,
    k: int,
    pool: dict[str, list[str]],
) -> dict[str, list[str]]:
    """ALS lists without bought articles and styles bought in the last 30 days."""
    styles = fitted.catalogue.codes["style"]
    result = {}
    for case in cases:
        bought = case.history.purchased
        owned = case.history.items[bought]
        recent = {
            int(styles[i]) for i, a in zip(owned, case.history.ages[bought], strict=True) if a <= 30
        }
        owned_ids = {fitted.items.ids[i] for i in owned}
        keep = [
            i
            for i in pool[case.user_id]
            if i not in owned_ids and int(styles[fitted.items.get(i) or 0]) not in recent
        ]
        result[case.user_id] = keep[:k]
    return result


def accuracy_rows(name: str, table: dict[str, dict[str, float]]) -> dict[str, Any]:
    return {
        "model": name,
        **{
            f"{t}_{m}": table[t][m]
            for t in ("all", "new", "repeat")
            for m in (
                "map@12",
                "map@12_lo",
                "map@12_hi",
                "recall@12",
                "recall@12_lo",
                "recall@12_hi",
            )
        },
        "users_all": table["all"]["users"],
        "users_new": table["new"]["users"],
        "pprr": table["shelf"]["pprr@12"],
        "same_style": table["shelf"]["same_style@12"],
        "coverage": table["shelf"]["coverage"],
    }


def run_split(
    name: str, split: Split, knowledge: TableKnowledge, model: str, samples: int
) -> dict[str, Any]:
    """Anchors and our shelves on one split."""
    k = 12
    rows = []
    als = fit_pipeline(split.train, knowledge, PipelineConfig(model="als"))
    policy = Policy(als.catalogue, als.tables, als.config.policy)
    cases = build_cases(split, als, policy)
    popularity_lists = {
        c.user_id: [als.items.ids[i] for i in np.argsort(-als.popularity.popularity)[:k]]
        for c in cases
    }
    als_pool = main_lists(als, policy, cases, 200, apply_policy=False)
    anchors = {
        "recent popularity": popularity_lists,
        "re-buy": rebuy_anchor(cases, als, k),
        "ALS": {u: items[:k] for u, items in als_pool.items()},
        "ALS filtered": filtered(als_pool, cases, als, k, als_pool),
    }
    for label, lists in anchors.items():
        rows.append(accuracy_rows(label, report(lists, cases, split, als, policy, k, samples)))
    started = time.perf_counter()
    overrides = {"members": ("popularity", "als", "kgnn")} if model == "hybrid" else {}
    ours = fit_pipeline(
        split.train, knowledge, PipelineConfig(model=model, model_overrides=overrides)
    )
    fit_seconds = time.perf_counter() - started
    ours_policy = Policy(ours.catalogue, ours.tables, ours.config.policy)
    main = main_lists(ours, ours_policy, cases, k)
    rows.append(
        accuracy_rows(
            f"main shelf ({model}+policy)",
            report(main, cases, split, ours, ours_policy, k, samples),
        )
    )
    rebuy = rebuy_lists(ours, ours_policy, cases, k)
    rows.append(
        accuracy_rows("rebuy shelf", report(rebuy, cases, split, ours, ours_policy, k, samples))
    )
    return {
        "split": name,
        "cases": len(cases),
        "fit_seconds": fit_seconds,
        "rows": rows,
        "weights": list(getattr(ours.model, "weights", ())),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data" / "hm")
    parser.add_argument("--splits", nargs="+", default=["A", "B"])
    parser.add_argument("--model", default="hybrid")
    parser.add_argument("--samples", type=int, default=1000)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    knowledge = hm_knowledge(args.data)
    results = []
    for name in args.splits:
        split = split_a(args.data) if name == "A" else split_b(args.data)
        result = run_split(name, split, knowledge, args.model, args.samples)
        results.append(result)
        print_table(result)
    if args.out:
        args.out.write_text(json.dumps(results, indent=2))


def print_table(result: dict[str, Any]) -> None:
    print(
        f"\nSplit {result['split']}: {result['cases']} test customers; "
        f"our model fit {result['fit_seconds']:.0f} s; hybrid weights {result['weights']}"
    )
    print(
        "| list | MAP@12 all | MAP@12 new-to-you [95% CI] | Recall@12 new-to-you [95% CI] "
        "| MAP@12 repeats | same-style share | PPRR@12 |"
    )
    print("|---|---|---|---|---|---|---|")
    for r in result["rows"]:
        print(
            f"| {r['model']} | {r['all_map@12']:.4f} | {r['new_map@12']:.4f} "
            f"[{r['new_map@12_lo']:.4f}, {r['new_map@12_hi']:.4f}] | {r['new_recall@12']:.4f} "
            f"[{r['new_recall@12_lo']:.4f}, {r['new_recall@12_hi']:.4f}] | "
            f"{r['repeat_map@12']:.4f} | {r['same_style']:.1%} | {r['pprr']:.3f} |"
        )


if __name__ == "__main__":
    main()
