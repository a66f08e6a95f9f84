"""The category limit is chosen on held-out purchases: the most diverse shelves that keep
new-to-you accuracy within the tolerance of the best limit's.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd
import pytest

from recommender.data import Interactions, normalise_frame
from recommender.diversity import LimitChoice, choose_category_limit
from recommender.evaluate import build_cases, temporal_split
from recommender.knowledge import TableKnowledge
from recommender.pipeline import PipelineConfig, fit_pipeline
from recommender.policy import Policy

START = datetime(2024, 3, 1)


def _world(next_purchases: list[str]) -> tuple[Interactions, TableKnowledge]:
    """A crowd made 30 tops (T0 the best seller) outsell 10 scarves; 20 shoppers who bought a
    bag then buy ``next_purchases``.
    """
    tops, scarves = [f"T{i}" for i in range(30)], [f"S{i}" for i in range(10)]
    facts = {t: {"category": ("top",), "style": (t,)} for t in tops}
    facts |= {s: {"category": ("scarf",), "style": (s,)} for s in scarves}
    facts["B0"] = {"category": ("bag",), "style": ("B0",)}
    crowd = [(f"c{c}", t, START) for i, t in enumerate(tops) for c in range(60 - i)]
    crowd += [(f"c{c}", s, START) for i, s in enumerate(scarves) for c in range(20 - i)]
    shoppers = [(f"u{u}", "B0", START + timedelta(days=1)) for u in range(20)]
    later = START + timedelta(days=10)
    wanted = [(f"u{u}", item, later) for u in range(20) for item in next_purchases]
    frame = pd.DataFrame(crowd + shoppers + wanted, columns=["user_id", "item_id", "timestamp"])
    return normalise_frame(frame), TableKnowledge(facts=facts)


def _choose(next_purchases: list[str], choice: LimitChoice) -> tuple[int, list[float]]:
    interactions, knowledge = _world(next_purchases)
    split = temporal_split(interactions, 1)
    config = PipelineConfig(model="popularity")
    fitted = fit_pipeline(split.train, knowledge, config)
    policy = Policy(fitted.catalogue, fitted.tables, config.policy)
    cases = build_cases(split, fitted, policy)
    limit, trials = choose_category_limit(fitted, policy, cases, choice)
    return limit, [t.diversity for t in trials]


def test_a_limit_that_finds_what_shoppers_buy_next_is_chosen() -> None:
    # the shoppers next buy the best scarf: one top a shelf lets it in at rank 2
    limit, diversity = _choose(["S0"], LimitChoice(limits=(1, 0), tolerance=0.05))
    assert limit == 1
    assert diversity == pytest.approx([2 / 12, 1 / 12])


def test_a_limit_that_hides_what_shoppers_buy_next_is_not_chosen() -> None:
    # the shoppers next buy the 12 best-selling tops: one top a shelf hides 11 of them
    limit, _ = _choose([f"T{i}" for i in range(12)], LimitChoice(limits=(1, 0), tolerance=0.05))
    assert limit == 0


def test_a_costly_limit_is_still_chosen_when_the_tolerance_allows_it() -> None:
    limit, _ = _choose([f"T{i}" for i in range(12)], LimitChoice(limits=(1, 0), tolerance=0.5))
    assert limit == 1
