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

from recommender.base import MODELS, Recommender, TrainingSet, config_from_dict, register
from recommender.candidates import (
    FEATURES,
    SOURCES,
    CandidateContext,
    Shopper,
    SourceConfig,
    features,
    gather,
)
from recommender.catalogue import Catalogue, build_catalogue
from recommender.data import MatrixConfig, Vocabulary
from recommender.history import UserHistory, build_history
from recommender.holdout import Holdout, holdouts
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


def _signal_config(values: Any) -> SignalConfig:
    return values if isinstance(values, SignalConfig) else SignalConfig(**dict(values))


def _source_config(values: Any) -> SourceConfig:
    return values if isinstance(values, SourceConfig) else SourceConfig(**dict(values))


@register(RankerConfig)
class RankerRecommender(Recommender):
    """Candidate sources ranked by a LambdaRank GBDT (see the module docstring)."""

    name: ClassVar[str] = "ranker"
    reads_history: ClassVar[bool] = True

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
        self._last: tuple[sp.csr_matrix, np.ndarray] | None = None
        self._items: Vocabulary | None = None

    # -- fitting -------------------------------------------------------------------------

    def fit(self, data: TrainingSet) -> None:
        """Learn the ranker on cuts of ``data``, then refit the sources on all of it."""
        cuts = holdouts(
            data.interactions, self.config.label_users, self.config.seed, self.config.cuts
        )
        cuts = [c for c in cuts if c.now and len(c.past.frame)]
        catalogue = build_catalogue(data.items, data.knowledge)
        self.report = {
            "timed_labels": bool(cuts) and cuts[0].timed,
            "cuts": len(cuts),
            "label_shoppers": sum(len(c.now) for c in cuts),
        }
        overrides = dict(self.config.base_overrides)
        lists = Lists()
        for index, cut in enumerate(cuts):
            past = data.with_interactions(cut.past)
            if index == 0:
                overrides = self._choose_base(past, cut)
            self._fit_sources(past, catalogue, overrides)
            self._label(past, cut, lists)
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
        self._last = None

    def _label(self, past: TrainingSet, cut: Holdout, lists: Lists) -> None:
        """Candidates and features of a cut's labelled shoppers, labelled by what they
        bought next that was new to them (lists without such a candidate are skipped).
        """
        labels = cut.labels.groupby("user_id")["item_id"].apply(set).to_dict()
        groups = dict(tuple(past.interactions.frame.groupby("user_id", sort=False)))
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
        self, histories: Sequence[UserHistory]
    ) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """(rows, features, found) of each shopper."""
        context = self._context()
        assert self.base is not None
        n_items = context.signals.n_items
        matrix_rows = sp.vstack([_row(h, n_items) for h in histories]).tocsr()
        model_scores = self.base.score(matrix_rows)
        styles = context.catalogue.codes["style"]
        result = []
        for history, scores in zip(histories, model_scores, strict=True):
            shopper = Shopper.of(history, _day(history, context), context.config.recent_days)
            allowed = np.ones(n_items, bool)
            if shopper.bought.size:
                owned = styles[shopper.bought]
                allowed[np.isin(styles, owned[owned >= 0])] = False
                allowed[shopper.bought] = False
            rows, found, copurchase = gather(context, shopper, scores, allowed)
            matrix = features(context, shopper, rows, found, scores, copurchase)
            result.append((rows, matrix, found))
        return result

    def score_histories(
        self, histories: Sequence[UserHistory], user_items: sp.csr_matrix
    ) -> np.ndarray:
        """Scores of every item for timed histories (what evaluation and serving call)."""
        context = self._context()
        floor = _floor(context.signals.trend(context.signals.last_day + 1))
        scores = np.tile(floor, (len(histories), 1))
        found = self._candidates(histories)
        predicted = self._predict([f for _, f, _ in found])
        for line, (rows, _, _), values in zip(scores, found, predicted, strict=True):
            if rows.size:
                line[rows] = values - values.min() + 1.0
        if len(histories) == 1:
            # serving asks for one shopper's candidates, some rows and the spread in turn,
            # all with this row: keep the answer (one assignment, safe across threads)
            scores[0].flags.writeable = False
            self._last = (user_items, scores[0])
        return scores

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

    def _scores_of(self, user_items: sp.csr_matrix) -> np.ndarray:
        last = self._last
        if last is not None and last[0] is user_items:
            return last[1]
        scores = np.asarray(self.score(user_items)[0])
        scores.flags.writeable = False
        self._last = (user_items, scores)
        return scores

    def candidates(
        self, user_items: sp.csr_matrix, size: int
    ) -> tuple[np.ndarray, np.ndarray] | None:
        """The shopper's ranked candidates (at least ``size`` rows, padded in trend order)."""
        scores = self._scores_of(user_items)
        size = min(size, scores.size)
        rows = np.argpartition(-scores, size - 1)[:size] if size else np.zeros(0, np.int64)
        return rows, scores[rows]

    def score_rows(self, user_items: sp.csr_matrix, rows: np.ndarray) -> np.ndarray:
        """Scores of ``rows`` for the shopper (kept from the last call for the same row)."""
        return np.asarray(self._scores_of(user_items)[rows])

    def score_moments(self, user_items: sp.csr_matrix) -> tuple[float, float]:
        """Mean and spread of the shopper's scores over the catalogue."""
        scores = self._scores_of(user_items)
        return float(scores.mean()), float(scores.std())

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
        self._last = None


@dataclass
class Lists:
    """Labelled candidate lists gathered for boosting."""

    blocks: list[np.ndarray] = field(default_factory=list)
    targets: list[np.ndarray] = field(default_factory=list)
    sizes: list[int] = field(default_factory=list)
    hits: np.ndarray = field(default_factory=lambda: np.zeros(len(SOURCES)))


MODEL_SCORE = FEATURES.index("model_score")


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


def _floor(trend: np.ndarray) -> np.ndarray:
    """Scores below every candidate, ordered by trend (ties broken by row)."""
    top = float(trend.max(initial=0.0)) or 1.0
    return (-1.0 + 0.5 * trend / top).astype(np.float32)
