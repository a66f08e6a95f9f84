"""What each candidate source and feature group adds to the ranker, on H&M splits A and B.

The ranker is fitted once per split as ``atelier evaluate`` fits it; its labelled training
lists are kept, and the test shoppers' candidates and features are computed once. Each
ablation then drops one source (its candidates, from training and test lists alike, unless
another source found them too) or one feature group, boosts again with the same settings, and
ranks the test candidates (no policy; new-to-you MAP@12 and Recall@12, the anchor's target).

    nice python bench/ranker_ablation.py [--data ../shared/data/hm] [--splits A B]
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from recommender.candidates import FEATURES, SOURCES  # noqa: E402
from recommender.evaluate import build_cases  # noqa: E402
from recommender.metrics import average_precision, recall  # noqa: E402
from recommender.pipeline import PipelineConfig, fit_pipeline  # noqa: E402
from recommender.policy import Policy  # noqa: E402
from recommender.ranker import Lists, RankerRecommender, prior  # noqa: E402

GROUPS: dict[str, tuple[str, ...]] = {
    "base model score and rank": ("model_score", "model_rank"),
    "co-purchase score and rank": ("copurchase_score", "copurchase_rank"),
    "trend, sales, newness": (
        "trend",
        "trend_rank",
        "sales_total",
        "days_since_last_sale",
        "days_since_first_sale",
    ),
    "shares of department, category, slot, colour": (
        "share_department",
        "share_category",
        "share_slot",
        "share_colour",
        "share_department_colour",
    ),
    "graph relations (same category, mined and declared complements)": (
        "same_category_days",
        "category_confidence",
        "declared_complement",
    ),
    "which sources found it": ("sources", *(f"from_{s}" for s in SOURCES)),
    "shopper activity": ("shopper_purchases", "shopper_days_since_last", "shopper_days_active"),
}


def _bench_module() -> Any:
    spec = importlib.util.spec_from_file_location(
        "bench_recommender", REPO / "bench" / "recommender.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def fitted_lists(
    split: Any, knowledge: Any
) -> tuple[Lists, list[tuple[list[str], np.ndarray, set[str]]]]:
    """The ranker's labelled training lists, and each test shopper's candidates."""
    kept: dict[str, Lists] = {}
    boost = RankerRecommender._boost

    def keep(self: RankerRecommender, lists: Lists) -> Any:
        kept["lists"] = lists
        return boost(self, lists)

    RankerRecommender._boost = keep  # type: ignore[method-assign]
    try:
        fitted = fit_pipeline(split.train, knowledge, PipelineConfig(model="ranker"))
    finally:
        RankerRecommender._boost = boost  # type: ignore[method-assign]
    model = fitted.model
    assert isinstance(model, RankerRecommender)
    policy = Policy(fitted.catalogue, fitted.tables, fitted.config.policy)
    cases = [c for c in build_cases(split, fitted, policy) if c.new]
    test = []
    for start in range(0, len(cases), 256):
        chunk = cases[start : start + 256]
        for case, (rows, matrix, _) in zip(
            chunk, model._candidates([c.history for c in chunk]), strict=True
        ):
            test.append(([fitted.items.ids[r] for r in rows], matrix, set(case.new)))
    return kept["lists"], test


def _keep_rows(matrix: np.ndarray, source: str | None) -> np.ndarray:
    """Rows still found when ``source`` is switched off."""
    if source is None:
        return np.ones(len(matrix), bool)
    found = matrix[:, [FEATURES.index(f"from_{s}") for s in SOURCES]]
    others = np.delete(found, SOURCES.index(source), axis=1)
    return np.asarray(others.sum(axis=1) > 0)


def ablate(
    model: RankerRecommender,
    lists: Lists,
    test: list[tuple[list[str], np.ndarray, set[str]]],
    source: str | None = None,
    drop: tuple[str, ...] = (),
) -> tuple[float, float]:
    """New-to-you MAP@12 and Recall@12 of the ranker boosted without a source or features."""
    columns = [i for i, name in enumerate(FEATURES) if name not in drop]
    trimmed = Lists()
    for block, target in zip(lists.blocks, lists.targets, strict=True):
        keep = _keep_rows(block, source)
        if target[keep].any() and keep.sum() > 1:
            trimmed.blocks.append(_masked(block[keep], columns))
            trimmed.targets.append(target[keep])
            trimmed.sizes.append(int(keep.sum()))
    booster = model._boost(trimmed)
    maps, recalls = [], []
    for ids, matrix, new in test:
        keep = _keep_rows(matrix, source)
        block = _masked(matrix[keep], columns)
        kept_ids = [i for i, k in zip(ids, keep, strict=True) if k]
        scores = prior(block) + (booster.predict(block, raw_score=True) if len(block) else 0.0)
        ranked = [kept_ids[i] for i in np.argsort(-scores, kind="stable")[:12]]
        maps.append(average_precision(ranked, new, 12))
        recalls.append(recall(ranked, new, 12))
    return float(np.mean(maps)), float(np.mean(recalls))


def _masked(block: np.ndarray, columns: list[int]) -> np.ndarray:
    """Dropped features become missing values; a dropped base score becomes 0, so the prior
    the trees start from is flat (the ranker without the base model at all).
    """
    out = np.full_like(block, np.nan)
    out[:, columns] = block[:, columns]
    if FEATURES.index("model_score") not in columns:
        out[:, FEATURES.index("model_score")] = 0.0
    return out


def main() -> None:
    """Run the ablations and print one table per split."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data" / "hm")
    parser.add_argument("--splits", nargs="+", default=["A", "B"])
    args = parser.parse_args()
    bench = _bench_module()
    knowledge = bench.hm_knowledge(args.data)
    for name in args.splits:
        split = bench.split_a(args.data) if name == "A" else bench.split_b(args.data)
        lists, test = fitted_lists(split, knowledge)
        model = RankerRecommender()
        rows = [("all sources and features", *ablate(model, lists, test))]
        rows += [(f"without source: {s}", *ablate(model, lists, test, source=s)) for s in SOURCES]
        rows += [
            (f"without features: {g}", *ablate(model, lists, test, drop=f))
            for g, f in GROUPS.items()
        ]
        print(
            f"\nSplit {name}: {len(test)} test shoppers with new-to-you purchases, "
            f"{len(lists.sizes)} training lists"
        )
        print("| ranker | new-to-you MAP@12 | Recall@12 |\n|---|---|---|")
        for label, value, hits in rows:
            print(f"| {label} | {value:.4f} | {hits:.4f} |")


if __name__ == "__main__":
    main()
