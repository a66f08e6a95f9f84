"""Shelves on the tiny world: the policy's effect, reasons, rebuy, cold start, artifacts."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest

from recommender.artifacts import save_fitted
from recommender.data import Interactions, normalise_frame
from recommender.factors import EmbeddingRecommender
from recommender.knowledge import Evidence, TableKnowledge
from recommender.pipeline import PipelineConfig, fit_pipeline
from recommender.retrieval import ClusterIndexConfig
from recommender.serving import ArtifactError, HistoryEvent, Shelves, ShortlistConfig

NOW = datetime(2024, 3, 25)


@pytest.fixture(params=["exhaustive", "shortlist"])
def shelves(
    interactions: Interactions, knowledge: TableKnowledge, request: pytest.FixtureRequest
) -> Shelves:
    config = PipelineConfig(model="als", model_overrides={"factors": 8, "iterations": 10})
    fitted = fit_pipeline(interactions, knowledge, config)
    if request.param == "exhaustive":
        return Shelves(fitted, "test")
    # The large-catalogue path on the tiny world: shortlisted always, from clusters of ~3
    # items, so that only some items are ranked; every test below must hold all the same.
    assert isinstance(fitted.model, EmbeddingRecommender)
    fitted.model.cluster_index(ClusterIndexConfig(items_per_cluster=3))
    return Shelves(fitted, "test", ShortlistConfig(min_items=0, candidates=4, popular=2))


def test_a_shortlist_ranks_like_the_whole_catalogue_where_it_covers_it(
    interactions: Interactions, knowledge: TableKnowledge
) -> None:
    config = PipelineConfig(model="als", model_overrides={"factors": 8, "iterations": 10})
    fitted = fit_pipeline(interactions, knowledge, config)
    exhaustive = Shelves(fitted, "all")
    shortlisted = Shelves(fitted, "all", ShortlistConfig(min_items=0))
    for history in (
        [HistoryEvent("B3", NOW, "purchase")],
        [HistoryEvent("A0", NOW - timedelta(days=2), "purchase"), HistoryEvent("C0", NOW, "view")],
    ):
        want = exhaustive.recommend("x", history, NOW, k=8)
        got = shortlisted.recommend("x", history, NOW, k=8)
        assert _ids(got.items) == _ids(want.items)
        assert [s.score for s in got.items] == pytest.approx([s.score for s in want.items])


def _ids(shelf_items: tuple[object, ...]) -> list[str]:
    return [s.item_id for s in shelf_items]  # type: ignore[attr-defined]


def test_a_coat_purchase_removes_coats_and_brings_scarves(shelves: Shelves) -> None:
    # a shopper who has been looking at coats
    history = [HistoryEvent(f"B{i}", NOW - timedelta(days=1), "view") for i in (0, 1, 2, 4)]
    before = shelves.recommend("x", history, NOW, k=12)
    after = shelves.recommend("x", [*history, HistoryEvent("B3", NOW, "purchase")], NOW, k=12)
    coats_before = sum(i.startswith(("B", "X1")) for i in _ids(before.items))
    coats_after = sum(i.startswith(("B", "X1")) for i in _ids(after.items))
    assert "B3" not in _ids(after.items) and coats_after < coats_before
    scarves = [s for s in after.items if s.item_id.startswith("C")]
    assert scarves and scarves[0].reason == "goes with the coat you bought on 25 Mar"
    assert _ids(after.items).index(scarves[0].item_id) < 3


def _coat_story(shelves: Shelves) -> str:
    """After looking at coats and buying B3: no B3, fewer coats, a scarf in the top 3; its
    reason.
    """
    history = [HistoryEvent(f"B{i}", NOW - timedelta(days=1), "view") for i in (0, 1, 2, 4)]
    before = shelves.recommend("x", history, NOW, k=12)
    after = shelves.recommend("x", [*history, HistoryEvent("B3", NOW, "purchase")], NOW, k=12)
    coats = [sum(i.startswith(("B", "X1")) for i in _ids(s.items)) for s in (before, after)]
    assert "B3" not in _ids(after.items) and coats[1] < coats[0]
    scarves = [s for s in after.items if s.item_id.startswith("C")]
    assert scarves and _ids(after.items).index(scarves[0].item_id) < 3
    return scarves[0].reason


def test_the_coat_story_holds_with_mined_complements_only(
    interactions: Interactions, knowledge: TableKnowledge
) -> None:
    config = PipelineConfig(model="als", model_overrides={"factors": 8, "iterations": 10})
    # no hand-written complement: the graph's mining alone says scarves follow coats
    mined = replace(knowledge, complement_map={}, mined={"coat": {"scarf": Evidence(0.4, 2.5)}})
    reason = _coat_story(Shelves(fit_pipeline(interactions, mined, config), "mined"))
    assert reason == "often bought with the coat you bought on 25 Mar"
    # declared as well: the styling rule speaks
    both = replace(mined, mined={"coat": {"scarf": Evidence(0.4, 2.5, declared=True)}})
    both = replace(both, complement_map={"coat": ("scarf",)})
    reason = _coat_story(Shelves(fit_pipeline(interactions, both, config), "both"))
    assert reason == "goes with the coat you bought on 25 Mar"
    # no graph at all: the pipeline mines its own training purchases, where every coat
    # buyer comes back for a scarf within the month
    frame = interactions.frame
    scarves = [
        (f"u{n}", f"C{n % 2}", pd.Timestamp(2024, 3, n + 11), "purchase", 1) for n in range(6, 12)
    ]
    extra = pd.DataFrame(
        scarves, columns=["user_id", "item_id", "timestamp", "event_type", "quantity"]
    )
    data = normalise_frame(pd.concat([frame[extra.columns], extra], ignore_index=True))
    bare = replace(knowledge, complement_map={})
    fitted = fit_pipeline(data, bare, config)
    assert fitted.tables.plans["coat"].often_bought == ("scarf",)
    reason = _coat_story(Shelves(fitted, "learned"))
    assert reason == "often bought with the coat you bought on 25 Mar"


def test_colourways_of_a_bought_style_are_suppressed(shelves: Shelves) -> None:
    shelf = shelves.recommend("x", [HistoryEvent("A0", NOW, "purchase")], NOW, k=14)
    assert "A0" not in _ids(shelf.items) and "A1" not in _ids(shelf.items)


def test_a_bought_article_stays_off_the_main_shelf_and_goes_to_buy_again(
    shelves: Shelves,
) -> None:
    long_ago = NOW - timedelta(days=40)
    top = shelves.recommend("x", [HistoryEvent("A0", long_ago, "purchase")], NOW, k=14)
    coat = shelves.recommend("x", [HistoryEvent("B0", long_ago, "purchase")], NOW, k=14)
    assert "A0" not in _ids(top.items) and "B0" not in _ids(coat.items)
    assert "A1" in _ids(top.items)  # tops are re-bought: the colourway returns after 30 days
    again = shelves.rebuy("x", [HistoryEvent("A0", long_ago, "purchase")], NOW)
    assert _ids(again.items) == ["A0"]


def test_rebuy_shelf_holds_rebought_categories_only(shelves: Shelves) -> None:
    history = [
        HistoryEvent("A2", NOW - timedelta(days=3), "purchase"),
        HistoryEvent("B1", NOW - timedelta(days=1), "purchase"),
    ]
    shelf = shelves.rebuy("x", history, NOW)
    assert _ids(shelf.items) == ["A2"]
    assert shelf.items[0].reason.startswith("bought on 22 Mar")


def test_unknown_shopper_gets_a_popular_cold_start_shelf(shelves: Shelves) -> None:
    shelf = shelves.recommend("stranger", [], NOW, k=5)
    assert shelf.cold_start and len(shelf.items) == 5
    assert all(s.reason for s in shelf.items)


def test_filters_restrict_the_shelf(shelves: Shelves) -> None:
    coats = shelves.recommend("x", [], NOW, category="coat", exclude=["B0"])
    assert coats.items and all(i.startswith(("B", "X1")) for i in _ids(coats.items))
    assert "B0" not in _ids(coats.items)
    only = shelves.recommend("x", [], NOW, include=["C1", "A3", "nope"])
    assert sorted(_ids(only.items)) == ["A3", "C1"]


def test_similar_and_complements(shelves: Shelves) -> None:
    similar = _ids(shelves.similar("B0").items)
    assert similar and "B0" not in similar and all(i[0] in "BX" for i in similar)
    assert set(_ids(shelves.complements("B0").items)) == {"C0", "C1"}
    assert shelves.similar("nope").items == ()


def test_artifact_round_trip_and_corruption(shelves: Shelves, tmp_path: Path) -> None:
    save_fitted(shelves.fitted, tmp_path / "v1", "v1")
    loaded = Shelves.load(tmp_path / "v1")
    assert loaded.version == "v1"
    history = [HistoryEvent("B0", NOW, "purchase")]
    same = Shelves(shelves.fitted, "v1")  # ranked as the loaded one is, whole catalogue
    assert loaded.recommend("u", history, NOW) == same.recommend("u", history, NOW)
    (tmp_path / "v1" / "catalogue.npz").write_bytes(b"garbage")
    with pytest.raises(ArtifactError):
        Shelves.load(tmp_path / "v1")
    with pytest.raises(ArtifactError):
        Shelves.load(tmp_path / "missing")
