"""Learned repurchase and co-purchase habits on hand-counted purchases."""

from __future__ import annotations

import pandas as pd
import pytest

from recommender.habits import HabitConfig, learn_complements, learn_habits, merge_complements


def _frame(rows: list[tuple[str, str, str, int]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["user_id", "item_id", "category", "day"])


def test_repurchase_probability_interval_and_article_share() -> None:
    rows = [
        ("u1", "s1", "socks", 0),
        ("u1", "s1", "socks", 30),
        ("u1", "s2", "socks", 50),
        ("u2", "s3", "socks", 10),
        ("u1", "c1", "coat", 5),
        ("u2", "c2", "coat", 6),
    ]
    habits = learn_habits(_frame(rows))
    socks, coat = habits["socks"], habits["coat"]
    assert socks.probability == pytest.approx(0.5)  # u1 re-bought, u2 did not
    assert socks.interval_days == pytest.approx(25.0)  # gaps 30 and 20
    assert socks.article_probability == pytest.approx(1 / 3)  # s1 of (u1,s1),(u1,s2),(u2,s3)
    assert coat.probability == 0.0 and coat.interval_days is None and coat.shoppers == 2


def test_categories_bought_together_more_than_chance_are_complements() -> None:
    # 23 baskets; coat in 7, followed by a scarf in 6 (lift 6/7 / (12/23) = 1.64, z = 1.78)
    rows = [(f"u{n}", "c", "coat", 0) for n in range(6)]
    rows += [(f"u{n}", "s", "scarf", 2) for n in range(6)]
    rows += [(f"v{n}", "t", "tee", 0) for n in range(10)]
    rows += [("v0", "c", "coat", 100)]  # far apart: not together
    slots = {"coat": "outerwear", "scarf": "accessory", "tee": "top"}
    learned = learn_complements(_frame(rows), HabitConfig(min_pairs=3), slots).by_category()
    assert learned["coat"] == ("scarf",) and "tee" not in learned
    assert learn_complements(_frame(rows), HabitConfig(min_pairs=7), slots).complements == ()
    # the same slot: a scarf after a coat is then a substitute, never a complement
    same_slot = learn_complements(_frame(rows), HabitConfig(), {"coat": "x", "scarf": "x"})
    assert same_slot.complements == () and len(same_slot.substitutes) == 1
    assert merge_complements({"coat": ["boots"]}, learned)["coat"] == ("boots", "scarf")
    # a tee declared to go with a coat, never bought after one (chance predicts 7 * 10/23 =
    # 3.0, z = -2.3): with a weak prior the data refutes it
    weak = HabitConfig(min_pairs=3, prior_strength=2.0)
    relations = learn_complements(_frame(rows), weak, slots, {"coat": ["tee"]})
    assert [(p.antecedent, p.consequent) for p in relations.refuted] == [("coat", "tee")]
    refuted = [(p.antecedent, p.consequent) for p in relations.refuted]
    merged = merge_complements({"coat": ["tee"]}, relations.by_category(), refuted)
    assert merged["coat"] == ("scarf",)
