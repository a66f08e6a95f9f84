"""What a feed without timestamps or without catalogue fields costs the ranking stage."""

from __future__ import annotations

import numpy as np

from recommender.candidates import (
    FIELD_FEATURES,
    SOURCE_FIELDS,
    feed_notes,
    missing_fields,
    skipped_sources,
)
from recommender.catalogue import FIELDS, Catalogue


def _catalogue(known: set[str]) -> Catalogue:
    codes = {f: np.array([0, -1] if f in known else [-1, -1], np.int32) for f in FIELDS}
    return Catalogue(codes=codes, names={f: ("x",) if f in known else () for f in FIELDS})


def test_a_field_is_missing_only_when_no_item_has_it() -> None:
    assert missing_fields(_catalogue(set(FIELDS))) == ()
    assert missing_fields(_catalogue({"style", "category"})) == ("department", "slot", "colour")


def test_sources_are_skipped_for_any_field_they_need() -> None:
    assert skipped_sources(()) == ()
    assert skipped_sources(("colour",)) == ("attribute",)
    assert skipped_sources(("department",)) == ("segment", "attribute")
    assert set(skipped_sources(FIELDS)) == set(SOURCE_FIELDS)


def test_a_full_timed_feed_has_no_notes() -> None:
    assert feed_notes((), timed=True) == []


def test_notes_name_what_is_missing_and_what_is_skipped() -> None:
    notes = feed_notes(("style", "category"), timed=False)
    assert notes[0].startswith("no timestamps: labels are a random hold-out")
    assert notes[1].startswith("no style in the item attributes: a shopper's bought articles")
    assert notes[2] == (
        "no category in the item attributes: source complement skipped; features "
        + ", ".join(FIELD_FEATURES["category"])
        + " unused"
    )
    assert len(notes) == 3  # style has no features of its own: one note, not two
