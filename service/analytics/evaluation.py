"""Recommender evaluation for the notebooks: the H&M splits, the comparison as one long table,
and a few real shoppers' histories beside what the shelves suggest.

The metrics, splits and model comparison are the recommender's own
(:mod:`recommender.evaluate`, :mod:`recommender.comparison`); this module only reads the H&M
files into its interaction format and reshapes its results for plotting.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd
from sqlalchemy import Engine

from recommender.comparison import Run
from recommender.data import Interactions, normalise_frame
from recommender.evaluate import Case, Split, fixed_split, last_basket_split
from recommender.serving import Shelf, Shelves
from service.recommending.history import user_history

#: H&M transaction columns -> the generic interaction columns.
HM_COLUMNS = {"t_dat": "timestamp", "customer_id": "user_id", "article_id": "item_id"}
#: Split B of the recommender issue: every sale of 16-21 Sep 2020 trains, the 22nd tests.
WEEK_TEST_DAY = pd.Timestamp("2020-09-22")


def hm_transactions(path: Path) -> Interactions:
    """H&M purchases (CSV or Parquet) as interactions; article ids zero-padded to 10 digits."""
    frame = pd.read_parquet(path) if path.suffix == ".parquet" else pd.read_csv(path, dtype=str)
    frame = frame.rename(columns=HM_COLUMNS)
    frame["item_id"] = frame["item_id"].astype(str).str.zfill(10)
    return normalise_frame(frame[["user_id", "item_id", "timestamp"]])


def hm_splits(folder: Path) -> dict[str, Split]:
    """Splits A (each history customer's last purchase day) and B (one week's sales, the last
    day held out) of the recommender issue, from the shared H&M files.
    """
    history = hm_transactions(folder / "transactions.csv")
    week = hm_transactions(folder / "transactions_last_week.parquet")
    return {
        "A: last basket": last_basket_split(history),
        "B: 22 Sep 2020": with_past(
            fixed_split(week.before(WEEK_TEST_DAY), week.since(WEEK_TEST_DAY))
        ),
    }


def with_past(split: Split) -> Split:
    """Only the test shoppers who bought something in the training period (as the issue's
    anchors are measured).
    """
    known = set(split.train.purchases()["user_id"])
    test = split.test[split.test["user_id"].isin(known)]
    return Split(split.train, test, {u: t for u, t in split.now.items() if u in known})


def comparison_frame(runs: Mapping[str, Sequence[Run]]) -> pd.DataFrame:
    """Every metric of every run, long format: split, model, policy, target, metric, value,
    low, high (the bootstrap interval where the metric has one).
    """
    rows = []
    for split, split_runs in runs.items():
        for run in split_runs:
            model, _, with_policy = run.name.partition("+")
            policy = "rebuy shelf" if model == "rebuy" else ("on" if with_policy else "off")
            for target, metrics in run.metrics.items():
                for name, value in metrics.items():
                    if name == "users" or name.endswith(("_lo", "_hi")):
                        continue
                    low = metrics.get(f"{name}_lo", math.nan)
                    high = metrics.get(f"{name}_hi", math.nan)
                    rows.append((split, model, policy, target, name, value, low, high))
    columns = ["split", "model", "policy", "target", "metric", "value", "low", "high"]
    return pd.DataFrame(rows, columns=columns)


def busiest(cases: Sequence[Case], n: int = 3) -> list[Case]:
    """The ``n`` test shoppers with the most past purchases (ties: by id), for case studies."""
    ranked = sorted(cases, key=lambda c: (-int(c.history.purchased.sum()), c.user_id))
    return ranked[:n]


@dataclass(frozen=True)
class Story:
    """One shopper at the moment they are served: recent purchases and the two shelves."""

    user_id: str
    purchases: pd.DataFrame
    """Columns item_id, occurred_at (newest first)."""
    main: Shelf
    rebuy: Shelf
    bought_next: frozenset[str]


def story(engine: Engine, shelves: Shelves, case: Case, now: datetime, k: int = 6) -> Story:
    """The shopper's stored history before ``now``, and the shelves served at ``now``."""
    history = user_history(engine, case.user_id, before=now)
    bought = [(e.item_id, e.occurred_at) for e in history if e.event_type == "purchase"]
    purchases = pd.DataFrame(bought, columns=["item_id", "occurred_at"]).iloc[::-1]
    main = shelves.recommend(case.user_id, history, now, k)
    rebuy = shelves.rebuy(case.user_id, history, now, k)
    return Story(case.user_id, purchases.reset_index(drop=True), main, rebuy, case.relevant)
