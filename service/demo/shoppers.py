"""Shoppers: public profile (age, gender, country) and hidden tastes that drive what they buy.

The tastes are what a recommender should recover from behaviour; they are written to the ground
truth, never to the customer feed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal

import numpy as np

from service.demo.assortment import LOOKS
from service.demo.categories import CATEGORIES
from service.demo.config import DemoConfig
from service.demo.palette import BASIC_TERMS

CHANNELS = ("web", "app", "store")
PRICE_LEVELS = ("budget", "mid", "premium")
COUNTRIES = (("DE", 0.3), ("FR", 0.2), ("NL", 0.12), ("GB", 0.15), ("SE", 0.08), ("ES", 0.15))
ShopperGender = Literal["women", "men"]


@dataclass(frozen=True)
class Shopper:
    """One simulated customer."""

    user_id: str
    gender: ShopperGender
    """The department the shopper mostly buys from."""
    age: int
    country: str
    signup: date
    price_level: str
    """Budget, mid or premium: the price tier the shopper is most comfortable with."""
    looks: dict[str, float]
    """Affinity for each platform style (casual, formal, ...); sums to 1."""
    colours: dict[str, float]
    """Affinity for each basic colour term; sums to 1."""
    categories: dict[str, float]
    """Interest in each category relative to an average shopper (1 = average)."""
    sessions_per_year: float
    """How often the shopper comes to browse without a particular need."""
    channels: dict[str, float]
    """Share of visits through each channel (web, app, store)."""
    return_rate: float
    """Chance that a purchase is sent back."""
    loyalty: float
    """Chance of replenishing a basic with exactly the same article."""

    def hidden(self) -> dict[str, Any]:
        """The tastes as JSON-ready values, rounded for a readable ground-truth file."""
        return {
            "user_id": self.user_id,
            "gender": self.gender,
            "age": self.age,
            "price_level": self.price_level,
            "looks": _rounded(self.looks),
            "colours": _rounded(self.colours),
            "categories": _rounded(self.categories),
            "sessions_per_year": round(self.sessions_per_year, 3),
            "channels": _rounded(self.channels),
            "return_rate": round(self.return_rate, 4),
            "loyalty": round(self.loyalty, 4),
        }


def draw_shoppers(config: DemoConfig) -> tuple[Shopper, ...]:
    """``config.n_shoppers`` shoppers, each from its own random stream."""
    return tuple(_draw_shopper(config, index) for index in range(config.n_shoppers))


def _draw_shopper(config: DemoConfig, index: int) -> Shopper:
    rng = config.rng("shopper", index)
    age = int(np.clip(rng.lognormal(np.log(34), 0.32), 16, 85))
    gender: ShopperGender = "women" if rng.random() < 0.58 else "men"
    countries, shares = zip(*COUNTRIES, strict=True)
    signup_offset = int(rng.integers(-3 * 365, config.days // 2))
    price_prior = np.array([0.4, 0.45, 0.15]) if age < 30 else np.array([0.3, 0.45, 0.25])
    return Shopper(
        user_id=f"U{index + 1:06d}",
        gender=gender,
        age=age,
        country=str(rng.choice(countries, p=np.array(shares) / sum(shares))),
        signup=config.start + timedelta(days=signup_offset),
        price_level=PRICE_LEVELS[int(rng.choice(3, p=price_prior))],
        looks=_share(LOOKS, rng.dirichlet(_look_prior(age) * 1.5)),
        colours=_share(BASIC_TERMS, 0.1 / 11 + 0.9 * rng.dirichlet(np.full(len(BASIC_TERMS), 0.5))),
        categories={c.name: float(rng.lognormal(0.0, 0.5)) for c in CATEGORIES},
        sessions_per_year=float(rng.lognormal(np.log(11), 0.6)),
        channels=_share(CHANNELS, rng.dirichlet(np.array([3.0, 2.0, 1.0]))),
        return_rate=float(rng.beta(1.2, 12)),
        loyalty=float(rng.beta(4, 3)),
    )


def _look_prior(age: int) -> np.ndarray:
    """Typical taste by age: the young skew sporty and party, older shoppers business and formal."""
    # casual, formal, business, sporty, party (the order of LOOKS)
    if age < 30:
        return np.array([3.0, 0.3, 0.6, 2.0, 1.5])
    if age < 50:
        return np.array([2.5, 1.0, 2.0, 1.0, 0.7])
    return np.array([2.0, 1.5, 1.5, 0.6, 0.4])


def _share(names: tuple[str, ...], values: np.ndarray) -> dict[str, float]:
    return {name: float(v) for name, v in zip(names, values / values.sum(), strict=True)}


def _rounded(values: dict[str, float]) -> dict[str, float]:
    return {k: round(v, 4) for k, v in values.items()}
