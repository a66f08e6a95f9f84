"""Shoppers' visits over the period, and the views, carts, purchases and returns they leave.

Each shopper follows an agenda of visits. Some are idle browsing (a Poisson process at the
shopper's own rate); the rest are caused by earlier purchases: a basic that runs out is
replenished near its category's interval, and a new garment sends the shopper back within days
for things to wear with it, in colours and a style that go with it. Durable goods already owned
are rarely bought again. Every shopper draws from a random stream of their own, so one shopper's
history never depends on another's.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Literal

import numpy as np

from service.demo.catalogue import Catalogue
from service.demo.categories import CATEGORIES, CATEGORIES_BY_NAME
from service.demo.config import DemoConfig
from service.demo.shelf import Shelf, build_shelf
from service.demo.shoppers import CHANNELS, Shopper

EventType = Literal["view", "cart", "purchase", "return"]
Visit = Literal["browse", "complement", "replenish"]

# Chance that a visit ends in a purchase, by what brought the shopper.
_BUY_CHANCE: dict[Visit, float] = {"browse": 0.22, "complement": 0.5, "replenish": 0.8}
_ABANDON_CHANCE = 0.12  # carted, then left
_COMPLEMENT_CHANCE = 0.6  # a purchase sends the shopper looking for what goes with it
_OWNED_DURABLE = 0.03  # interest left in a durable category the shopper already owns
_OWNED_RECENTLY = 0.25  # ... in a semi-durable one bought within its repurchase interval
# Share of visits by hour of day: a lunchtime bump and an evening peak.
_HOURS = np.array(
    [1, 0.5, 0.3, 0.2, 0.2, 0.4, 1, 2, 3, 4, 5, 6, 8, 7, 5, 5, 5, 6, 8, 10, 11, 10, 7, 3.0]
)


@dataclass(frozen=True)
class Event:
    """One row of the interactions feed."""

    timestamp: datetime
    user_id: str
    article_id: str
    event_type: EventType
    quantity: int
    price: float
    """Unit price shown or paid, in euros."""
    channel: str


def simulate_events(
    config: DemoConfig,
    catalogue: Catalogue,
    shoppers: tuple[Shopper, ...],
    progress: Callable[[int, int], None] | None = None,
) -> list[Event]:
    """Every shopper's events over the period, in time order.

    Args:
        config: The world's settings (period and seed).
        catalogue: What is on sale.
        shoppers: Who shops.
        progress: Called with ``(shoppers done, shoppers)``.
    """
    shelf = build_shelf(catalogue, config.start)
    events: list[Event] = []
    for index, shopper in enumerate(shoppers):
        journey = _Journey(shelf, shopper, config.rng("journey", index), config.days)
        events.extend(journey.run())
        if progress is not None:
            progress(index + 1, len(shoppers))
    events.sort(key=lambda e: (e.timestamp, e.user_id))  # stable: a shopper's order is kept
    return events


class _Journey:
    """One shopper's agenda of visits and the events it produces."""

    def __init__(self, shelf: Shelf, shopper: Shopper, rng: np.random.Generator, days: int):
        self.shelf, self.shopper, self.rng, self.days = shelf, shopper, rng, days
        self.affinity = shelf.affinity(shopper)
        women_only = np.array([c.genders == ("women",) for c in CATEGORIES])
        interest = np.array([shopper.categories[c.name] for c in CATEGORIES])
        self.interest = np.where(women_only & (shopper.gender == "men"), 0.0, interest)
        self.channel_share = np.array([shopper.channels[c] for c in CHANNELS])
        self.last_bought: dict[int, int] = {}  # category index → day of last kept purchase
        self.owned: set[int] = set()
        self.agenda: list[tuple[float, int, Visit, int]] = []
        self.planned = 0
        self.events: list[Event] = []

    def run(self) -> list[Event]:
        # Nobody shops before signing up: a shopper who joins mid-period browses from then on.
        first = min(max(0, (self.shopper.signup - self.shelf.start).days), self.days - 1)
        visits = self.rng.poisson(self.shopper.sessions_per_year * (self.days - first) / 365)
        for day in np.sort(self.rng.uniform(first, self.days, size=visits)):
            self._plan(float(day), "browse", -1)
        while self.agenda:
            day, _, visit, anchor = heapq.heappop(self.agenda)
            if day < self.days:
                self._visit(int(day), visit, anchor)
        return self.events

    def _plan(self, day: float, visit: Visit, anchor: int) -> None:
        self.planned += 1  # breaks ties between visits planned for the same moment
        heapq.heappush(self.agenda, (day, self.planned, visit, anchor))

    def _visit(self, day: int, visit: Visit, anchor: int) -> None:
        category = self._category(day, visit, anchor)
        if category is None:
            return
        candidates, weights = self._candidates(
            category, day, anchor if visit == "complement" else -1
        )
        if weights.sum() <= 0:
            return
        channel = CHANNELS[int(self.rng.choice(len(CHANNELS), p=self.channel_share))]
        moment = self._moment(day)
        loyal = visit == "replenish" and self.rng.random() < self.shopper.loyalty
        if loyal and anchor in candidates:
            chosen = anchor
        else:
            chosen = int(self.rng.choice(candidates, p=weights / weights.sum()))
        if channel == "store":  # no clicks in a shop: only the till sees the sale
            if self.rng.random() < min(1.0, _BUY_CHANCE[visit] * 1.3):
                self._buy(chosen, day, moment, channel)
            return
        moment = self._browse(candidates, weights, chosen, moment, channel, day)
        self._checkout(chosen, day, moment, channel, _BUY_CHANCE[visit])

    def _checkout(
        self, article: int, day: int, moment: datetime, channel: str, buy_chance: float
    ) -> None:
        """Cart the chosen article and buy it, or leave it in the cart, or walk away."""
        luck = self.rng.random()
        if luck < buy_chance + _ABANDON_CHANCE:
            self._record(moment, article, "cart", 1, day, channel)
        if luck < buy_chance:
            paid = moment + timedelta(seconds=int(self.rng.integers(60, 900)))
            self._buy(article, day, paid, channel)

    def _category(self, day: int, visit: Visit, anchor: int) -> int | None:
        """The category a visit is about, weighed by interest, need and season."""
        if visit == "replenish":
            return int(self.shelf.category[anchor])
        if visit == "complement":
            fact = CATEGORIES[int(self.shelf.category[anchor])]
            options = [CATEGORIES.index(CATEGORIES_BY_NAME[name]) for name in fact.complements]
        else:
            options = list(range(len(CATEGORIES)))
        weights = np.array([self._want(c, day) for c in options])
        if weights.sum() <= 0:
            return None
        return options[int(self.rng.choice(len(options), p=weights / weights.sum()))]

    def _want(self, category: int, day: int) -> float:
        fact = CATEGORIES[category]
        want = self.interest[category] * self.shelf.season(fact, day)
        last = self.last_bought.get(category)
        if last is not None and fact.durability == "durable":
            want *= _OWNED_DURABLE
        elif last is not None and day - last < (fact.repurchase_days or 365):
            want *= _OWNED_RECENTLY
        return float(want)

    def _candidates(self, category: int, day: int, anchor: int) -> tuple[np.ndarray, np.ndarray]:
        """Articles of a category on sale on ``day``, weighed by taste and, for a complement,
        by how well they go with the anchor article.
        """
        shelf = self.shelf
        index = shelf.by_category[category]
        weights = self.affinity[index] * (shelf.launch_day[index] <= day)
        if anchor >= 0:
            weights = weights * np.where(
                shelf.compatible[shelf.colour[anchor], shelf.colour[index]], 1.0, 0.1
            )
            weights = weights * np.where(shelf.look[index] == shelf.look[anchor], 1.0, 0.4)
        if CATEGORIES[category].durability == "durable" and self.owned:
            weights = weights * ~np.isin(index, list(self.owned))
        return index, weights

    def _moment(self, day: int) -> datetime:
        hour = int(self.rng.choice(24, p=_HOURS / _HOURS.sum()))
        second = int(self.rng.integers(0, 3600))
        start = datetime.combine(self.shelf.date(day), time(hour))
        return start + timedelta(seconds=second)

    def _browse(
        self,
        candidates: np.ndarray,
        weights: np.ndarray,
        chosen: int,
        moment: datetime,
        channel: str,
        day: int,
    ) -> datetime:
        """View a few articles of the category, the chosen one among them; return the time after."""
        available = int(np.count_nonzero(weights))
        count = min(available, 1 + int(self.rng.poisson(2.5)))
        shown = self.rng.choice(candidates, size=count, replace=False, p=weights / weights.sum())
        order = [int(a) for a in shown if a != chosen]
        order.insert(int(self.rng.integers(0, len(order) + 1)), chosen)
        for article in order:
            self._record(moment, article, "view", 1, day, channel)
            moment += timedelta(seconds=int(self.rng.integers(15, 240)))
        return moment

    def _buy(self, article: int, day: int, moment: datetime, channel: str) -> None:
        fact = CATEGORIES[int(self.shelf.category[article])]
        quantity = 1 + int(self.rng.poisson(0.6)) if fact.slot == "basics" else 1
        self._record(moment, article, "purchase", quantity, day, channel)
        if self.rng.random() < _COMPLEMENT_CHANCE:
            self._plan(day + 1 + min(float(self.rng.exponential(3.0)), 20.0), "complement", article)
        if self.rng.random() < self.shopper.return_rate:
            back = day + int(self.rng.integers(3, 25))
            if back < self.days:
                price = self.shelf.unit_price(article, day)
                when = self._moment(back)
                self.events.append(self._event(when, article, "return", quantity, price, channel))
            return  # a returned garment is not owned and will not run out
        category = int(self.shelf.category[article])
        self.last_bought[category] = day
        self.owned.add(article)
        if fact.durability == "consumable" and fact.repurchase_days is not None:
            due = fact.repurchase_days * float(self.rng.lognormal(0.0, 0.15))
            self._plan(day + due, "replenish", article)

    def _record(
        self, moment: datetime, article: int, kind: EventType, quantity: int, day: int, channel: str
    ) -> None:
        price = self.shelf.unit_price(article, day)
        self.events.append(self._event(moment, article, kind, quantity, price, channel))

    def _event(
        self,
        moment: datetime,
        article: int,
        kind: EventType,
        quantity: int,
        price: float,
        channel: str,
    ) -> Event:
        article_id = self.shelf.articles[article].article_id
        return Event(moment, self.shopper.user_id, article_id, kind, quantity, price, channel)
