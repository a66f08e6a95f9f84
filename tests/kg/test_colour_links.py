"""Retailer colour names linked to basic terms by their photos: counted, stored, queried."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kg import queries
from kg.colour_links import (
    ColourLinkConfig,
    ColourObservation,
    colour_links,
    learn_colour_links,
    put_colour_links,
    wilson_lower,
)
from kg.loading import build_graph
from kg.namespaces import colour_iri
from kg.records import ArticleRecord, FeedRecord, VisionColourRecord, VisionRecord
from kg.store import EmbeddedStore
from kg.validation import validate

WHEN = datetime(2024, 5, 3, 12, 0, tzinfo=UTC)
ATL = "https://w3id.org/atelier/vocab#"
LAB = {"black": (10.0, 0.0, 0.0), "blue": (30.0, 5.0, -35.0), "gray": (55.0, 0.0, 0.0)}


def _article(n: int, colour: str) -> ArticleRecord:
    feed = FeedRecord("retailer", "demo", {"category": "Tees", "color": colour})
    return ArticleRecord(f"A{n}", "demo", f"S{n}", "Tee", (feed,))


def _seen(n: int, basic: str, version: str = "v1") -> VisionRecord:
    colour = VisionColourRecord(0, basic, basic, 0.9, LAB[basic])
    return VisionRecord(f"A{n}", version, (colour,), ())


# "Black" (an ISCC-NBS name, so the Lab mapping says black): 5 photos, 4 seen black.
# "Midnight" (XKCD-less, so unmapped): 6 photos, 5 seen blue.
# "Charcoal Dream": 2 photos: counted, too few to state a link.
NAMES = ["Black"] * 5 + ["Midnight"] * 6 + ["Charcoal Dream"] * 2
SEEN = ["black"] * 4 + ["gray"] + ["blue"] * 5 + ["black"] + ["gray", "gray"]


@pytest.fixture
def store(tmp_path: Path) -> EmbeddedStore:
    store = EmbeddedStore(None)
    articles = [_article(n, name) for n, name in enumerate(NAMES)]
    vision = [_seen(n, basic) for n, basic in enumerate(SEEN)]
    build_graph(store, articles, [], vision, workdir=tmp_path)
    return store


def test_each_name_gets_its_confusion_row_and_the_leading_term_is_linked(
    store: EmbeddedStore,
) -> None:
    report = learn_colour_links(store, computed_at=WHEN)
    assert (report.names, report.linked, report.photos) == (3, 2, 13)
    rows = {(r.label, r.basic): (r.photos, r.name_photos, r.linked) for r in report.records}
    assert rows == {
        ("Black", "black"): (4, 5, True),
        ("Black", "gray"): (1, 5, False),
        ("Midnight", "blue"): (5, 6, True),
        ("Midnight", "black"): (1, 6, False),
        ("Charcoal Dream", "gray"): (2, 2, False),  # 2 photos < 5
    }
    assert "2 of 3 retailer colour names linked" in report.summary()


def test_the_bundled_queries_show_the_links_and_the_disagreements(store: EmbeddedStore) -> None:
    learn_colour_links(store, computed_at=WHEN)
    links = store.select(queries.load("colour-name-links"))
    by_name = {r["name"]: r for r in links}
    assert set(by_name) == {"Black", "Midnight", "Charcoal Dream"}
    black = by_name["Black"]
    assert (black["photos_say"], black["mapping_says"], black["agrees"]) == (
        "black",
        "black",
        "true",
    )
    assert (black["photos"], black["of"], black["linked"]) == ("4", "5", "true")
    assert float(black["confidence"]) == pytest.approx(0.8)
    assert by_name["Charcoal Dream"]["linked"] == "false"
    assert black["computed_at"].startswith("2024-05-03T12:00:00")
    # the photos say blue where the spelling reached no mapping; "Black" agrees; "Charcoal
    # Dream" has too few photos to say anything
    disagreements = store.select(queries.load("colour-name-disagreements"))
    assert [(r["name"], r["photos_say"], r.get("mapping_says")) for r in disagreements] == [
        ("Midnight", "blue", None)
    ]


def test_the_recommenders_projection_reads_the_linked_term(store: EmbeddedStore) -> None:
    from kg.projection import GraphKnowledge

    before = GraphKnowledge.from_store(store).item_facts("A5")  # a "Midnight" tee seen as blue
    learn_colour_links(store, computed_at=WHEN)
    after = GraphKnowledge.from_store(store).item_facts("A5")
    assert "basic_colour" in after and "blue" in after["basic_colour"]
    # the unmapped name gave no retailer basic colour before: only vision's own
    assert before.get("basic_colour") == ["blue"]
    midnight_unseen = GraphKnowledge.from_store(store).item_facts("A10")  # seen black, still blue
    assert sorted(midnight_unseen["basic_colour"]) == ["black", "blue"]


def test_learning_again_replaces_the_links_and_keeps_the_mined_pairs(
    store: EmbeddedStore, tmp_path: Path
) -> None:
    learn_colour_links(store, computed_at=WHEN)
    before = store.select(
        "SELECT (COUNT(*) AS ?n) WHERE { ?s <http://www.w3.org/2004/02/skos/core#broadMatch> ?o }"
    )
    learn_colour_links(store, config=ColourLinkConfig(min_photos=1), computed_at=WHEN)
    after = store.select(
        "SELECT (COUNT(*) AS ?n) WHERE { ?s <http://www.w3.org/2004/02/skos/core#broadMatch> ?o }"
    )
    assert (before[0]["n"], after[0]["n"]) == ("2", "3")
    count = f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s a <{ATL}LearnedColourLink> }}"
    assert store.select(count)[0]["n"] == "5"


def test_a_newer_model_replaces_an_older_ones_view_of_an_article(store: EmbeddedStore) -> None:
    # a second vision model, run later, saw A0 ("Black") as blue
    atl, g = "https://w3id.org/atelier/vocab#", "https://w3id.org/atelier/graph/"
    share = "<https://w3id.org/atelier/id/article/A0/vision/v2/colour/0>"
    store.update(
        f"""INSERT DATA {{
          GRAPH <{g}vision/v2> {{
            <https://w3id.org/atelier/id/article/A0> <{atl}hasColour> {share} .
            {share} <{atl}rank> 0 ; <{atl}basicColour> <{colour_iri("basic", "blue")}> .
          }}
          GRAPH <{g}meta> {{
            <{g}vision/v2> <{atl}view> "vision" ; <{atl}modelVersion> "v2" ;
              <http://www.w3.org/ns/prov#generatedAtTime>
                "2999-01-01T00:00:00+00:00"^^<http://www.w3.org/2001/XMLSchema#dateTime> .
          }}
        }}"""
    )
    report = learn_colour_links(store, computed_at=WHEN)
    black = {r.basic: r for r in report.records if r.label == "Black"}
    # A0 counts once, as v2 saw it: 3 black, 1 gray, 1 blue of 5
    assert {basic: r.photos for basic, r in black.items()} == {"black": 3, "gray": 1, "blue": 1}
    assert black["black"].model_version == "v1" and black["black"].name_photos == 5


def test_a_tie_for_the_lead_states_no_link() -> None:
    tied = [
        ColourObservation("demo", "urn:c", "Teal", f"urn:a{i}", basic, "v1", "t")
        for i, basic in enumerate(["blue"] * 3 + ["green"] * 3)
    ]
    records = colour_links(tied, ColourLinkConfig(min_photos=5, min_share=0.5))
    assert [r.linked for r in records] == [False, False]


def test_the_wilson_bound_is_below_the_share_and_tightens_with_photos() -> None:
    assert wilson_lower(0, 0) == 0.0
    assert wilson_lower(4, 5) < 0.8 < wilson_lower(800, 1000) + 0.05
    assert wilson_lower(4, 5) < wilson_lower(40, 50) < wilson_lower(400, 500) < 0.8


def test_the_shapes_cover_the_links_and_counts_that_cannot_be_true_are_refused(
    store: EmbeddedStore,
) -> None:
    learn_colour_links(store, computed_at=WHEN)
    assert validate(store).conforms
    link = "<https://w3id.org/atelier/id/learned/colour/demo/color/black/black>"
    store.update(
        f"DELETE WHERE {{ GRAPH ?g {{ {link} <https://w3id.org/atelier/vocab#photoCount> ?n }} }};"
        f"INSERT DATA {{ GRAPH <https://w3id.org/atelier/graph/learned> "
        f"{{ {link} <https://w3id.org/atelier/vocab#photoCount> 9 }} }}"
    )
    report = validate(store)
    assert not report.conforms
    assert "at most the name's photos" in " | ".join(report.violations)
    (good,) = colour_links([ColourObservation("demo", "urn:c", "Navy", "urn:a", "blue", "v", "t")])
    with pytest.raises(ValueError, match="inconsistent photo counts"):
        put_colour_links(store, [replace(good, photos=2)])
