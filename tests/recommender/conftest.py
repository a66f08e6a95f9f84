"""A tiny fashion world with obvious answers, shared by the recommender tests.

Two tastes: shoppers u0-u5 buy tops (A0-A4), shoppers u6-u11 buy coats (B0-B4). A0 and A1 are
colourways of one style. Scarves (C0, C1) go with coats. X0 (a top) and X1 (a coat) never sold.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd
import pytest

from recommender.data import Interactions, normalise_frame
from recommender.knowledge import Durability, Rule, TableKnowledge

START = datetime(2024, 3, 1)
TOPS = [f"A{i}" for i in range(5)]
COATS = [f"B{i}" for i in range(5)]


def _facts(category: str, style: str, colour: str) -> dict[str, tuple[str, ...]]:
    return {"category": (category,), "style": (style,), "colour": (colour,)}


def tiny_knowledge() -> TableKnowledge:
    """Facts, rules and a colour hierarchy for the tiny world."""
    facts = {f"A{i}": _facts("top", "SA" if i < 2 else f"SA{i}", "navy") for i in range(5)}
    facts |= {f"B{i}": _facts("coat", f"SB{i}", "black") for i in range(5)}
    facts |= {"C0": _facts("scarf", "SC0", "navy"), "C1": _facts("scarf", "SC1", "red")}
    facts |= {"X0": _facts("top", "SX0", "navy"), "X1": _facts("coat", "SX1", "black")}
    return TableKnowledge(
        facts=facts,
        rules={
            "top": Rule(Durability.CONSUMABLE, 60.0, "top"),
            "coat": Rule(Durability.DURABLE, None, "outerwear"),
            "scarf": Rule(Durability.SEMI_DURABLE, None, "accessory"),
        },
        complement_map={"coat": ("scarf",)},
        parents={"navy": ("blue",), "black": ("black",)},
    )


def tiny_interactions() -> Interactions:
    """Purchases (and a few views) over 21 days, tastes split as the module says."""
    rows = []
    for user in range(12):
        group = TOPS if user < 6 else COATS
        for step in range(4):
            item = group[(user + step) % 5]
            when = START + timedelta(days=user + step * 3, hours=step)
            rows.append((f"u{user}", item, when.isoformat(), "purchase", 1))
            rows.append((f"u{user}", group[(user + step + 2) % 5], when.isoformat(), "view", 1))
    rows.append(("u6", "C0", (START + timedelta(days=8)).isoformat(), "purchase", 1))
    rows.append(("u7", "C0", (START + timedelta(days=9)).isoformat(), "purchase", 1))
    columns = ["user_id", "item_id", "timestamp", "event_type", "quantity"]
    return normalise_frame(pd.DataFrame(rows, columns=columns))


@pytest.fixture
def knowledge() -> TableKnowledge:
    """The tiny world's knowledge."""
    return tiny_knowledge()


@pytest.fixture
def interactions() -> Interactions:
    """The tiny world's events."""
    return tiny_interactions()
