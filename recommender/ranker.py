"""The learned ranking stage: many cheap candidate sources, ordered by LightGBM LambdaRank.

Fitting cuts the training window itself (``recommender.holdout``): the sources and the
embedding model are fitted on the past, each sampled shopper's candidates are labelled by
what they bought next that was new to them, and a LambdaRank model learns to order them
(early stopping on a fifth of the labelled shoppers). The sources and the embedding model
are then fitted again on the whole window for serving. Scores outside a shopper's candidates
sit below every candidate, in trend order, so the one recommender interface still ranks the
whole catalogue.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import lightgbm as lgb
import numpy as np
import pandas as pd
import scipy.sparse as sp

from recommender.base import (
    MODELS,
    Evidence,
    Recommender,
    TrainingSet,
    config_from_dict,
    register,
)
from recommender.candidates import (
    FEATURES,
    SOURCES,
    CandidateContext,
    Shopper,
    SourceConfig,
    features,
    feed_notes,
    gather,
    missing_fields,
)
from recommender.catalogue import Catalogue, build_catalogue
from recommender.data import MatrixConfig, Vocabulary
from recommender.history import UserHistory, build_history
from recommender.holdout import Holdout, holdouts, is_timed
from recommender.metrics import average_precision
from recommender.signals import SignalConfig, Signals

BOOSTER_FILE = "ranker.txt"
STATE_FILE = "ranker.json"
BASE_DIR = "base"


@dataclass(frozen=True)
class RankerConfig:
    """The ranking stage's settings."""

    base: str = "als"
    """Embedding model whose candidates and scores feed the ranker."""
    base_overrides: dict[str, Any] = field(default_factory=dict)
    """Config fields of the base model that differ from its defaults."""
    base_grid: tuple[dict[str, Any], ...] = (
        {},
        {"factors": 128, "regularization": 0.1},
        {"regularization": 0.5, "alpha": 40.0},
    )
    """Settings tried over ``base_overrides`` (ALS's by default); the one whose lists best
    predict the labelled shoppers' next purchases (MAP@12) is kept."""
    signals: SignalConfig = field(default_factory=SignalConfig)
    """How co-purchases and trends are counted."""
    sources: SourceConfig = field(default_factory=SourceConfig)
    """How many candidates each source proposes."""
    label_users: int = 20_000
    """Most shoppers whose next purchases label the ranker's training lists."""
    # Small, slow-learning trees: the labelled lists are few (hundreds to a few thousand) and
    # the trees only correct the base model's order (measured on H&M splits A and B, where
    # 31-leaf trees overfitted the training cuts).
    trees: int = 600
    """Most boosting rounds (early stopping usually ends sooner)."""
    learning_rate: float = 0.02
    """LightGBM's shrinkage."""
    leaves: int = 7
    """Leaves per tree."""
    min_child: int = 200
    """Least candidates per leaf."""
    cuts: int = 3
    """Consecutive time cuts of the training window whose shoppers label the lists."""
    seed: int = 0
    """Sampling and boosting seed."""
    threads: int = 0
    """LightGBM threads (0: its default)."""
    shortlist_items: int = 20_000
    """Catalogues at least this large serve one shopper from the base model's shortlist (the
    members of its best clusters) instead of scoring every item; evaluation scores them all."""
    shortlist_size: int = 4_096
    """Least number of items in the base model's shortlist."""


def _signal_config(values: Any) -> SignalConfig:
    return values if isinstance(values, SignalConfig) else SignalConfig(**dict(values))


def _source_config(values: Any) -> SourceConfig:
    return values if isinstance(values, SourceConfig) else SourceConfig(**dict(values))


@register(RankerConfig)
class RankerRecommender(Recommender):
    """Candidate sources ranked by a LambdaRank GBDT (see the module docstring)."""

    name: ClassVar[str] = "ranker"

    def __init__(self, config: RankerConfig | None = None) -> None:
        config = config or RankerConfig()
        self.config = RankerConfig(
            **{
                **config.__dict__,
                "signals": _signal_config(config.signals),
                "sources": _source_config(config.sources),
            }
        )
        self.booster: lgb.Booster | None = None
        self.base: Recommender | None = None
        self.context: CandidateContext | None = None
        self.report: dict[str, Any] = {}
        # per shopper row being served (keyed by the row object's id, checked by identity):
        # serving threads interleave their calls
        self._primed: dict[int, tuple[sp.csr_matrix, UserHistory]] = {}
        self._served_rows: dict[int, _Served] = {}
        self._floor: _Floor | None = None
        self._items: Vocabulary | None = None

    # -- fitting -------------------------------------------------------------------------

    def fit(self, data: TrainingSet) -> None:
        """Learn the ranker on cuts of ``data``, then refit the sources on all of it."""
        catalogue = build_catalogue(data.items, data.knowledge)
        self.report = {
            "timed_labels": False,
            "cuts": 0,
            "label_shoppers": 0,
            "notes": feed_notes(missing_fields(catalogue), is_timed(data.interactions)),
        }
        overrides = dict(self.config.base_overrides)
        lists = Lists()
        cuts = holdouts(
            data.interactions, self.config.label_users, self.config.seed, self.config.cuts
        )
        for cut in cuts:
            if not cut.now or not len(cut.past.frame):
                continue
            past = data.with_interactions(cut.past)
            if not self.report["cuts"]:
                overrides = self._choose_base(past, cut)
                self.report["timed_labels"] = cut.timed
            self.report["cuts"] += 1
            self.report["label_shoppers"] += len(cut.now)
            self._fit_sources(past, catalogue, overrides)
            self._label(past, cut, lists)
            # one past alive at a time: each is a near-full copy of the events
            del cut, past
        self.report["source_hits"] = dict(zip(SOURCES, lists.hits.tolist(), strict=True))
        self.report["trained_lists"] = len(lists.sizes)
        self.booster = self._boost(lists) if len(lists.sizes) >= 10 else None
        self._fit_sources(data, catalogue, overrides)

    def _choose_base(self, past: TrainingSet, cut: Holdout) -> dict[str, Any]:
        """The base settings of :attr:`RankerConfig.base_grid` that best predict the labels."""
        grid = [{**self.config.base_overrides, **g} for g in self.config.base_grid]
        if len(grid) < 2:
            return grid[0] if grid else dict(self.config.base_overrides)
        labels = cut.labels.groupby("user_id")["item_id"].apply(set).to_dict()
        users = [u for u in cut.now if u in past.users and u in labels]
        rows = past.matrix[past.users.rows(users)]
        tried = []
        for overrides in grid:
            model = _create(self.config.base, overrides)
            model.fit(past)
            best, _ = model.recommend(rows, 12, exclude_seen=True)
            ids = past.items.ids
            hits = [
                average_precision([ids[i] for i in line], labels[u], 12)
                for u, line in zip(users, best, strict=True)
            ]
            tried.append((float(np.mean(hits)) if hits else 0.0, overrides))
        self.report["base_search"] = [{"map@12": m, **o} for m, o in tried]
        return max(tried, key=lambda t: t[0])[1]

    def _fit_sources(
        self, data: TrainingSet, catalogue: Catalogue, overrides: dict[str, Any]
    ) -> None:
        base = _create(self.config.base, overrides)
        base.fit(data)
        self._items = data.items
        signals = Signals(self.config.signals).fit(
            data.interactions, data.users, data.items, catalogue.codes["category"]
        )
        complements = _complement_codes(catalogue, data)
        self.base = base
        self.context = CandidateContext(signals, catalogue, complements, self.config.sources)
        self._forget()

    def _forget(self) -> None:
        """Drop what was kept for the last shopper (after fitting or loading)."""
        self._primed, self._served_rows, self._floor = {}, {}, None

    def _label(self, past: TrainingSet, cut: Holdout, lists: Lists) -> None:
        """Candidates and features of a cut's labelled shoppers, labelled by what they
        bought next that was new to them (lists without such a candidate are skipped).
        """
        labels = cut.labels.groupby("user_id")["item_id"].apply(set).to_dict()
        frame = past.interactions.frame
        # only the labelled shoppers' past: grouping every shopper of a large store costs
        # gigabytes (a DataFrame per shopper)
        frame = frame[frame["user_id"].isin(list(cut.now))]
        groups = dict(tuple(frame.groupby("user_id", sort=False, observed=True)))
        shoppers = [u for u in cut.now if u in groups]
        styles = self._context().catalogue.codes["style"]
        for start in range(0, len(shoppers), 512):
            chunk = shoppers[start : start + 512]
            histories = [_history(past.items, groups[u], cut.now[u]) for u in chunk]
            found_lists = self._candidates(histories)
            for user, history, (rows, matrix, found) in zip(
                chunk, histories, found_lists, strict=True
            ):
                owned = set(styles[history.items[history.purchased]].tolist()) - {-1}
                wanted = [
                    r
                    for r in past.items.rows(sorted(labels.get(user, ())))
                    if r >= 0 and int(styles[r]) not in owned
                ]
                target = np.isin(rows, wanted).astype(np.float32)
                lists.hits += (found * target[:, None]).sum(axis=0)
                if target.any() and target.size > 1:
                    lists.blocks.append(matrix)
                    lists.targets.append(target)
                    lists.sizes.append(rows.size)

    def _boost(self, lists: Lists) -> lgb.Booster:
        blocks, targets, sizes = lists.blocks, lists.targets, lists.sizes
        order = np.random.default_rng(self.config.seed).permutation(len(sizes))
        cut = max(1, len(sizes) // 5)
        held, kept = order[:cut], order[cut:]

        def dataset(picks: np.ndarray, reference: lgb.Dataset | None = None) -> lgb.Dataset:
            return lgb.Dataset(
                np.vstack([blocks[i] for i in picks]),
                np.concatenate([targets[i] for i in picks]),
                group=[sizes[i] for i in picks],
                init_score=np.concatenate([prior(blocks[i]) for i in picks]),
                feature_name=list(FEATURES),
                reference=reference,
                free_raw_data=True,
            )

        train = dataset(kept)
        valid = dataset(held, train)
        params = {
            "objective": "lambdarank",
            "metric": "map",
            "eval_at": [12],
            "learning_rate": self.config.learning_rate,
            "num_leaves": self.config.leaves,
            "min_data_in_leaf": self.config.min_child,
            "feature_fraction": 0.8,
            "bagging_fraction": 0.8,
            "bagging_freq": 1,
            "seed": self.config.seed,
            "num_threads": self.config.threads,
            "verbosity": -1,
        }
        booster = lgb.train(
            params,
            train,
            num_boost_round=self.config.trees,
            valid_sets=[valid],
            callbacks=[lgb.early_stopping(30, verbose=False)],
        )
        gains = booster.feature_importance("gain")
        total = float(gains.sum()) or 1.0
        self.report["feature_importance"] = {
            name: round(float(g) / total, 4)
            for name, g in sorted(zip(FEATURES, gains, strict=True), key=lambda p: -p[1])
        }
        self.report["best_iteration"] = int(booster.best_iteration)
        self.report["validation_map@12"] = float(booster.best_score["valid_0"]["map@12"])
        return booster

    def notes(self) -> list[str]:
        """What this feed lacked (timestamps, catalogue fields) and what was skipped for it."""
        return list(self.report.get("notes", []))

    # -- scoring -------------------------------------------------------------------------

    @property
    def base_items(self) -> Vocabulary:
        """The item columns the ranker was fitted on."""
        if self._items is None:
            raise RuntimeError("the ranker is not fitted")
        return self._items

    def _context(self) -> CandidateContext:
        if self.context is None:
            raise RuntimeError("the ranker is not fitted")
        return self.context

    def _candidates(
        self, histories: Sequence[UserHistory], *, shortlist: bool = False
    ) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """(rows, features, found) of each shopper.

        With ``shortlist`` (serving one shopper on a large catalogue) the base model proposes
        from its own shortlist and scores only the candidates; otherwise it scores every item.
        """
        context = self._context()
        assert self.base is not None
        n_items = context.signals.n_items
        matrix_rows = sp.vstack([_row(h, n_items) for h in histories]).tocsr()
        found = self.base.candidates(matrix_rows, self.config.shortlist_size) if shortlist else None
        if found is not None and len(histories) == 1:
            return [self._shopper_candidates(histories[0], found, matrix_rows)]
        dense = self.base.score(matrix_rows)
        every = np.arange(n_items)
        return [
            self._shopper_candidates(history, (every, scores), None)
            for history, scores in zip(histories, dense, strict=True)
        ]

    def _shopper_candidates(
        self,
        history: UserHistory,
        model: tuple[np.ndarray, np.ndarray],
        row: sp.csr_matrix | None,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """One shopper's (rows, features, found); ``row`` scores candidates the base model's
        ``model`` rows (a shortlist) leave out, ``None`` when ``model`` covers every item.
        """
        context = self._context()
        assert self.base is not None
        shopper = Shopper.of(history, _day(history, context), context.config.recent_days)
        rows, found, copurchase = gather(context, shopper, model, context.allowed(shopper))
        if row is None:
            scores = model[1][rows]
        else:
            scores = np.asarray(self.base.score_rows(row, rows), np.float32)
        matrix = features(context, shopper, rows, found, scores, copurchase)
        return rows, matrix, found

    def source_hits(
        self, histories: Sequence[UserHistory], wanted: Sequence[np.ndarray]
    ) -> np.ndarray:
        """Which sources proposed what each shopper wanted (e.g. their next purchases).

        Args:
            histories: The shoppers, at the moment they are served.
            wanted: Item rows each shopper wanted.

        Returns:
            (shoppers, sources + 1) the share of a shopper's wanted rows each source of
            :data:`SOURCES` proposed, and (last column) any source; NaN where nothing is wanted.
        """
        shares = np.full((len(histories), len(SOURCES) + 1), np.nan)
        for start in range(0, len(histories), 256):
            chunk = histories[start : start + 256]
            for offset, (rows, _, found) in enumerate(self._candidates(chunk)):
                goal = np.unique(wanted[start + offset])
                if goal.size == 0:
                    continue
                hit = found[np.isin(rows, goal)]
                shares[start + offset, :-1] = hit.sum(axis=0) / goal.size
                shares[start + offset, -1] = hit.shape[0] / goal.size
        return shares

    def score_histories(
        self, histories: Sequence[UserHistory], user_items: sp.csr_matrix
    ) -> np.ndarray:
        """Scores of every item for timed histories (what evaluation calls)."""
        floor = self._floor_scores()
        scores = np.tile(floor.scores, (len(histories), 1))
        found = self._candidates(histories)
        predicted = self._predict([f for _, f, _ in found])
        for line, (rows, _, _), values in zip(scores, found, predicted, strict=True):
            if rows.size:
                line[rows] = _lifted(values)
        if len(histories) == 1:
            rows, block, _ = found[0]
            self._keep(_Served(user_items, rows, _lifted(predicted[0]), block, histories[0]))
        return scores

    def prime(self, history: UserHistory, user_items: sp.csr_matrix) -> None:
        """Serve this timed history for ``user_items``' next calls (scored on first use)."""
        _remember(self._primed, user_items, (user_items, history))

    def _predict(self, blocks: list[np.ndarray]) -> list[np.ndarray]:
        if not blocks:
            return []
        stacked = np.vstack(blocks)
        values = np.concatenate([prior(b) for b in blocks])
        if self.booster is not None:  # the trees learned corrections of the prior
            values = values + np.asarray(
                self.booster.predict(stacked, num_threads=1, raw_score=True), np.float32
            )
        return np.split(values.astype(np.float32), np.cumsum([len(b) for b in blocks])[:-1])

    def score(self, user_items: sp.csr_matrix) -> np.ndarray:
        """Scores from history rows alone: every event counts as bought now."""
        context = self._context()
        histories = [_untimed(user_items.getrow(i), context) for i in range(user_items.shape[0])]
        return self.score_histories(histories, user_items)

    def _keep(self, served: _Served) -> _Served:
        """Keep ``served`` (its rows sorted) for the calls about its row that follow."""
        order = np.argsort(served.rows)
        served = _Served(
            served.user_items,
            served.rows[order],
            served.values[order],
            served.features[order],
            served.history,
        )
        _remember(self._served_rows, served.user_items, served)
        return served

    def _served(self, user_items: sp.csr_matrix) -> _Served:
        """The candidates and scores of the shopper of ``user_items``: kept from an earlier
        call for this row, else scored from its primed history (or the row alone).
        """
        served = self._served_rows.get(id(user_items))
        if served is not None and served.user_items is user_items:
            return served
        primed = self._primed.get(id(user_items))
        if primed is not None and primed[0] is user_items:
            history = primed[1]
        else:
            history = _untimed(user_items.getrow(0), self._context())
        shortlist = self._context().signals.n_items >= self.config.shortlist_items
        rows, block, _ = self._candidates([history], shortlist=shortlist)[0]
        values = _lifted(self._predict([block])[0])
        return self._keep(_Served(user_items, rows, values, block, history))

    def explain(self, user_items: sp.csr_matrix, rows: np.ndarray) -> list[Evidence | None]:
        """The feature group the trees raised each candidate most for (their contributions;
        none when no group raised it, or when the group is the base model's own score, which
        the explainer words itself as taste).
        """
        served = self._served(user_items)
        result: list[Evidence | None] = [None] * len(rows)
        at = np.minimum(np.searchsorted(served.rows, rows), max(served.rows.size - 1, 0))
        known = np.flatnonzero(served.rows[at] == rows) if served.rows.size else at[:0]
        if self.booster is None or known.size == 0:
            return result
        picked = served.features[at[known]]
        # The last column of pred_contrib is the bias term, not a feature.
        raw = self.booster.predict(picked, pred_contrib=True, num_threads=1)
        contributions = np.asarray(raw)[:, :-1]
        strength = np.column_stack(
            [contributions[:, columns].sum(axis=1) for columns in EVIDENCE_COLUMNS.values()]
        )
        kinds = tuple(EVIDENCE_COLUMNS)
        for index, line, values in zip(known, strength, picked, strict=True):
            best = int(np.argmax(line))
            if line[best] > 0:
                evidence = self._evidence(kinds[best], values, int(rows[index]), served.history)
                result[index] = evidence
        return result

    def _evidence(
        self, kind: str, values: np.ndarray, row: int, history: UserHistory
    ) -> Evidence | None:
        """``kind`` as evidence, when the candidate's own features bear it out."""
        if kind == "bought_together":
            bought = np.flatnonzero(history.purchased)
            signals = self._context().signals
            if bought.size == 0 or signals.confidence.shape[0] == 0:
                return None
            strength = signals.confidence_at(history.items[bought], np.array([row]))[:, 0]
            half_life = max(self._context().config.recent_days, 1e-9)
            strength = strength * np.power(0.5, history.ages[bought] / half_life)
            best = int(np.argmax(strength))
            return Evidence(kind, int(bought[best])) if strength[best] > 0 else None
        top = min(TRENDING_MOST, TRENDING_SHARE * self._context().signals.n_items)
        if kind == "trending" and values[TREND_RANK] < max(top, 1.0):
            return Evidence(kind)
        if kind == "department" and values[SHARE_DEPARTMENT] >= 0.25:
            return Evidence(kind)
        return None

    def _floor_scores(self) -> _Floor:
        floor = self._floor
        if floor is None:
            signals = self._context().signals
            floor = _Floor.of(_floor(signals.trend(signals.last_day + 1)))
            self._floor = floor
        return floor

    def candidates(
        self, user_items: sp.csr_matrix, size: int
    ) -> tuple[np.ndarray, np.ndarray] | None:
        """The shopper's ranked candidates (at least ``size`` rows, padded in trend order)."""
        served, floor = self._served(user_items), self._floor_scores()
        size = min(size, floor.scores.size)
        if size <= served.rows.size:
            best = np.argpartition(-served.values, size - 1)[:size] if size else served.rows[:0]
            return served.rows[best], served.values[best]
        head = floor.order[: size + served.rows.size]
        padding = head[~np.isin(head, served.rows)][: size - served.rows.size]
        rows = np.concatenate([served.rows, padding])
        return rows, np.concatenate([served.values, floor.scores[padding]])

    def score_rows(self, user_items: sp.csr_matrix, rows: np.ndarray) -> np.ndarray:
        """Scores of ``rows`` for the shopper (kept from the last call for the same row)."""
        served = self._served(user_items)
        values = self._floor_scores().scores[rows].copy()
        at = np.searchsorted(served.rows, rows)
        hit = at < served.rows.size
        hit[hit] = served.rows[at[hit]] == rows[hit]
        values[hit] = served.values[at[hit]]
        return np.asarray(values)

    def score_moments(self, user_items: sp.csr_matrix) -> tuple[float, float]:
        """Mean and spread of the shopper's scores over the catalogue (the floor's sums,
        corrected at the candidates).
        """
        served, floor = self._served(user_items), self._floor_scores()
        below = floor.scores[served.rows].astype(np.float64)
        values = served.values.astype(np.float64)
        n = floor.scores.size
        mean = (floor.total - below.sum() + values.sum()) / n
        square = (floor.squares - (below**2).sum() + (values**2).sum()) / n
        return float(mean), max(square - mean**2, 0.0) ** 0.5

    def item_similarity(self, item: int) -> np.ndarray | None:
        """The base model's item space."""
        return self.base.item_similarity(item) if self.base is not None else None

    # -- persistence ---------------------------------------------------------------------

    def save_arrays(self, directory: Path) -> None:
        """Write the booster, the base model, the signals and the catalogue codes."""
        context = self._context()
        assert self.base is not None
        self.base.save(directory / BASE_DIR)
        context.signals.save(directory)
        context.catalogue.save(directory / BASE_DIR)
        if self.booster is not None:
            self.booster.save_model(str(directory / BOOSTER_FILE))
        state = {
            "report": self.report,
            "complements": {str(k): list(v) for k, v in context.complements.items()},
            "features": list(FEATURES),
            "booster": self.booster is not None,
        }
        (directory / STATE_FILE).write_text(json.dumps(state))

    def load_arrays(self, directory: Path) -> None:
        """Read what :meth:`save_arrays` wrote.

        Raises:
            ValueError: When the saved features are not this version's.
        """
        state = json.loads((directory / STATE_FILE).read_text())
        if state.get("features") != list(FEATURES):
            raise ValueError(f"{directory}: the ranker was saved with other features")
        self.base = Recommender.load(directory / BASE_DIR)
        signals = Signals(self.config.signals).load(directory)
        catalogue = Catalogue.load(directory / BASE_DIR)
        complements = {int(k): tuple(v) for k, v in state["complements"].items()}
        self.context = CandidateContext(signals, catalogue, complements, self.config.sources)
        try:
            self.booster = (
                lgb.Booster(model_file=str(directory / BOOSTER_FILE)) if state["booster"] else None
            )
        except lgb.basic.LightGBMError as exc:
            raise ValueError(f"{directory / BOOSTER_FILE}: unreadable ranker ({exc})") from exc
        self.report = state.get("report", {})
        self._forget()


@dataclass(frozen=True)
class _Served:
    """One shopper's candidates, their scores and features, and the history they came from."""

    user_items: sp.csr_matrix
    rows: np.ndarray
    values: np.ndarray
    features: np.ndarray
    history: UserHistory


@dataclass(frozen=True)
class _Floor:
    """The scores of items outside a shopper's candidates, their trend order and sums."""

    scores: np.ndarray
    order: np.ndarray
    total: float
    squares: float

    @classmethod
    def of(cls, scores: np.ndarray) -> _Floor:
        """The floor of ``scores`` (kept read-only: shared by every request)."""
        scores.flags.writeable = False
        values = scores.astype(np.float64)
        order = np.argsort(-scores, kind="stable")
        return cls(scores, order, float(values.sum()), float((values**2).sum()))


@dataclass
class Lists:
    """Labelled candidate lists gathered for boosting."""

    blocks: list[np.ndarray] = field(default_factory=list)
    targets: list[np.ndarray] = field(default_factory=list)
    sizes: list[int] = field(default_factory=list)
    hits: np.ndarray = field(default_factory=lambda: np.zeros(len(SOURCES)))


MODEL_SCORE = FEATURES.index("model_score")
TREND_RANK = FEATURES.index("trend_rank")
SHARE_DEPARTMENT = FEATURES.index("share_department")
TRENDING_SHARE, TRENDING_MOST = 0.02, 500
"""Candidates ranked by trend within this share of the catalogue (and this many) may be
called trending."""
EVIDENCE_COLUMNS = {
    kind: [FEATURES.index(name) for name in names]
    for kind, names in (
        ("taste", ("model_score", "model_rank")),
        ("bought_together", ("copurchase_score", "copurchase_rank")),
        ("trending", ("trend", "trend_rank", "sales_total", "days_since_last_sale")),
        ("department", ("share_department", "share_department_colour")),
    )
}
"""Feature groups whose contributions are weighed to explain a suggestion."""


def prior(block: np.ndarray) -> np.ndarray:
    """The ranking the trees start from: the base model's scores, standardised per list."""
    scores = block[:, MODEL_SCORE].astype(np.float64)
    if scores.size == 0:
        return np.zeros(0, np.float32)
    spread = scores.std()
    return np.asarray((scores - scores.mean()) / (spread if spread > 0 else 1.0), np.float32)


def _create(name: str, overrides: dict[str, Any]) -> Recommender:
    model_type, config_type = MODELS[name]
    return model_type(config_from_dict(config_type, overrides))


def _complement_codes(catalogue: Catalogue, data: TrainingSet) -> dict[int, tuple[int, ...]]:
    """Declared complements (the knowledge's) as category codes."""
    result: dict[int, tuple[int, ...]] = {}
    for code, name in enumerate(catalogue.names["category"]):
        others = (catalogue.code("category", c) for c in data.knowledge.complements(name))
        kept = tuple(o for o in others if o >= 0 and o != code)
        if kept:
            result[code] = kept
    return result


def _history(items: Vocabulary, frame: pd.DataFrame, now: pd.Timestamp) -> UserHistory:
    return build_history(
        items,
        frame["item_id"].tolist(),
        frame["timestamp"].to_numpy(),
        frame["event_type"].tolist(),
        frame["quantity"].to_numpy(),
        now,
    )


def _row(history: UserHistory, n_items: int) -> sp.csr_matrix:
    """The base model's history row (default event weights, no decay)."""
    return history.row(n_items, MatrixConfig())


def _day(history: UserHistory, context: CandidateContext) -> int:
    """The shopper's "now" as a day number (the training end when the history is empty)."""
    if history.items.size == 0:
        return context.signals.last_day + 1
    now = history.times[0] + np.timedelta64(int(history.ages[0] * 86400), "s")
    return int(np.asarray(now).astype("datetime64[D]").astype(np.int64))


def _untimed(row: sp.csr_matrix, context: CandidateContext) -> UserHistory:
    """A history row as purchases made the day after the training end."""
    cols = row.indices.astype(np.int64)
    day = np.datetime64(context.signals.last_day + 1, "D").astype("datetime64[ns]")
    return UserHistory(
        items=cols,
        kinds=np.full(cols.size, "purchase", dtype=object),
        ages=np.zeros(cols.size),
        times=np.full(cols.size, day),
        quantities=np.ones(cols.size),
    )


def _remember(kept: dict[int, Any], user_items: sp.csr_matrix, value: Any, most: int = 64) -> None:
    """Keep ``value`` for the row object ``user_items`` among a few recent ones."""
    if len(kept) >= most:
        kept.clear()  # simpler than evicting one, and safe while other threads read
    kept[id(user_items)] = value


def _lifted(values: np.ndarray) -> np.ndarray:
    """Candidate scores moved above the floor (every one ≥ 1)."""
    return (values - values.min() + 1.0).astype(np.float32) if values.size else values


def _floor(trend: np.ndarray) -> np.ndarray:
    """Scores below every candidate, ordered by trend (ties broken by row)."""
    top = float(trend.max(initial=0.0)) or 1.0
    return (-1.0 + 0.5 * trend / top).astype(np.float32)
