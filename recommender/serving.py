"""The serving API: shelves of suggestions with reasons, from a trained artifact.

The service passes each shopper's full history on every call; the model folds the shopper in
and the policy reads the purchases, so a purchase stored a second ago changes the next shelf
without retraining. Unknown shoppers get a popular, policy-respecting cold-start shelf.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from recommender.artifacts import ArtifactError, load_fitted
from recommender.history import UserHistory, build_history
from recommender.pipeline import Fitted
from recommender.policy import Policy
from recommender.reasons import Explainer
from recommender.rebuy import rebuy_scores

__all__ = ["ArtifactError", "HistoryEvent", "Shelf", "Shelves", "ShortlistConfig", "Suggestion"]


@dataclass(frozen=True)
class ShortlistConfig:
    """When and how the main shelf ranks a shortlist instead of the whole catalogue.

    On a large catalogue the main shelf scores only the model's candidates (e.g. the members of
    the best k-means clusters of item vectors) and the most popular items; the policy (in units
    of the spread of the shopper's scores over the whole catalogue, which the model reports)
    and the top-k then run on that shortlist. Smaller catalogues are ranked exhaustively.
    """

    min_items: int = 20_000
    """Catalogues with fewer items are ranked exhaustively (0 would shortlist always)."""
    candidates: int = 4_096
    """Least number of model candidates."""
    popular: int = 256
    """Most popular items always shortlisted."""
    complements: int = 64
    """Most popular items of each category the policy promotes for the shopper (complements
    of recent purchases) added to the shortlist: the boost can lift them above candidates."""


@dataclass(frozen=True)
class HistoryEvent:
    """One event of a shopper, as stored."""

    item_id: str
    occurred_at: datetime
    event_type: str
    quantity: int = 1


@dataclass(frozen=True)
class Suggestion:
    """One suggested article, its score and why."""

    item_id: str
    score: float
    reason: str


@dataclass(frozen=True)
class Shelf:
    """A ranked list of suggestions."""

    items: tuple[Suggestion, ...]
    cold_start: bool
    model_version: str


class Shelves:
    """Main, buy-it-again, similar and complement shelves of one trained version."""

    def __init__(
        self, fitted: Fitted, version: str, shortlist: ShortlistConfig | None = None
    ) -> None:
        self.fitted = fitted
        self.version = version
        self.shortlist = shortlist or ShortlistConfig()
        self.policy = Policy(fitted.catalogue, fitted.tables, fitted.config.policy)
        self.explainer = Explainer(self.policy, fitted.item_popularity)
        self._ids = np.asarray(fitted.items.ids, dtype=object)
        n_items = len(fitted.items)
        self._shortlisting = n_items >= self.shortlist.min_items
        popularity = fitted.item_popularity
        top = min(self.shortlist.popular, popularity.size)
        self._popular = np.argpartition(-popularity, top - 1)[:top] if top else np.zeros(0, int)
        self._top_by_category: dict[int, np.ndarray] = {}
        if self._shortlisting:  # build the model's candidate index now, not on a first request
            self.fitted.model.candidates(sp.csr_matrix((1, n_items), dtype=np.float32), 1)

    @classmethod
    def load(cls, directory: Path) -> Shelves:
        """Load a version folder written by the train stage.

        The facts the shelves need were coded into the artifact at training time, so serving
        needs no knowledge graph.

        Raises:
            ArtifactError: When the folder is incomplete or corrupt.
        """
        fitted, manifest = load_fitted(directory)
        return cls(fitted, str(manifest.get("version", directory.name)))

    def user_history(self, history: Sequence[HistoryEvent], now: datetime) -> UserHistory:
        """Resolve a stored history against the item vocabulary."""
        return build_history(
            self.fitted.items,
            [e.item_id for e in history],
            [e.occurred_at for e in history],
            [e.event_type for e in history],
            [e.quantity for e in history],
            now,
        )

    def main_scores(self, user: UserHistory, row: sp.csr_matrix | None = None) -> np.ndarray:
        """Model scores (popularity for a shopper without usable history) after the policy.

        Args:
            user: The shopper's history.
            row: Its weighted row, when the caller has built it (the model keeps what it
                computed for this row object for the calls that follow).
        """
        if user.items.size == 0:
            raw = self.fitted.item_popularity.astype(np.float32)
        else:
            row = row if row is not None else self._row(user)
            raw = self.fitted.model.score_histories([user], row)[0]
        return self.policy.apply(raw, user)

    def recommend(
        self,
        user_id: str,
        history: Sequence[HistoryEvent],
        now: datetime,
        k: int = 12,
        *,
        category: str | None = None,
        exclude: Collection[str] = (),
        include: Collection[str] | None = None,
    ) -> Shelf:
        """The main shelf: new things the shopper will like, nothing just made redundant."""
        del user_id  # the history is the shopper; ids are not needed by the models
        user = self.user_history(history, now)
        row = self._row(user)
        self.fitted.model.prime(user, row)  # the calls about this row may read the timed history
        rows, scores = self._main_candidates(user, row, k, category, include)
        self._restrict(rows, scores, category, exclude, include)
        # one category may fill the shelf only when the shopper asked for it
        best = _best(scores, k) if category or include else self.policy.top(scores, rows, k)
        if best.size == 0 and include is None and category is None:
            rows = np.arange(len(self.fitted.items))
            scores = self._fallback(exclude)
            best = _best(scores, k)
        picked = rows[best]
        # the model's own account of what raised each suggestion, where it has one
        evidence = self.fitted.model.explain(row, picked) if user.items.size else None
        reasons = self.explainer.reasons(picked.tolist(), user, evidence)
        items = tuple(
            Suggestion(self._ids[r], float(scores[b]), why)
            for r, b, why in zip(picked, best, reasons, strict=True)
        )
        return Shelf(items, cold_start=user.items.size == 0, model_version=self.version)

    def _row(self, user: UserHistory) -> sp.csr_matrix:
        return user.row(len(self.fitted.items), self.fitted.config.matrix)

    def _main_candidates(
        self,
        user: UserHistory,
        row: sp.csr_matrix,
        k: int,
        category: str | None,
        include: Collection[str] | None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Rows worth ranking for the main shelf and their scores after the policy."""
        n_items = len(self.fitted.items)
        if not self._shortlisting:
            return np.arange(n_items), self.main_scores(user, row)
        popularity = self.fitted.item_popularity
        if include is not None:
            wanted = self.fitted.items.rows(list(include))
            rows = np.unique(wanted[wanted >= 0])
        elif category is not None:
            code = self.fitted.catalogue.code("category", category)
            rows = self.policy.members("category", code)
        elif user.items.size == 0:
            rows = self._popular if k <= self._popular.size else _best(popularity, k)
        else:
            rows = np.zeros(0, np.int64)  # the model's candidates, below
        if user.items.size == 0:  # cold start: popularity, as on the whole catalogue
            mean, spread = float(popularity.mean()), float(popularity.std())
            scores = popularity[rows].astype(np.float32)
            return rows, self.policy.apply_rows(scores, rows, user, mean, spread)
        model = self.fitted.model
        if include is not None or category is not None:
            scores = model.score_rows(row, rows)
        else:
            found = model.candidates(row, self.shortlist.candidates)
            if found is None:  # the model cannot shortlist: rank everything
                return np.arange(n_items), self.main_scores(user, row)
            rows, scores = found
            extra = np.concatenate(
                [self._popular, *map(self._popular_in, self.policy.promoted_categories(user))]
            )
            seen = np.zeros(n_items, bool)
            seen[rows] = True
            extra = np.unique(extra[~seen[extra]])
            rows = np.concatenate([rows, extra])
            scores = np.concatenate([scores, model.score_rows(row, extra)])
        mean, spread = model.score_moments(row)
        return rows, self.policy.apply_rows(scores, rows, user, mean, spread)

    def _popular_in(self, category: int) -> np.ndarray:
        """The most popular items of a category (kept once computed)."""
        top = self._top_by_category.get(category)
        if top is None:
            members = self.policy.members("category", category)
            size = min(self.shortlist.complements, members.size)
            popularity = self.fitted.item_popularity[members]
            top = members[np.argpartition(-popularity, size - 1)[:size]] if size else members
            self._top_by_category[category] = top
        return top

    def rebuy(
        self, user_id: str, history: Sequence[HistoryEvent], now: datetime, k: int = 12
    ) -> Shelf:
        """Buy it again: past purchases in re-bought categories, due ones first."""
        del user_id
        user = self.user_history(history, now)
        rows, scores, reasons = rebuy_scores(user, self.policy, self.fitted.habits, k)
        items = tuple(
            Suggestion(self._ids[r], float(s), why)
            for r, s, why in zip(rows, scores, reasons, strict=True)
        )
        return Shelf(items, cold_start=not user.purchased.any(), model_version=self.version)

    def similar(self, item_id: str, k: int = 12) -> Shelf:
        """Substitutes: the same category, closest in the model's item space."""
        row = self.fitted.items.get(item_id)
        if row is None:
            return Shelf((), cold_start=True, model_version=self.version)
        scores = self._neighbours(row)
        same = self.policy.members("category", int(self.fitted.catalogue.codes["category"][row]))
        if same.size > 1:
            mask = np.full(scores.size, -np.inf, np.float32)
            mask[same] = 0.0
            scores = scores + mask
        scores[row] = -np.inf
        name = self.fitted.catalogue.name("category", row) or "item"
        return self._shelf(scores, k, f"another {name} like this one")

    def complements(self, item_id: str, k: int = 12) -> Shelf:
        """What goes with an article: its complement categories, popular and matching first."""
        row = self.fitted.items.get(item_id)
        if row is None:
            return Shelf((), cold_start=True, model_version=self.version)
        scores = np.full(len(self.fitted.items), -np.inf, np.float32)
        popularity = self.fitted.item_popularity
        for code in self.policy.complement_codes(row):
            members = self.policy.members("category", code)
            scores[members] = popularity[members]
        colour = int(self.fitted.catalogue.codes["colour"][row])
        if colour >= 0:
            same_colour = self.policy.members("colour", colour)
            scores[same_colour] += 0.1 * np.isfinite(scores[same_colour])
        name = self.fitted.catalogue.name("category", row) or "this"
        return self._shelf(scores, k, f"goes with this {name}")

    def _neighbours(self, row: int) -> np.ndarray:
        similarity = self.fitted.model.item_similarity(row)
        if similarity is None:
            return self.fitted.item_popularity.astype(np.float32).copy()
        return similarity.astype(np.float32)

    def _shelf(self, scores: np.ndarray, k: int, reason: str) -> Shelf:
        rows = _best(scores, k)
        items = tuple(Suggestion(self._ids[r], float(scores[r]), reason) for r in rows)
        return Shelf(items, cold_start=False, model_version=self.version)

    def _restrict(
        self,
        rows: np.ndarray,
        scores: np.ndarray,
        category: str | None,
        exclude: Collection[str],
        include: Collection[str] | None,
    ) -> None:
        """Set the scores of ``rows`` the storefront's filters rule out to ``-inf``."""
        if category is not None:
            code = self.fitted.catalogue.code("category", category)
            codes = self.fitted.catalogue.codes["category"][rows]
            scores[(codes != code) | (code < 0)] = -np.inf
        if include is not None:
            wanted = self.fitted.items.rows(list(include))
            scores[~np.isin(rows, wanted[wanted >= 0])] = -np.inf
        unwanted = self.fitted.items.rows(list(exclude))
        if unwanted.size:
            scores[np.isin(rows, unwanted[unwanted >= 0])] = -np.inf

    def _fallback(self, exclude: Collection[str]) -> np.ndarray:
        scores = self.fitted.item_popularity.astype(np.float32).copy()
        rows = self.fitted.items.rows(list(exclude))
        scores[rows[rows >= 0]] = -np.inf
        return scores


def _best(scores: np.ndarray, k: int) -> np.ndarray:
    """Rows of the ``k`` best finite scores, best first."""
    k = min(k, scores.size)
    if k <= 0:
        return np.zeros(0, np.int64)
    part = np.argpartition(-scores, k - 1)[:k]
    part = part[np.isfinite(scores[part])]
    return np.asarray(part[np.argsort(-scores[part], kind="stable")])
