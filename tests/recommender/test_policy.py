"""The post-purchase policy, rule by rule, on a toy catalogue with answers worked out by hand.

Eight articles (rows)::

    0 coat-1  coat   style S0  outerwear  black
    1 coat-2  coat   style S1  outerwear  black
    2 jacket  jacket style S2  outerwear  navy
    3 scarf   scarf  style S3  accessory  navy
    4 tee-1   tee    style S4  top        white
    5 tee-2   tee    style S4  top        navy    (a colourway of tee-1)
    6 tee-3   tee    style S5  top        white   (the best seller)
    7 mystery (nothing known)

Coats are declared durable and go with scarves; tees are consumable, re-bought. Scores passed
to the policy are all 0 with mean 0 and spread 1, so an adjusted score *is* the offset the
policy applied, in the default :class:`PolicyConfig` units (substitute 3, slot 1, complement
0.75 over 30 days, colour 0.1, style window 30 days).
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from recommender.base import Evidence
from recommender.catalogue import Catalogue
from recommender.habits import CategoryHabit
from recommender.history import UserHistory
from recommender.knowledge import Durability, Rule, TableKnowledge, rules_from_rows
from recommender.policy import (
    CategoryPlan,
    Policy,
    PolicyConfig,
    PolicyTables,
    plan_categories,
)
from recommender.reasons import Explainer
from recommender.rebuy import rebuy_scores

NOW = datetime(2024, 3, 31, 12)
COAT_1, COAT_2, JACKET, SCARF, TEE_1, TEE_2, TEE_3, MYSTERY = range(8)
CATALOGUE = Catalogue(
    codes={
        "category": np.array([0, 0, 1, 2, 3, 3, 3, -1], np.int32),
        "style": np.array([0, 1, 2, 3, 4, 4, 5, -1], np.int32),
        "slot": np.array([0, 0, 0, 1, 2, 2, 2, -1], np.int32),
        "colour": np.array([0, 0, 1, 1, 2, 1, 2, -1], np.int32),
        "department": np.full(8, -1, np.int32),
    },
    names={
        "category": ("coat", "jacket", "scarf", "tee"),
        "style": ("S0", "S1", "S2", "S3", "S4", "S5"),
        "slot": ("outerwear", "accessory", "top"),
        "colour": ("black", "navy", "white"),
        "department": (),
    },
)
TABLES = PolicyTables(
    {
        "coat": CategoryPlan(
            180.0, durable=True, rebought=False, complements=("scarf",), declared=True
        ),
        "jacket": CategoryPlan(180.0, durable=True, rebought=False, declared=True),
        "scarf": CategoryPlan(20.0, durable=False, rebought=False),
        "tee": CategoryPlan(
            0.0, durable=False, rebought=True, declared=True, substitute_weight=0.4
        ),
    }
)
TEE_HABIT = CategoryHabit(probability=0.6, interval_days=25.0, article_probability=0.3, shoppers=50)


def history(*purchases: tuple[int, float]) -> UserHistory:
    """A shopper who bought ``(row, days ago)`` for each pair."""
    items = np.array([row for row, _ in purchases], np.int64)
    ages = np.array([age for _, age in purchases], np.float64)
    times = np.array([NOW - timedelta(days=age) for age in ages], "datetime64[ns]")
    return UserHistory(
        items=items,
        kinds=np.array(["purchase"] * len(purchases), object),
        ages=ages,
        times=times,
        quantities=np.ones(len(purchases)),
    )


@pytest.fixture
def policy() -> Policy:
    return Policy(CATALOGUE, TABLES, PolicyConfig())


def offsets(policy: Policy, shopper: UserHistory) -> list[float]:
    """The adjusted scores of every row when the model scores them all 0 (mean 0, spread 1)."""
    adjusted = policy.apply_rows(np.zeros(8), None, shopper, 0.0, 1.0)
    return [round(float(x), 6) for x in adjusted]


# ----------------------------------------------------------------------------- plan_categories


def test_plans_follow_the_graphs_rules_else_the_learned_habits() -> None:
    knowledge = TableKnowledge(
        rules={
            "coat": Rule(Durability.DURABLE, None, "outerwear"),
            "boots": Rule(Durability.DURABLE, 365.0, "shoes"),
            "dress": Rule(Durability.SEMI_DURABLE, 30.0, "full-body"),
            "tee": Rule(Durability.CONSUMABLE, 60.0, "top"),
        }
    )
    habits = {
        "tee": TEE_HABIT,
        "jacket": CategoryHabit(0.02, None, 0.0, 40),  # almost nobody buys a second: durable
        "scarf": CategoryHabit(0.3, 20.0, 0.05, 40),  # semi-durable, re-bought after 20 days
        "socks": CategoryHabit(0.5, 10.0, 0.2, 40),  # the same article again: consumable
    }
    categories = ["coat", "boots", "dress", "tee", "jacket", "scarf", "socks", "belt"]
    plans = plan_categories(
        categories, knowledge, habits, {"coat": ["scarf"]}, PolicyConfig()
    ).plans

    # declared durable: at least the durable window, full penalty, its complements kept
    assert plans["coat"] == CategoryPlan(180.0, True, False, ("scarf",), True, 1.0)
    assert plans["boots"].window_days == 365.0  # max(365, 180)
    assert plans["dress"].window_days == 30.0  # min(30, 45)
    # declared consumable with a repurchase interval: never suppressed, always re-bought, the
    # penalty share is the chance of *not* buying another: 1 - 0.6
    assert plans["tee"] == CategoryPlan(0.0, False, True, (), True, 0.4)
    # learned, not declared
    assert plans["jacket"] == CategoryPlan(180.0, True, False, (), False, 0.98)
    assert plans["scarf"] == CategoryPlan(20.0, False, False, (), False, 0.7)
    assert plans["socks"] == CategoryPlan(0.0, False, True, (), False, 0.5)
    # nothing known: semi-durable defaults
    assert plans["belt"] == CategoryPlan(45.0, False, False, (), False, 1.0)


def test_a_graph_durability_must_be_one_of_the_three() -> None:
    assert Durability("semi-durable") is Durability.SEMI_DURABLE
    assert {"durable": 180}[Durability.DURABLE] == 180  # a str: tables keyed by plain text work
    with pytest.raises(ValueError, match="long-lasting"):
        rules_from_rows([{"category": "coat", "durability": "long-lasting"}])


def test_plans_survive_a_save_and_load(tmp_path: Path) -> None:
    TABLES.save(tmp_path)
    assert PolicyTables.load(tmp_path) == TABLES


# ----------------------------------------------------------------------------- apply_rows


def test_a_coat_bought_18_days_ago(policy: Policy) -> None:
    # fade 1 - 18/180 = 0.9: coats -3 * 0.9, outerwear -1 * 0.9; scarves +0.75 * (1 - 18/30)
    assert offsets(policy, history((COAT_1, 18.0))) == [
        -math.inf,  # bought, and coats are not re-bought
        -3.6,  # another coat: -2.7 - 0.9
        -0.9,  # the same outfit slot
        0.3,  # goes with the coat
        0.0,
        0.0,
        0.0,
        0.0,
    ]


def test_only_the_newest_purchase_of_a_category_sets_its_penalty(policy: Policy) -> None:
    both = offsets(policy, history((COAT_1, 18.0), (COAT_2, 100.0)))
    assert both[JACKET] == -0.9 and both[SCARF] == 0.3  # the 100-day-old coat adds nothing
    assert both[COAT_2] == -math.inf  # ... but it is still off the shelf


def test_a_re_bought_tee_s_colourway_returns_after_the_style_window(policy: Policy) -> None:
    # tees: a window of 0 days (no substitute penalty), off the shelf for style_days = 30
    assert offsets(policy, history((TEE_1, 10.0)))[TEE_1 : TEE_3 + 1] == [-math.inf, -math.inf, 0]
    # the tee itself never returns to the main shelf: re-buying it is the rebuy shelf's job
    assert offsets(policy, history((TEE_1, 40.0)))[TEE_1 : TEE_3 + 1] == [-math.inf, 0, 0]


def test_the_favourite_colour_needs_two_purchases(policy: Policy) -> None:
    white = offsets(policy, history((TEE_1, 40.0), (TEE_3, 50.0)))
    assert white[TEE_1] == white[TEE_3] == -math.inf  # bought: never back on the main shelf
    assert white[TEE_2] == 0.0
    assert offsets(policy, history((TEE_1, 40.0)))[TEE_3] == 0.0


def test_scores_are_standardised_and_rows_are_a_slice_of_the_whole(policy: Policy) -> None:
    scores = np.arange(8, dtype=np.float64)  # mean 3.5, std sqrt(5.25)
    assert policy.apply(scores, history())[7] == pytest.approx(3.5 / math.sqrt(5.25))
    whole = policy.apply_rows(scores, None, history((COAT_1, 18.0)), 3.5, 2.0)
    rows = np.array([1, 3, 5])
    part = policy.apply_rows(scores[rows], rows, history((COAT_1, 18.0)), 3.5, 2.0)
    assert part.tolist() == whole[rows].tolist()
    assert part.tolist() == pytest.approx([(1 - 3.5) / 2 - 3.6, (3 - 3.5) / 2 + 0.3, 0.75])
    assert policy.apply_rows(scores, None, history(), 0.0, 0.0).tolist() == scores.tolist()


def test_a_bought_tee_hides_itself_and_its_colourway_not_the_unknown_style(
    policy: Policy,
) -> None:
    # rows in any order, the tee's colourway (TEE_2, style S4) among them, and an article of
    # no known style (MYSTERY), which a lookup table must not confuse with a bought style
    rows = np.array([MYSTERY, TEE_2, SCARF, TEE_1, TEE_3])
    adjusted = policy.apply_rows(np.zeros(5), rows, history((TEE_1, 3.0)), 0.0, 1.0)
    assert np.isinf(adjusted).tolist() == [False, True, False, True, False]


def test_recent_purchases_promote_their_complements(policy: Policy) -> None:
    assert policy.promoted_categories(history((COAT_1, 18.0))) == {
        CATALOGUE.code("category", "scarf")
    }
    assert policy.promoted_categories(history((COAT_1, 31.0))) == set()
    assert policy.members("category", 3).tolist() == [TEE_1, TEE_2, TEE_3]
    assert policy.members("colour", -1).tolist() == []


# ----------------------------------------------------------------------------- rebuy_scores


def test_buy_it_again_ranks_recent_frequent_re_bought_kinds(policy: Policy) -> None:
    shopper = history((TEE_1, 2.0), (TEE_1, 9.0), (TEE_3, 14.0), (COAT_1, 5.0), (MYSTERY, 7.0))
    rows, scores, reasons = rebuy_scores(shopper, policy, {"tee": TEE_HABIT}, k=5)

    # score = 1 / (1 + age / 14) * (1 + ln(purchases)) * (1 + 2 * re-buy probability)
    assert rows == [TEE_1, TEE_3, MYSTERY]  # the coat is declared durable: never re-bought
    assert scores == pytest.approx(
        [14 / 16 * (1 + math.log(2)) * 1.6, 0.5 * 1.6, 1 / 1.5 * 1.1]  # mystery: 0.05 assumed
    )
    assert reasons == ["bought on 29 Mar", "bought on 17 Mar", "bought on 24 Mar"]
    assert rebuy_scores(shopper, policy, {"tee": TEE_HABIT}, k=1)[0] == [TEE_1]
    assert rebuy_scores(history(), policy, {}, k=5) == ([], [], [])


# ----------------------------------------------------------------------------- Explainer


def test_each_reason_in_its_order_of_precedence(policy: Policy) -> None:
    popularity = np.array([0, 0, 0, 0, 0, 0, 0.9, 0], np.float32)
    explain = Explainer(policy, popularity, popular_top=1)
    coats = history((COAT_1, 18.0), (COAT_2, 40.0))

    assert explain.reasons([SCARF, COAT_2, TEE_3, TEE_1], coats) == [
        "goes with the coat you bought on 13 Mar",  # the newest coat, within 30 days
        "in your favourite colour family: black",  # two black purchases
        "popular in tee this week",
        "picked for your taste",
    ]
    assert explain.reason(TEE_2, history((TEE_1, 3.0))) == "another tee for your style"
    assert explain.reason(SCARF, history((COAT_1, 31.0))) == "picked for your taste"
    assert explain.reasons([TEE_1, TEE_3], history()) == [
        "popular right now",
        "popular in tee this week",
    ]


def test_the_models_evidence_is_worded_after_the_styling_rule(policy: Policy) -> None:
    explain = Explainer(policy, np.zeros(8, np.float32))
    coats = history((COAT_1, 18.0), (COAT_2, 25.0), (TEE_1, 2.0))
    said = [Evidence("bought_together", 2), Evidence("bought_together", 0), None, None]
    assert explain.reasons([TEE_3, SCARF, COAT_2, TEE_2], coats, said) == [
        "often bought together with the tee you bought on 29 Mar",
        "goes with the coat you bought on 13 Mar",  # a styling rule comes first
        "in your favourite colour family: black",  # nothing said: the explainer's own
        "another tee for your style",
    ]
    assert explain.reasons([JACKET], coats, [Evidence("trending")]) == ["trending right now"]
    # the toy catalogue has no departments: nothing true to say of that evidence
    assert explain.reasons([MYSTERY], coats, [Evidence("department")]) == ["picked for your taste"]


def test_one_category_fills_at_most_its_share_of_the_shelf() -> None:
    # a limit of 4 in 12 is 1 on a shelf of 3: the tees are the best scores, one is taken
    policy = Policy(CATALOGUE, TABLES, PolicyConfig(max_per_category=4))
    scores = np.array([1.0, 0.5, 2.0, 0.0, 9.0, 8.0, 7.0, 3.0])
    assert policy.top(scores, None, 3).tolist() == [TEE_1, MYSTERY, JACKET]
    # asked for a subset of rows, the positions are into those rows
    rows = np.array([TEE_2, TEE_3, COAT_1])
    assert policy.top(np.array([5.0, 4.0, 1.0]), rows, 2).tolist() == [0, 2]
    # too few other categories left: the shelf is filled beyond the limit
    assert policy.top(np.array([5.0, 4.0, -math.inf]), rows, 2).tolist() == [0, 1]
    # no limit
    unlimited = Policy(CATALOGUE, TABLES, PolicyConfig(max_per_category=0))
    assert unlimited.top(scores, None, 3).tolist() == [TEE_1, TEE_2, TEE_3]


def test_top_with_a_category_limit_matches_a_full_sort_when_the_head_is_one_category() -> None:
    """The shelf is chosen from the best few hundred first; when those cannot fill it (all of
    one category), the whole catalogue is sorted, and the answer is the same either way.
    """
    import numpy as np

    from recommender.policy import _best_first

    scores = np.linspace(1.0, 0.0, 2000)
    finite = np.arange(2000)
    assert (_best_first(scores, finite, 100) == finite[:100]).all()
    ties = np.zeros(1000)
    assert (_best_first(ties, np.arange(1000), 10) == np.arange(1000)).all()  # every tie kept
