"""The post-purchase policy: what a purchase makes redundant, and what it makes interesting.

Applied to every model's scores at serving time, from the shopper's history as of now:

* a bought article never comes back on the main shelf (repeats belong on the "buy it again"
  shelf, which only holds past purchases), and its style's other colourways stay off it for
  the category's window (forever for categories people do not re-buy);
* substitutes (the same category, or for durable goods the same outfit slot) are pushed down,
  fading linearly over the category's window (graph rule, else the learned interval);
* complements of recent purchases (mined from purchases, in the graph and in the training
  data, ∪ the hand-written prior) are pushed up, and the shopper's favourite colour family a
  little.

Scores are standardised per call first, so penalties and boosts are in units of the model's own
spread and the policy behaves the same on every model.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from recommender.catalogue import Catalogue
from recommender.groups import Groups
from recommender.habits import CategoryHabit
from recommender.history import UserHistory
from recommender.knowledge import CatalogueKnowledge, Durability

POLICY_FILE = "policy.json"


@dataclass(frozen=True)
class PolicyConfig:
    """Strengths and windows of the policy."""

    style_days: float = 30.0
    """Least time a bought style stays off the main shelf, even in re-bought categories."""
    durable_days: float = 180.0
    """Substitute window of a durable category without a known repurchase interval."""
    semi_durable_days: float = 45.0
    """...of a semi-durable one."""
    consumable_days: float = 0.0
    """...of a consumable one (0: never suppressed)."""
    substitute_penalty: float = 3.0
    """Push-down of a same-category substitute just after the purchase (score std units)."""
    slot_penalty: float = 1.0
    """Push-down of the same outfit slot after a durable purchase."""
    complement_days: float = 30.0
    """How long a purchase promotes its complements."""
    complement_boost: float = 0.75
    """Push-up of a complement just after the purchase."""
    colour_boost: float = 0.1
    """Push-up of the favourite colour family."""
    rebuy_probability: float = 0.15
    """Learned article re-buy share from which a category counts as re-bought."""
    max_per_category: int = 4
    """Most articles of one category on a main shelf of 12 (scaled with the shelf's length;
    0: no limit), so one category does not fill the shelf unless the shopper asks for it."""


@dataclass(frozen=True)
class CategoryPlan:
    """What the policy does after a purchase in one category."""

    window_days: float
    durable: bool
    rebought: bool
    complements: tuple[str, ...] = ()
    declared: bool = False
    """The durability comes from the graph's rule, not from the (maybe thin) interactions."""
    substitute_weight: float = 1.0
    """Share of the substitute penalty applied: 1 for a declared durable category, else the
    learned chance that a shopper does *not* buy another of the category."""
    often_bought: tuple[str, ...] = ()
    """Complements only purchases say go with the category (no prior declares them): the
    reason says "often bought with" rather than "goes with"."""


@dataclass(frozen=True)
class PolicyTables:
    """Per-category plans, saved with the model."""

    plans: Mapping[str, CategoryPlan] = field(default_factory=dict)

    def save(self, directory: Path) -> None:
        """Write the plans as JSON."""
        payload = {name: asdict(plan) for name, plan in self.plans.items()}
        (directory / POLICY_FILE).write_text(json.dumps(payload))

    @classmethod
    def load(cls, directory: Path) -> PolicyTables:
        """Read the plans."""
        payload = json.loads((directory / POLICY_FILE).read_text())
        return cls(
            {
                name: CategoryPlan(
                    float(p["window_days"]),
                    bool(p["durable"]),
                    bool(p["rebought"]),
                    tuple(p["complements"]),
                    bool(p.get("declared", False)),
                    float(p.get("substitute_weight", 1.0)),
                    tuple(p.get("often_bought", ())),
                )
                for name, p in payload.items()
            }
        )


def plan_categories(
    categories: Sequence[str],
    knowledge: CatalogueKnowledge,
    habits: Mapping[str, CategoryHabit],
    complements: Mapping[str, Sequence[str]],
    config: PolicyConfig,
    declared: Mapping[str, Sequence[str]] | None = None,
) -> PolicyTables:
    """Plans from the graph's rules where it has them, else from the learned habits.

    ``declared`` holds the hand-written complements per category; the other ``complements``
    were mined from purchases (``None``: every complement counts as declared).
    """
    plans: dict[str, CategoryPlan] = {}
    for category in categories:
        rule = knowledge.category_rule(category)
        habit = habits.get(category)
        durability = (
            Durability(rule.durability) if rule is not None else _learned_durability(habit, config)
        )
        window = _window(durability, rule.repurchase_days if rule else None, habit, config)
        rebought = habit is not None and habit.article_probability >= config.rebuy_probability
        consumable = durability is Durability.CONSUMABLE
        if rule is not None and rule.repurchase_days is not None and consumable:
            rebought = True
        declared_durable = rule is not None and durability is Durability.DURABLE
        plans[category] = CategoryPlan(
            window,
            durability is Durability.DURABLE,
            rebought,
            tuple(complements.get(category, ())),
            declared=rule is not None,
            substitute_weight=1.0 if declared_durable or habit is None else 1 - habit.probability,
            often_bought=_often_bought(category, complements, declared),
        )
    return PolicyTables(plans)


def _often_bought(
    category: str,
    complements: Mapping[str, Sequence[str]],
    declared: Mapping[str, Sequence[str]] | None,
) -> tuple[str, ...]:
    if declared is None:
        return ()
    prior = set(declared.get(category, ()))
    return tuple(c for c in complements.get(category, ()) if c not in prior)


def _learned_durability(habit: CategoryHabit | None, config: PolicyConfig) -> Durability:
    if habit is None:
        return Durability.SEMI_DURABLE
    if habit.article_probability >= config.rebuy_probability:
        return Durability.CONSUMABLE
    return Durability.DURABLE if habit.probability < 0.05 else Durability.SEMI_DURABLE


def _window(
    durability: Durability, days: float | None, habit: CategoryHabit | None, config: PolicyConfig
) -> float:
    if durability is Durability.CONSUMABLE:
        return config.consumable_days
    durable = durability is Durability.DURABLE
    default = config.durable_days if durable else config.semi_durable_days
    if days is not None:
        return max(days, default) if durable else min(days, default)
    if habit is not None and habit.interval_days is not None and not durable:
        return min(habit.interval_days, default)
    return default


class Policy:
    """Applies the post-purchase rules to one shopper's scores over the whole catalogue."""

    def __init__(self, catalogue: Catalogue, tables: PolicyTables, config: PolicyConfig) -> None:
        self.catalogue = catalogue
        self.tables = tables
        self.config = config
        fields = ("category", "style", "slot", "colour")
        self._groups = {field: Groups(catalogue.codes[field]) for field in fields}
        names = catalogue.names["category"]
        self._plans = [tables.plans.get(name) for name in names]
        self._complement_codes = [self._codes(p.complements if p else ()) for p in self._plans]
        self._often_codes = [set(self._codes(p.often_bought if p else ())) for p in self._plans]

    def _codes(self, categories: Sequence[str]) -> list[int]:
        codes = (self.catalogue.code("category", name) for name in categories)
        return [code for code in codes if code >= 0]

    def apply(self, scores: np.ndarray, history: UserHistory) -> np.ndarray:
        """Adjusted scores (``-inf``: never show); ``scores`` is left unchanged."""
        return self.apply_rows(scores, None, history, float(scores.mean()), float(scores.std()))

    def apply_rows(
        self,
        scores: np.ndarray,
        rows: np.ndarray | None,
        history: UserHistory,
        mean: float,
        spread: float,
    ) -> np.ndarray:
        """:meth:`apply` for some items only.

        Args:
            scores: The model's scores of ``rows``.
            rows: The item rows scored (``None``: every item, in order).
            history: The shopper.
            mean: Mean of the model's scores over the whole catalogue.
            spread: Their standard deviation (the unit of penalties and boosts).

        Returns:
            Adjusted scores of ``rows`` (``-inf``: never show).
        """
        adjusted = (scores - mean) / (spread or 1.0)
        bought = history.items[history.purchased]
        ages = history.ages[history.purchased]
        if bought.size == 0:
            return adjusted
        for name, offset in self._offsets(bought, ages).items():
            codes = self.catalogue.codes[name]
            codes = codes if rows is None else codes[rows]
            adjusted += offset[codes]  # code -1 reads the trailing 0
        items, styles = self._removed(bought, ages)
        if items:
            style_codes = self.catalogue.codes["style"]
            n_items, n_styles = style_codes.size, len(self.catalogue.names["style"])
            style_codes = style_codes if rows is None else style_codes[rows]
            hidden = _marked(style_codes, styles, n_styles)
            if rows is None:
                hidden[list(items)] = True
            else:
                hidden |= _marked(rows, items, n_items)
            adjusted[hidden] = -np.inf
        return adjusted

    def members(self, field: str, code: int) -> np.ndarray:
        """Item rows whose ``field`` (category, style, slot or colour) has ``code``."""
        return self._groups[field].members(code)

    def top(
        self, scores: np.ndarray, rows: np.ndarray | None, k: int, limit: int | None = None
    ) -> np.ndarray:
        """Positions of the ``k`` best finite ``scores``, best first, with no more than the
        category limit of one category (filled beyond it when too few categories are left).

        Args:
            scores: Adjusted scores (``-inf``: never show).
            rows: Item rows of ``scores`` (``None``: every item, in order).
            k: Shelf length.
            limit: Category limit per 12 to use instead of the config's (0: none).
        """
        finite = np.flatnonzero(np.isfinite(scores))
        limit = self.config.max_per_category if limit is None else limit
        if limit <= 0 or finite.size <= k:
            return _best_first(scores, finite, k)[:k]
        cap = max(1, round(limit * k / 12))
        # The best few hundred nearly always fill the shelf; sorting all 105,542 did not.
        head = _best_first(scores, finite, max(k * 32, 512))
        if head.size < finite.size:
            chosen = self._limited(head, rows, k, cap, fill=False)
            if len(chosen) == k:
                return chosen
        return self._limited(_best_first(scores, finite, finite.size), rows, k, cap, fill=True)

    def _limited(
        self, pool: np.ndarray, rows: np.ndarray | None, k: int, cap: int, fill: bool
    ) -> np.ndarray:
        """The first ``k`` of ``pool`` with at most ``cap`` per category (``fill``: filled
        beyond the cap from the rest of ``pool`` when too few categories are left).
        """
        codes = self.catalogue.codes["category"][pool if rows is None else rows[pool]]
        taken: dict[int, int] = {}
        chosen: list[int] = []
        for position, code in zip(pool.tolist(), codes.tolist(), strict=True):
            if code >= 0 and taken.get(code, 0) >= cap:
                continue
            taken[code] = taken.get(code, 0) + 1
            chosen.append(position)
            if len(chosen) == k:
                return np.asarray(chosen, np.int64)
        if not fill:
            return np.asarray(chosen, np.int64)
        rest = pool[~np.isin(pool, chosen)][: k - len(chosen)]
        return np.concatenate([np.asarray(chosen, np.int64), rest])

    def promoted_categories(self, history: UserHistory) -> set[int]:
        """Category codes this shopper's recent purchases promote (their complements)."""
        recent = history.items[history.purchased & (history.ages < self.config.complement_days)]
        return {code for item in np.unique(recent).tolist() for code in self.complement_codes(item)}

    def plan_of(self, item: int) -> CategoryPlan | None:
        """The plan of an item's category."""
        code = int(self.catalogue.codes["category"][item])
        return self._plans[code] if code >= 0 else None

    def complement_codes(self, item: int) -> list[int]:
        """Category codes that go with an item's category."""
        code = int(self.catalogue.codes["category"][item])
        return self._complement_codes[code] if code >= 0 else []

    def often_bought(self, item: int, category: int) -> bool:
        """Whether only purchases, no prior, say category code ``category`` goes with the
        item's category.
        """
        code = int(self.catalogue.codes["category"][item])
        return code >= 0 and category in self._often_codes[code]

    def favourite_colour(self, bought: np.ndarray) -> int:
        """The colour family bought most (at least twice), else -1."""
        colours = self.catalogue.codes["colour"][bought]
        colours = colours[colours >= 0]
        if colours.size < 2:
            return -1
        counts = np.bincount(colours)
        return int(counts.argmax()) if counts.max() >= 2 else -1

    def _latest_per_category(self, bought: np.ndarray, ages: np.ndarray) -> list[tuple[int, float]]:
        """The newest purchase of each category (items without category kept as they are)."""
        order = np.argsort(ages, kind="stable")
        seen: set[int] = set()
        latest: list[tuple[int, float]] = []
        for index in order:
            item = int(bought[index])
            code = int(self.catalogue.codes["category"][item])
            if code >= 0 and code in seen:
                continue
            if code >= 0:
                seen.add(code)
            latest.append((item, float(ages[index])))
        return latest

    def _offsets(self, bought: np.ndarray, ages: np.ndarray) -> dict[str, np.ndarray]:
        """Score offset per category, slot and colour code after these purchases.

        The last entry of each array (index -1) is the offset of items without that code, so
        ``offset[codes]`` needs no mask; it stays 0.
        """
        offsets = {
            name: np.zeros(len(self.catalogue.names[name]) + 1, np.float64)
            for name in ("category", "slot", "colour")
        }
        colour = self.favourite_colour(bought)
        if colour >= 0:
            offsets["colour"][colour] += self.config.colour_boost
        for item, age in self._latest_per_category(bought, ages):
            plan = self.plan_of(item)
            if plan is not None and age < plan.window_days:
                fade = 1.0 - age / plan.window_days
                category = int(self.catalogue.codes["category"][item])
                if plan.durable and plan.declared:
                    slot = int(self.catalogue.codes["slot"][item])
                    if slot >= 0:
                        offsets["slot"][slot] -= self.config.slot_penalty * fade
                offsets["category"][category] -= (
                    self.config.substitute_penalty * plan.substitute_weight * fade
                )
            if age < self.config.complement_days:
                boost = self.config.complement_boost * (1.0 - age / self.config.complement_days)
                for code in self.complement_codes(item):
                    offsets["category"][code] += boost
        return offsets

    def _removed(self, bought: np.ndarray, ages: np.ndarray) -> tuple[set[int], set[int]]:
        """Items off the main shelf (every one bought) and styles (not yet due again)."""
        items: set[int] = set(bought.tolist())
        styles: set[int] = set()
        for item, age in zip(bought.tolist(), ages.tolist(), strict=True):
            plan = self.plan_of(item)
            rebought = plan is not None and plan.rebought
            window = max(self.config.style_days, plan.window_days if plan else 0.0)
            if rebought and age >= window:
                continue
            style = int(self.catalogue.codes["style"][item])
            if style >= 0:
                styles.add(style)
        return items, styles


def _marked(codes: np.ndarray, wanted: set[int], size: int) -> np.ndarray:
    """Whether each of ``codes`` (in [-1, ``size``)) is in ``wanted``: a lookup in a table of
    ``size`` flags (``np.isin`` sorted both sides, a tenth of a full-size shelf).
    """
    table = np.zeros(size + 1, bool)  # the trailing flag answers code -1 (unknown)
    table[np.fromiter(wanted, np.int64, len(wanted))] = True
    marked: np.ndarray = table[codes]
    return marked


def _best_first(scores: np.ndarray, positions: np.ndarray, m: int) -> np.ndarray:
    """The ``m`` best of ``positions`` by score, best first, ties in position order (and every
    position tied with the ``m``-th, so that the order is that of a full stable sort).
    """
    values = scores[positions]
    if values.size > m:
        cut = np.partition(values, values.size - m)[values.size - m]
        positions = positions[values >= cut]
        values = scores[positions]
    return positions[np.argsort(-values, kind="stable")]
