"""Complements mined from purchase baskets, on tiny purchases counted by hand."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from recommender.mining import (
    MinedPair,
    MiningConfig,
    mine_articles,
    mine_categories,
    newest_days,
)

SLOTS = {"coat": "outerwear", "jacket": "outerwear", "scarf": "accessory", "tee": "top"}
#: Thresholds low enough for eight baskets; the significance test has its own case below.
LOOSE = MiningConfig(min_count=2, min_z=0.0, prior_strength=4.0, prior_lift=2.0)


def _frame(rows: list[tuple[str, str, int]], label: str = "category") -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["user_id", label, "day"])


def coat_then_scarf() -> pd.DataFrame:
    """Eight baskets: u1 buys a coat, a scarf two days later; u2 both the same day; u3 a scarf
    50 days after the coat; u4-u6 a tee each.
    """
    rows = [("u1", "coat", 0), ("u1", "scarf", 2), ("u2", "coat", 0), ("u2", "scarf", 0)]
    rows += [("u3", "coat", 0), ("u3", "scarf", 50)]
    rows += [(f"u{n}", "tee", 0) for n in (4, 5, 6)]
    return _frame(rows)


def _only(pairs: tuple[MinedPair, ...], antecedent: str, consequent: str) -> MinedPair:
    found = [p for p in pairs if (p.antecedent, p.consequent) == (antecedent, consequent)]
    assert len(found) == 1, pairs
    return found[0]


def test_support_confidence_lift_and_smoothing_by_hand() -> None:
    mined = mine_categories(coat_then_scarf(), SLOTS, {"coat": ["scarf"]}, LOOSE)
    assert (mined.baskets, mined.shoppers, mined.window_days) == (8, 6, 30.0)
    pair = _only(mined.complements, "coat", "scarf")
    # coat baskets: u1 d0, u2 d0, u3 d0; followed by a scarf within 30 days: u1 and u2
    assert (pair.count, pair.same_basket, pair.antecedent_baskets) == (2, 1, 3)
    # baskets followed by a scarf: u1 d0, u1 d2, u2 d0, u3 d50 -> 4 of 8
    assert pair.chance == pytest.approx(0.5)
    assert pair.support == pytest.approx(2 / 8)
    assert pair.confidence == pytest.approx(2 / 3)
    assert pair.lift == pytest.approx(4 / 3)
    # declared: prior confidence 0.5 * 2 = 1.0 over 4 pseudo-baskets
    assert pair.smoothed_confidence == pytest.approx((2 + 4 * 1.0) / (3 + 4))
    assert pair.declared
    # scarf -> coat: only u2's shared basket, under min_count
    assert [p.consequent for p in mined.complements if p.antecedent == "scarf"] == []


def test_without_a_prior_the_confidence_shrinks_toward_chance() -> None:
    pair = _only(mine_categories(coat_then_scarf(), SLOTS, {}, LOOSE).complements, "coat", "scarf")
    assert pair.smoothed_confidence == pytest.approx((2 + 4 * 0.5) / (3 + 4))
    assert not pair.declared


def test_the_window_decides_what_counts_as_bought_with() -> None:
    month = mine_categories(coat_then_scarf(), SLOTS, {}, LOOSE)
    assert _only(month.complements, "coat", "scarf").count == 2
    config = MiningConfig(min_count=2, min_z=0.0, prior_strength=4.0, window_days=60)
    pair = _only(mine_categories(coat_then_scarf(), SLOTS, {}, config).complements, "coat", "scarf")
    # u3's scarf on day 50 now counts; chance: u1 d0, u1 d2, u2 d0, u3 d0, u3 d50 -> 5 of 8
    assert pair.count == 3 and pair.lift == pytest.approx(1.0 / (5 / 8))
    # the same day only: u2's basket alone, below chance (1/3 vs 3/8) unless the bar is lowered
    same_day = MiningConfig(min_count=1, min_z=-1.0, min_lift=0.5, window_days=0)
    pair = _only(
        mine_categories(coat_then_scarf(), SLOTS, {}, same_day).complements, "coat", "scarf"
    )
    assert pair.count == pair.same_basket == 1


def test_same_slot_pairs_are_substitutes_unless_declared_and_never_with_itself() -> None:
    rows = [("u1", "coat", 0), ("u1", "jacket", 3), ("u1", "coat", 5), ("u2", "coat", 0)]
    rows += [("u2", "jacket", 1), ("u3", "tee", 0), ("u4", "tee", 0), ("u5", "tee", 0)]
    mined = mine_categories(_frame(rows), SLOTS, {}, LOOSE)
    assert mined.complements == ()
    assert [(p.antecedent, p.consequent) for p in mined.substitutes] == [("coat", "jacket")]
    declared = mine_categories(_frame(rows), SLOTS, {"coat": ["jacket"]}, LOOSE)
    assert [(p.antecedent, p.consequent) for p in declared.complements] == [("coat", "jacket")]
    unknown_slots = mine_categories(_frame(rows), {}, {}, LOOSE)
    assert [(p.antecedent, p.consequent) for p in unknown_slots.complements] == [("coat", "jacket")]


def test_pairs_at_or_below_chance_or_within_noise_are_not_mined() -> None:
    # everybody buys a tee with everything: a tee after a coat is no more likely than after
    # any purchase (lift 1)
    rows = [(f"u{n}", c, 0) for n in range(6) for c in ("coat", "tee")]
    rows += [(f"v{n}", "tee", 0) for n in range(6)]
    assert mine_categories(_frame(rows), SLOTS, {}, LOOSE).complements == ()
    # lift 4/3 on three coat baskets is within noise: z = (2 - 1.5) / sqrt(1.5 * 0.5) = 0.58
    pairs = mine_categories(coat_then_scarf(), SLOTS, {}, MiningConfig(min_count=2))
    assert pairs.complements == ()


@pytest.mark.parametrize("threads", [1, 4])
def test_counting_a_few_shoppers_at_a_time_in_threads_changes_nothing(threads: int) -> None:
    rows = [(f"u{n}", c, d) for n in range(30) for c, d in (("coat", n % 4), ("scarf", n % 7))]
    rows += [(f"v{n}", "tee", n) for n in range(40)]
    whole = replace(LOOSE, threads=1)
    chunked = replace(LOOSE, chunk_baskets=3, threads=threads)
    categories = mine_categories(_frame(rows), SLOTS, {}, whole)
    assert categories.complements
    assert mine_categories(_frame(rows), SLOTS, {}, chunked) == categories
    articles = mine_articles(_frame(rows, "item_id"), whole)
    assert articles
    assert mine_articles(_frame(rows, "item_id"), chunked) == articles


def test_at_most_max_per_category_complements_best_first() -> None:
    rows = [("u1", "coat", 0), ("u1", "scarf", 0), ("u1", "tee", 1), ("u2", "coat", 0)]
    rows += [("u2", "scarf", 0), ("u2", "tee", 1), ("u3", "coat", 0), ("u3", "scarf", 0)]
    rows += [(f"v{n}", "jacket", 0) for n in range(6)]
    mined = mine_categories(_frame(rows), SLOTS, {}, MiningConfig(min_count=2, min_z=0.0))
    # of 11 baskets: coat -> scarf 3 of 3 (chance 3/11), coat -> tee 2 of 3 (chance 4/11); the
    # smoothed confidence favours the popular tee, the smoothed lift (the ranking) the scarf
    scarf, tee = _only(mined.complements, "coat", "scarf"), _only(mined.complements, "coat", "tee")
    assert tee.smoothed_confidence > scarf.smoothed_confidence
    assert mined.by_category()["coat"] == ("scarf", "tee")
    config = MiningConfig(min_count=2, min_z=0.0, max_per_category=1)
    assert mine_categories(_frame(rows), SLOTS, {}, config).by_category()["coat"] == ("scarf",)


def test_article_pairs_skip_colourways_and_same_slot_and_are_bounded() -> None:
    rows = []
    for n in range(4):
        rows += [(f"u{n}", "coat-black", 0), (f"u{n}", "coat-navy", 0), (f"u{n}", "scarf", 1)]
        rows += [(f"u{n}", "jacket", 2)]
    rows += [(f"v{n}", "tee", 0) for n in range(8)]
    frame = _frame(rows, "item_id")
    frame["style"] = frame["item_id"].map({"coat-black": "S1", "coat-navy": "S1"}).fillna("")
    frame["slot"] = frame["item_id"].map(
        {"coat-black": "outer", "coat-navy": "outer", "jacket": "outer", "scarf": "acc"}
    )
    config = MiningConfig(article_min_count=2, min_z=0.0)
    pairs = {(p.antecedent, p.consequent) for p in mine_articles(frame, config)}
    assert pairs == {("coat-black", "scarf"), ("coat-navy", "scarf"), ("scarf", "jacket")}
    bounded = mine_articles(
        frame, MiningConfig(article_min_count=2, min_z=0.0, max_article_pairs=2)
    )
    assert len(bounded) == 2
    assert mine_articles(frame.iloc[:0], config) == ()


def test_the_newest_whole_days_are_kept_up_to_a_number_of_purchases() -> None:
    # days 0, 5, 5, 9, 9, 9: rows in no particular order
    frame = _frame([("a", "x", 9), ("b", "x", 5), ("c", "x", 0), ("d", "x", 9), ("e", "x", 5)])
    frame = pd.concat([frame, _frame([("f", "x", 9)])], ignore_index=True)
    assert sorted(newest_days(frame, 5)["day"]) == [5, 5, 9, 9, 9]
    assert sorted(newest_days(frame, 4)["day"]) == [9, 9, 9]  # never half a day
    assert sorted(newest_days(frame, 1)["day"]) == [9, 9, 9]  # the newest day, however full
    assert newest_days(frame, 6) is frame and newest_days(frame, 0) is frame
    assert list(newest_days(frame, 3).index) == [0, 3, 5]  # the rows' own order


def test_rich_data_refutes_a_declared_pair_and_thin_data_does_not() -> None:
    # ten coat buyers never buy a scarf; ten others buy a tee, then a scarf: 30 baskets
    rows = [(f"c{n}", "coat", 0) for n in range(10)]
    rows += [(f"t{n}", c, d) for n in range(10) for c, d in (("tee", 0), ("scarf", 1))]
    config = MiningConfig(min_count=2, prior_strength=4.0)
    mined = mine_categories(_frame(rows), SLOTS, {"coat": ["scarf"]}, config)
    (refuted,) = mined.refuted
    # chance predicts 10 * 20/30 = 6.7 pairs, none seen: z = -6.7 / sqrt(6.7 / 3) = -4.47
    assert (refuted.antecedent, refuted.consequent, refuted.count) == ("coat", "scarf", 0)
    assert refuted.z == pytest.approx(-(20 / 3) / (20 / 9) ** 0.5)
    assert refuted.smoothed_confidence == pytest.approx((0 + 4 * 1.0) / (10 + 4))
    assert "coat" not in mined.by_category()
    assert mine_categories(_frame(rows), SLOTS, {}, config).refuted == ()  # nothing declared
    # one coat buyer: chance predicts under two pairs, too thin to overrule the prior
    thin = [r for r in rows if r[0] == "c0" or r[0].startswith("t")]
    assert mine_categories(_frame(thin), SLOTS, {"coat": ["scarf"]}, config).refuted == ()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_article_pairs_are_the_best_above_chance_pairs_ranked_as_documented(seed: int) -> None:
    """The array path keeps exactly what the definitions say: every pair above chance, the
    best few per article by smoothed lift (ties by label), then the best supported overall.
    """
    rng = np.random.default_rng(seed)
    n = 3_000
    frame = _frame(
        list(
            zip(
                [f"u{u}" for u in rng.integers(0, 300, n)],
                [f"a{a:02d}" for a in rng.zipf(1.6, n) % 40],
                rng.integers(0, 60, n).tolist(),
                strict=True,
            )
        ),
        "item_id",
    )
    config = MiningConfig(article_min_count=2, articles_per_article=3, max_article_pairs=25)
    mined = mine_articles(frame, config)
    # the reference: every pair seen twice, tested one by one through MinedPair
    unbounded = {"article_min_count": 2, "articles_per_article": 10**6, "max_article_pairs": 10**6}
    seen = mine_articles(frame, MiningConfig(min_lift=-np.inf, min_z=-np.inf, **unbounded))
    every = [p for p in seen if p.above_chance(config)]
    assert 25 < len(every) < len(seen)
    assert set(mine_articles(frame, MiningConfig(**unbounded))) == set(every)
    per_article: dict[str, list[MinedPair]] = {}
    for pair in sorted(every, key=lambda p: (-p.smoothed_lift, p.consequent)):
        per_article.setdefault(pair.antecedent, []).append(pair)
    best = [p for pairs in per_article.values() for p in pairs[:3]]
    best.sort(key=lambda p: (-p.count, -p.smoothed_lift, p.antecedent, p.consequent))
    assert len(mined) == 25 and list(mined) == best[:25]
