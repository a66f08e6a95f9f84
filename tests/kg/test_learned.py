"""Mined pairs in graph/learned: stored with provenance, projected, queried and validated."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from kg import queries
from kg.learned import (
    MinedPairRecord,
    PurchaseContext,
    learned_graph_quads,
    learned_stamp,
    mined_pair_quads,
    purchase_context,
    put_mined_pairs,
)
from kg.loading import build_graph
from kg.projection import GraphKnowledge
from kg.records import ArticleRecord, FeedRecord, SalesRecord, VisionRecord, VisionTagRecord
from kg.store import EmbeddedStore
from kg.validation import validate

Catalogue = tuple[list[ArticleRecord], list[SalesRecord], list[VisionRecord]]
ATL = "https://w3id.org/atelier/vocab#"

WHEN = datetime(2024, 5, 3, 12, 0, tzinfo=UTC)


def _pair(
    kind: str, antecedent: str, consequent: str, count: int, **figures: float
) -> MinedPairRecord:
    base = MinedPairRecord(
        kind=kind,
        antecedent=antecedent,
        consequent=consequent,
        count=count,
        same_basket=1,
        antecedent_baskets=40,
        baskets=1_000,
        window_days=30.0,
        support=count / 1_000,
        confidence=count / 40,
        smoothed_confidence=count / 50,
        lift=2.5,
    )
    return replace(base, **figures)  # type: ignore[arg-type]


PAIRS = [
    _pair("complement", "jeans", "belt", 12),  # not declared: only purchases say so
    _pair("complement", "jeans", "sneakers", 5),  # declared too
    _pair("substitute", "jeans", "trousers", 9),
    # declared, yet never bought together where chance predicts many: refuted
    _pair("refuted", "jeans", "shirt", 0, lift=0.0, same_basket=0, smoothed_confidence=0.02),
    replace(_pair("article", "A1", "A2", 3), first_day=date(2024, 2, 1), last_day=date(2024, 5, 2)),
]


@pytest.fixture
def store(tmp_path: Path, catalogue: Catalogue) -> EmbeddedStore:
    store = EmbeddedStore(None)
    build_graph(store, *catalogue, workdir=tmp_path)
    put_mined_pairs(store, "demo", PAIRS, WHEN)
    return store


def test_the_projection_puts_mined_complements_first_then_the_prior(store: EmbeddedStore) -> None:
    knowledge = GraphKnowledge.from_store(store)
    assert list(knowledge.complements("jeans")) == [
        "belt",  # mined, confidence 12/50
        "sneakers",  # mined, 5/50, and declared
        "boots",  # the hand-written prior, in name order, without the refuted shirt
        "t-shirt",
    ]
    mined = knowledge.mined_complements("jeans")
    assert set(mined) == {"belt", "sneakers"}  # the substitute is kept apart
    assert mined["belt"].confidence == pytest.approx(12 / 50) and not mined["belt"].declared
    assert mined["sneakers"].declared and mined["sneakers"].lift == pytest.approx(2.5)
    assert knowledge.declared_complements("jeans") == ["boots", "shirt", "sneakers", "t-shirt"]
    assert knowledge.bought_with("A1") == {"A2": pytest.approx(3 / 50)}
    assert knowledge.mined_complements("socks") == {} and knowledge.bought_with("A2") == {}


def test_mining_a_source_again_replaces_its_pairs_and_keeps_the_others(
    store: EmbeddedStore,
) -> None:
    put_mined_pairs(store, "demo", [_pair("complement", "jeans", "belt", 20)], WHEN)
    put_mined_pairs(store, "other", [_pair("complement", "jeans", "sneakers", 30)], WHEN)
    mined = GraphKnowledge.from_store(store).mined_complements("jeans")
    assert {k: v.confidence for k, v in mined.items()} == {"belt": 0.4, "sneakers": 0.6}
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?r <https://w3id.org/atelier/vocab#pairCount> ?c }"
    assert store.select(count)[0]["n"] == "2"


def test_the_bundled_query_lists_pairs_with_their_figures_and_provenance(
    store: EmbeddedStore,
) -> None:
    assert {"mined-complements", "bought-together"} <= set(queries.names())
    rows = store.select(queries.bind(queries.load("mined-complements"), {"category": "jeans"}))
    assert [(r["complement"], r["relation"], r["declared"]) for r in rows] == [
        ("belt", "complement", "false"),
        ("sneakers", "complement", "true"),
        ("shirt", "refuted", "true"),
        ("trousers", "substitute", "false"),
    ]
    belt = rows[0]
    assert (belt["source"], belt["pairs"], belt["baskets_with_category"]) == ("demo", "12", "40")
    assert float(belt["window_days"]) == 30 and float(belt["support"]) == pytest.approx(0.012)
    assert belt["computed_at"].startswith("2024-05-03T12:00:00")
    articles = store.select(queries.load("bought-together"))
    assert [(r["article"], r["with_article"], r["pairs"]) for r in articles] == [("A1", "A2", "3")]
    # the days of the purchases mined, where the miner knew them
    assert (articles[0]["mined_from"], articles[0]["mined_until"]) == ("2024-02-01", "2024-05-02")
    assert "mined_from" not in belt


def test_the_shapes_cover_the_mined_statements(store: EmbeddedStore) -> None:
    assert validate(store).conforms
    put_mined_pairs(
        store,
        "bad",
        [
            _pair("complement", "jeans", "trousers", 5),  # one slot, undeclared: a substitute
            _pair("complement", "socks", "briefs", 5),  # one slot, but declared: fine
            _pair("complement", "jeans", "belt", 5, lift=0.8),  # below chance
            # refuting what nobody declared
            _pair("refuted", "jeans", "belt", 0, lift=0.0, same_basket=0, smoothed_confidence=0.1),
            _pair("refuted", "jeans", "boots", 9, lift=1.4),  # above chance
        ],
        WHEN,
    )
    # another writer (SPARQL update) breaks a pair's counts and drops its provenance
    pair = "<https://w3id.org/atelier/id/mined/article/demo/A1/A2>"
    store.update(
        f"DELETE WHERE {{ GRAPH ?g {{ {pair} <http://www.w3.org/ns/prov#generatedAtTime> ?t }} }};"
        f"INSERT DATA {{ GRAPH <https://w3id.org/atelier/graph/learned> "
        f"{{ {pair} <{ATL}sameBasketCount> 7 }} }};"
        f"DELETE WHERE {{ GRAPH ?g {{ {pair} <{ATL}minedFrom> ?d }} }};"
        f"INSERT DATA {{ GRAPH <https://w3id.org/atelier/graph/learned> "
        f'{{ {pair} <{ATL}minedFrom> "2024-06-01"^^<http://www.w3.org/2001/XMLSchema#date> }} }}'
    )
    report = validate(store)
    assert not report.conforms
    messages = " | ".join(report.violations)
    assert "joins two outfit slots" in messages
    assert "only a complement the hand-written table declares" in messages
    assert "less often than chance" in messages
    assert all("socks" not in node for nodes in report.examples.values() for node in nodes)
    assert "more often than chance" in messages
    assert "generatedAtTime" in messages and "sameBasketCount" in messages
    assert "start on or before their last day" in messages


def test_records_that_cannot_be_true_are_refused(store: EmbeddedStore) -> None:
    with pytest.raises(ValueError, match="with itself"):
        put_mined_pairs(store, "demo", [_pair("complement", "jeans", "jeans", 3)])
    with pytest.raises(ValueError, match="unknown kind"):
        put_mined_pairs(store, "demo", [_pair("outfit", "jeans", "belt", 3)])
    backwards = replace(PAIRS[0], first_day=date(2024, 5, 2), last_day=date(2024, 2, 1))
    with pytest.raises(ValueError, match=r"ending .* before they start"):
        put_mined_pairs(store, "demo", [backwards])


def test_the_miner_reads_categories_styles_slots_and_the_prior(store: EmbeddedStore) -> None:
    context = purchase_context(store)
    assert context.articles["A1"] == ("jeans", "S1")
    assert context.articles["A2"] == ("t-shirt", "S2")
    assert context.slots["jeans"] == "bottom" and context.slots["t-shirt"] == "top"
    assert sorted(context.declared["jeans"]) == ["boots", "shirt", "sneakers", "t-shirt"]


class _Recorder:
    """A learner that keeps the context the build tells it and learns the given pairs."""

    def __init__(self) -> None:
        self.context: PurchaseContext | None = None

    def articles_known(self, context: PurchaseContext) -> None:
        self.context = context

    def statements(self) -> list[str]:
        stamp = learned_stamp(WHEN)
        return mined_pair_quads("demo", PAIRS, stamp) + learned_graph_quads(stamp)


def test_a_build_tells_its_learner_what_the_graph_will_say_and_loads_what_it_learned(
    tmp_path: Path, catalogue: Catalogue, store: EmbeddedStore
) -> None:
    articles, sales, vision = catalogue
    # an article whose feed names no category: the photo's confident category stands
    unnamed = ArticleRecord("A9", "demo", "S9", "Tee", (FeedRecord("retailer", "demo", {}),))
    photo = VisionRecord("A9", "v1", (), (VisionTagRecord("category", "jeans", 0.8, True),))
    learner = _Recorder()
    built = EmbeddedStore(None)
    build_graph(built, [*articles, unnamed], sales, [*vision, photo], learner=learner)
    assert learner.context == purchase_context(built)
    assert learner.context.articles["A9"] == ("jeans", "S9")
    # the learned statements went in with the graph: the same as stored apart afterwards
    mined = GraphKnowledge.from_store(built).mined
    assert mined == GraphKnowledge.from_store(store).mined and mined.articles
    assert validate(built).conforms
