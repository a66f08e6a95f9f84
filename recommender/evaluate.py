"""Offline evaluation: temporal splits, ranked lists for every test shopper, metric tables.

Used by ``atelier evaluate``, ``bench/recommender.py`` and the notebooks. Each test shopper
is a :class:`Case`: their history before the split (as the serving code sees it) and what they
bought after it. Lists are scored on several relevance sets: every test purchase, purchases
**new to the shopper** (styles never bought before), **repeats** (articles bought before) and
**complements** (categories that go with a recent purchase); beside accuracy the table reports
catalogue coverage, novelty, the post-purchase redundancy rate PPRR@K and the same-style share.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp

from recommender.data import Interactions
from recommender.history import UserHistory, build_history
from recommender.metrics import (
    average_precision,
    bootstrap_interval,
    coverage,
    hit,
    ndcg,
    novelty,
    recall,
)
from recommender.pipeline import Fitted
from recommender.policy import Policy
from recommender.rebuy import rebuy_scores

STYLE_DAYS = 30.0


@dataclass(frozen=True)
class Split:
    """Training events, test purchases and the moment each test shopper is served."""

    train: Interactions
    test: pd.DataFrame
    now: Mapping[str, pd.Timestamp]


def temporal_split(data: Interactions, test_days: float) -> Split:
    """The last ``test_days`` of purchases are the test; everything before trains."""
    cutoff = data.end.normalize() - pd.Timedelta(days=test_days - 1)
    test = data.since(cutoff).purchases()
    return Split(data.before(cutoff), test, dict.fromkeys(test["user_id"].unique(), cutoff))


def sample_shoppers(split: Split, limit: int, seed: int = 0) -> Split:
    """The split with at most ``limit`` test shoppers, drawn at random (seeded).

    At a retailer's size a hold-out fortnight has hundreds of thousands of shoppers; a sample
    of tens of thousands measures the same means within their confidence intervals, in a
    fraction of the time and memory.
    """
    users = list(split.now)
    if len(users) <= limit:
        return split
    chosen = np.random.default_rng(seed).choice(len(users), size=limit, replace=False)
    now = {users[i]: split.now[users[i]] for i in sorted(chosen.tolist())}
    test = split.test[split.test["user_id"].astype(str).isin(now.keys())]
    return Split(split.train, test, now)


def fixed_split(train: Interactions, test: Interactions) -> Split:
    """Given files: every test shopper is served at the start of the test period."""
    start = pd.Timestamp(test.frame["timestamp"].min()).normalize()
    purchases = test.purchases()
    return Split(train, purchases, dict.fromkeys(purchases["user_id"].unique(), start))


def last_basket_split(data: Interactions) -> Split:
    """Each shopper's last purchase day is their test basket; earlier events train."""
    buys = data.purchases()
    last = buys.groupby("user_id")["timestamp"].max().dt.normalize()
    day = data.frame["user_id"].map(last)
    is_test = data.frame["timestamp"] >= day
    train = Interactions(data.frame[~is_test.fillna(False).to_numpy()])
    test = data.frame[is_test.fillna(False).to_numpy() & (data.frame["event_type"] == "purchase")]
    has_past = set(train.purchases()["user_id"])
    test = test[test["user_id"].isin(has_past)]
    return Split(train, test, {u: last[u] for u in test["user_id"].unique()})


@dataclass(frozen=True)
class Case:
    """One test shopper."""

    user_id: str
    history: UserHistory
    relevant: frozenset[str]
    new: frozenset[str] = field(default_factory=frozenset)
    repeat: frozenset[str] = field(default_factory=frozenset)
    complement: frozenset[str] = field(default_factory=frozenset)


def build_cases(split: Split, fitted: Fitted, policy: Policy) -> list[Case]:
    """Cases of every test shopper (cold shoppers included, with an empty history)."""
    items, catalogue = fitted.items, fitted.catalogue
    frame = split.train.frame
    # only the test shoppers' past: grouping every shopper of a large store costs gigabytes
    frame = frame[frame["user_id"].isin(split.test["user_id"].unique())]
    groups = dict(tuple(frame.groupby("user_id", sort=False, observed=True)))
    cases = []
    for user, bought in split.test.groupby("user_id", sort=False):
        past = groups.get(user, split.train.frame.iloc[:0])
        history = build_history(
            items,
            past["item_id"].tolist(),
            past["timestamp"].to_numpy(),
            past["event_type"].tolist(),
            past["quantity"].to_numpy(),
            split.now[str(user)],
        )
        relevant = frozenset(bought["item_id"].astype(str))
        owned = history.items[history.purchased]
        owned_ids = {items.ids[i] for i in owned}
        owned_styles = {_style(catalogue.codes["style"], i) for i in owned}
        rows = {item: items.get(item) for item in relevant}
        new = {
            i
            for i, r in rows.items()
            if r is None or _style(catalogue.codes["style"], r) not in owned_styles
        }
        recent = owned[history.ages[history.purchased] <= policy.config.complement_days]
        goes_with = {c for i in recent for c in policy.complement_codes(int(i))}
        complement = {
            i
            for i, r in rows.items()
            if r is not None and int(catalogue.codes["category"][r]) in goes_with
        }
        cases.append(
            Case(
                str(user),
                history,
                relevant,
                frozenset(new),
                frozenset(relevant & owned_ids),
                frozenset(complement),
            )
        )
    return cases


def _style(styles: np.ndarray, row: int) -> int:
    """The style code of an item, or a code of its own when the style is unknown."""
    code = int(styles[row])
    return code if code >= 0 else -(row + 2)


def main_lists(
    fitted: Fitted,
    policy: Policy,
    cases: Sequence[Case],
    k: int,
    *,
    apply_policy: bool = True,
    batch: int = 256,
) -> dict[str, list[str]]:
    """Main-shelf lists of every case (popularity for shoppers without history)."""
    if apply_policy:
        return limited_lists(fitted, policy, cases, k, [None], batch=batch)[None]
    ids = fitted.items.ids
    return {
        case.user_id: [ids[i] for i in _top(raw, k)] for case, raw in _scored(fitted, cases, batch)
    }


def limited_lists(
    fitted: Fitted,
    policy: Policy,
    cases: Sequence[Case],
    k: int,
    limits: Sequence[int | None],
    *,
    batch: int = 256,
) -> dict[int | None, dict[str, list[str]]]:
    """Main-shelf lists with the policy under each category limit (``None``: the policy's
    own), each case scored and adjusted once.
    """
    lists: dict[int | None, dict[str, list[str]]] = {limit: {} for limit in limits}
    ids = fitted.items.ids
    for case, raw in _scored(fitted, cases, batch):
        adjusted = policy.apply(raw, case.history)
        for limit in limits:
            best = policy.top(adjusted, None, k, limit).tolist()
            lists[limit][case.user_id] = [ids[i] for i in best]
    return lists


def _scored(fitted: Fitted, cases: Sequence[Case], batch: int) -> Iterator[tuple[Case, np.ndarray]]:
    """Each case with the model's scores over the catalogue (popularity without history)."""
    n_items = len(fitted.items)
    for start in range(0, len(cases), batch):
        chunk = cases[start : start + batch]
        rows = [c.history.row(n_items, fitted.config.matrix) for c in chunk]
        scores = fitted.model.score_histories([c.history for c in chunk], sp.vstack(rows).tocsr())
        for case, raw in zip(chunk, scores, strict=True):
            yield case, (raw if case.history.items.size else fitted.popularity.popularity)


def rebuy_lists(
    fitted: Fitted, policy: Policy, cases: Sequence[Case], k: int
) -> dict[str, list[str]]:
    """The "buy it again" lists of every case."""
    ids = fitted.items.ids
    return {
        c.user_id: [ids[i] for i in rebuy_scores(c.history, policy, fitted.habits, k)[0]]
        for c in cases
    }


def _top(scores: np.ndarray, k: int) -> list[int]:
    k = min(k, scores.size)
    part = np.argpartition(-scores, k - 1)[:k]
    part = part[np.isfinite(scores[part])]
    return [int(i) for i in part[np.argsort(-scores[part], kind="stable")]]


RELEVANCE: dict[str, Callable[[Case], frozenset[str]]] = {
    "all": lambda c: c.relevant,
    "new": lambda c: c.new,
    "repeat": lambda c: c.repeat,
    "complement": lambda c: c.complement,
}


def accuracy(
    lists: Mapping[str, Sequence[str]],
    cases: Iterable[Case],
    k: int,
    target: str = "all",
    samples: int = 1000,
) -> dict[str, float]:
    """MAP@12, Recall@K, NDCG@K, HitRate@K (means with 95% bootstrap intervals) on one
    relevance set, over the cases where that set is not empty.
    """
    pick = RELEVANCE[target]
    chosen = [(lists.get(c.user_id, []), pick(c)) for c in cases if pick(c)]
    values = {
        "map@12": [average_precision(r, rel, 12) for r, rel in chosen],
        f"recall@{k}": [recall(r, rel, k) for r, rel in chosen],
        f"ndcg@{k}": [ndcg(r, rel, k) for r, rel in chosen],
        f"hit@{k}": [hit(r, rel, k) for r, rel in chosen],
    }
    result: dict[str, float] = {"users": float(len(chosen))}
    for name, series in values.items():
        result[name] = float(np.mean(series)) if series else 0.0
        low, high = bootstrap_interval(series, samples)
        result[f"{name}_lo"], result[f"{name}_hi"] = low, high
    return result


def redundancy(
    lists: Mapping[str, Sequence[str]],
    cases: Iterable[Case],
    fitted: Fitted,
    policy: Policy,
    k: int,
) -> dict[str, float]:
    """PPRR@K (share of the top K that substitute a purchase still inside its category's
    window), the share of the top K in a style bought in the last 30 days, and the
    intra-list diversity (distinct categories per article shown, over every list).
    """
    codes = fitted.catalogue.codes
    pprr, style, spread = [], [], []
    for case in cases:
        rows = fitted.items.rows(list(lists.get(case.user_id, []))[:k])
        rows = rows[rows >= 0]
        if rows.size:
            categories = codes["category"][rows]
            known = categories[categories >= 0]
            spread.append((np.unique(known).size + (categories < 0).sum()) / rows.size)
        bought = case.history.purchased
        owned, ages = case.history.items[bought], case.history.ages[bought]
        if owned.size == 0 or rows.size == 0:
            continue
        live = {
            int(codes["category"][i])
            for i, a in zip(owned, ages, strict=True)
            if (p := policy.plan_of(int(i))) is not None and a < p.window_days
        }
        live.discard(-1)
        recent = {
            _style(codes["style"], int(i))
            for i, a in zip(owned, ages, strict=True)
            if a <= STYLE_DAYS
        }
        pprr.append(np.isin(codes["category"][rows], list(live)).sum() / k)
        style.append(sum(_style(codes["style"], int(r)) in recent for r in rows) / k)
    return {
        f"pprr@{k}": float(np.mean(pprr)) if pprr else 0.0,
        f"same_style@{k}": float(np.mean(style)) if style else 0.0,
        f"category_diversity@{k}": float(np.mean(spread)) if spread else 0.0,
    }


def diversity(lists: Mapping[str, Sequence[str]], split: Split, n_items: int) -> dict[str, float]:
    """Catalogue coverage and novelty (self-information of the training sales)."""
    sales = split.train.purchases()["item_id"].value_counts()
    sales = sales[sales > 0]  # a categorical column also counts the articles nobody bought
    counts = {str(k): float(v) for k, v in sales.items()}
    values = list(lists.values())
    return {
        "coverage": coverage(values, n_items),
        "novelty": novelty(values, counts, float(sales.sum())),
    }


def report(
    lists: Mapping[str, Sequence[str]],
    cases: Sequence[Case],
    split: Split,
    fitted: Fitted,
    policy: Policy,
    k: int,
    samples: int = 1000,
) -> dict[str, dict[str, float]]:
    """Every metric of one model's lists: accuracy per relevance set, redundancy, diversity."""
    table = {target: accuracy(lists, cases, k, target, samples) for target in RELEVANCE}
    table["shelf"] = redundancy(lists, cases, fitted, policy, k) | diversity(
        lists, split, len(fitted.items)
    )
    return table
