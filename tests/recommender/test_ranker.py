"""The ranking stage on the tiny world: its sources, its labels, its artifact."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp

from recommender.base import Recommender
from recommender.candidates import FEATURES, SOURCES, Shopper, gather
from recommender.comparison import compare
from recommender.data import Interactions, MatrixConfig
from recommender.evaluate import temporal_split
from recommender.history import build_history
from recommender.knowledge import TableKnowledge
from recommender.pipeline import training_set
from recommender.ranker import RankerConfig, RankerRecommender

from .conftest import START

FAST = RankerConfig(base_overrides={"factors": 8, "iterations": 10}, trees=50)


@pytest.fixture
def ranker(interactions: Interactions, knowledge: TableKnowledge) -> RankerRecommender:
    model = RankerRecommender(FAST)
    model.fit(training_set(interactions, knowledge, MatrixConfig()))
    return model


def test_sources_propose_complements_and_never_a_bought_style(ranker: RankerRecommender) -> None:
    context = ranker.context
    assert context is not None and ranker.base is not None
    items = ranker.base_items
    now = START + timedelta(days=30)
    history = build_history(items, ["B0"], [now - timedelta(days=1)], ["purchase"], [1], now)
    shopper = Shopper.of(history, int(np.datetime64(now.date(), "D").astype(np.int64)), 30.0)
    allowed = context.allowed(shopper)
    assert not allowed[items.rows(["B0"])].any()
    model = (np.arange(len(items)), np.zeros(len(items), np.float32))
    rows, found, _ = gather(context, shopper, model, allowed)
    names = {items.ids[r] for r in rows}
    assert "B0" not in names
    scarves = {items.ids[r] for r in rows[found[:, SOURCES.index("complement")] > 0]}
    assert "C0" in scarves  # scarves go with coats (declared, and bought with them)
    together = {items.ids[r] for r in rows[found[:, SOURCES.index("copurchase")] > 0]}
    assert together and together <= {f"B{i}" for i in range(5)} | {"C0"}


def test_the_ranker_learns_from_time_cuts_and_reports_it(ranker: RankerRecommender) -> None:
    assert ranker.report["timed_labels"] is True
    assert ranker.report["cuts"] >= 1 and ranker.report["label_shoppers"] > 0
    assert set(ranker.report["source_hits"]) == set(SOURCES)


def test_sources_whose_field_no_item_has_are_skipped_with_a_note(
    ranker: RankerRecommender,
) -> None:
    # the tiny world's items have no department: the segment and attribute sources are off
    context = ranker.context
    assert context is not None
    assert context.skipped == ("segment", "attribute")
    assert ranker.notes() == [
        "no department in the item attributes: sources segment, attribute skipped; features "
        "share_department, share_department_colour unused"
    ]
    assert ranker.report["source_hits"]["segment"] == ranker.report["source_hits"]["attribute"] == 0


def test_a_plain_feed_is_ranked_from_a_random_hold_out_with_notes(
    interactions: Interactions,
) -> None:
    plain = Interactions(interactions.frame.assign(timestamp=interactions.frame["timestamp"].min()))
    model = RankerRecommender(FAST)
    model.fit(training_set(plain, TableKnowledge(), MatrixConfig()))
    assert model.report["timed_labels"] is False
    notes = model.notes()
    assert notes[0].startswith("no timestamps:")
    assert [n.split(":")[0] for n in notes[1:]] == [
        f"no {field} in the item attributes"
        for field in ("style", "department", "category", "slot", "colour")
    ]
    scores = model.score(sp.csr_matrix(np.eye(1, len(model.base_items), dtype=np.float32)))
    assert np.isfinite(scores).all()


def test_the_features_read_the_time_of_the_purchase(ranker: RankerRecommender) -> None:
    items = ranker.base_items
    now = START + timedelta(days=60)
    fresh = build_history(items, ["B1"], [now - timedelta(days=1)], ["purchase"], [1], now)
    stale = build_history(items, ["B1"], [now - timedelta(days=50)], ["purchase"], [1], now)
    (rows, fresh_features, _), (_, stale_features, _) = ranker._candidates([fresh, stale])
    column = FEATURES.index("shopper_days_since_last")
    assert fresh_features[0, column] == 1.0 and stale_features[0, column] == 50.0
    scores = ranker.score_histories([fresh, stale], fresh.row(len(items), MatrixConfig()))
    assert scores.shape == (2, len(items))
    assert scores[0, items.get("B1")] < scores[0, rows].min()  # bought: below the candidates


def _candidates(
    ranker: RankerRecommender, row: sp.csr_matrix, size: int
) -> tuple[np.ndarray, np.ndarray]:
    found = ranker.candidates(row, size)
    assert found is not None  # the ranker always proposes
    return found


def test_a_primed_shopper_is_served_as_evaluation_scores_them(ranker: RankerRecommender) -> None:
    items = ranker.base_items
    now = START + timedelta(days=60)
    times = [now - timedelta(days=3), now - timedelta(days=1)]
    history = build_history(items, ["B1", "C0"], times, ["purchase"] * 2, [1, 1], now)
    other = build_history(items, ["A2"], times[:1], ["purchase"], [1], now)
    dense = ranker.score_histories([history], history.row(len(items), MatrixConfig()))[0]
    # every item scored, then the base model's shortlist (here all of its clusters)
    for threshold in (len(items) + 1, 0):
        ranker.config = replace(ranker.config, shortlist_items=threshold, shortlist_size=len(items))
        row = history.row(len(items), MatrixConfig())
        ranker.prime(history, row)
        ranker.prime(other, other.row(len(items), MatrixConfig()))  # another request between
        rows, values = _candidates(ranker, row, 5)
        assert np.allclose(np.sort(values), np.sort(dense)[-5:])
        assert np.allclose(values, dense[rows])
        assert np.allclose(ranker.score_rows(row, np.arange(len(items))), dense)
        assert np.allclose(ranker.score_moments(row), (dense.mean(), dense.std()), atol=1e-5)
        found = int((dense >= 1.0).sum())  # candidates score ≥ 1, the rest below, by trend
        _, scores = _candidates(ranker, row, found + 2)
        assert np.allclose(np.sort(scores), np.sort(dense)[-found - 2 :])


def test_the_ranker_says_what_raised_a_suggestion_only_where_true(
    interactions: Interactions, knowledge: TableKnowledge
) -> None:
    # trees small enough to split on the tiny world (the default ones need more lists)
    ranker = RankerRecommender(replace(FAST, min_child=2, leaves=3))
    ranker.fit(training_set(interactions, knowledge, MatrixConfig()))
    context = ranker.context
    assert context is not None
    items = ranker.base_items
    now = START + timedelta(days=30)
    history = build_history(items, ["B0"], [now - timedelta(days=1)], ["purchase"], [1], now)
    row = history.row(len(items), MatrixConfig())
    ranker.prime(history, row)
    rows, _ = _candidates(ranker, row, len(items))
    evidence = ranker.explain(row, rows)
    assert len(evidence) == len(rows)
    assert evidence[rows.tolist().index(items.get("B0"))] is None  # bought: not a candidate
    trend_rank = context.trend_rank(context.signals.last_day + 1)
    said = 0
    for item, found in zip(rows.tolist(), evidence, strict=True):
        if found is None:
            continue
        said += 1
        if found.kind == "bought_together":
            source = int(history.items[found.purchase])
            assert context.signals.confidence[source, item] > 0
        else:
            assert found.kind == "trending" and trend_rank[item] < 1
    assert said > 0


def test_source_hits_say_which_sources_proposed_what_was_wanted(
    ranker: RankerRecommender,
) -> None:
    items = ranker.base_items
    now = START + timedelta(days=30)
    history = build_history(items, ["B0"], [now - timedelta(days=1)], ["purchase"], [1], now)
    scarf, top = (int(r) for r in items.rows(["C0", "A0"]))
    shares = ranker.source_hits([history, history], [np.array([scarf, top]), np.zeros(0, int)])
    rows, _, found = ranker._candidates([history])[0]
    proposed = {int(r): set(np.flatnonzero(f).tolist()) for r, f in zip(rows, found, strict=True)}
    for column in range(len(SOURCES)):
        expected = sum(column in proposed.get(r, set()) for r in (scarf, top)) / 2
        assert shares[0, column] == expected
    assert shares[0, SOURCES.index("complement")] >= 0.5  # the scarf goes with the coat
    assert shares[0, -1] == sum(r in proposed for r in (scarf, top)) / 2
    assert np.isnan(shares[1]).all()  # nothing wanted


def test_the_comparison_reports_the_rankers_source_hits(
    interactions: Interactions, knowledge: TableKnowledge
) -> None:
    split = temporal_split(interactions, 6)
    overrides = {"ranker": {"base_overrides": {"factors": 8, "iterations": 10}, "trees": 50}}
    heard: list[str] = []
    raw, with_policy, _ = compare(
        split,
        knowledge,
        ["ranker"],
        samples=20,
        overrides=overrides,
        progress=lambda message, *_: heard.append(message),
    )
    said = [n.removeprefix("ranker: ") for n in heard if n.startswith("ranker: no ")]
    assert raw.metrics["notes"] == said != []
    assert "notes" not in with_policy.metrics
    hits = raw.metrics["sources"]
    assert hits["users"] > 0 and "sources" not in with_policy.metrics
    for name in (*SOURCES, "any"):
        assert 0.0 <= hits[f"{name}_lo"] <= hits[name] <= hits[f"{name}_hi"] <= 1.0
    assert hits["any"] >= max(hits[name] for name in SOURCES)


def test_a_corrupt_booster_is_refused_naming_the_file(
    ranker: RankerRecommender, tmp_path: Path
) -> None:
    ranker.save(tmp_path)
    (tmp_path / "ranker.txt").write_text("not a model")
    with pytest.raises(ValueError, match=r"ranker\.txt"):
        Recommender.load(tmp_path)
