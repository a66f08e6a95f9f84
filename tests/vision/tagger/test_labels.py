"""The label map, vocabularies, by-style splits and target encoding."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from vision.tagger.dataset import LabelledPhoto, encode_targets, label_counts, split_by_style
from vision.tagger.label_map import map_record
from vision.tagger.schema import ABSTAIN, Vocabulary


def test_myntra_record_maps_to_platform_groups() -> None:
    record = {"articleType": "Tshirts", "subCategory": "Topwear", "gender": "Boys",
              "usage": "Smart Casual", "season": "Fall", "baseColour": "Navy Blue"}  # fmt: skip

    assert map_record("myntra", record) == {
        "category": ("t-shirt",),
        "slot": ("top",),
        "gender": ("men",),
        "style": ("casual", "business"),
        "season": ("fall",),
    }


def test_unlisted_values_pass_through_or_are_unknown() -> None:
    hm = map_record("hm", {"product_type_name": "Polo shirt", "graphical_appearance_name": "Denim",
                           "index_group_name": "Divided"})  # fmt: skip
    assert hm == {"category": ("polo shirt",), "pattern": ("solid",), "material": ("denim",)}
    assert map_record("hm", {"product_type_name": "Unknown", "graphical_appearance_name": ""}) == {}
    assert map_record("demo", {"neckline": "none", "sleeve": "long"}) == {
        "neckline": (ABSTAIN,),
        "sleeve": ("long",),
    }


def _photo(style: str, **labels: tuple[str, ...]) -> LabelledPhoto:
    return LabelledPhoto(Path(f"{style}.jpg"), style, labels)


def test_vocabulary_puts_abstain_first_and_drops_rare_labels() -> None:
    rows = [{"category": ("coat",), "pattern": ("solid", "striped")}] * 3
    rows += [{"category": ("hat",), "neckline": (ABSTAIN,)}]

    vocabulary = Vocabulary.from_labels(rows, min_count=2)

    assert vocabulary.groups == (("category", (ABSTAIN, "coat")), ("pattern", ("solid", "striped")))
    assert Vocabulary.from_json(vocabulary.to_json()) == vocabulary


def test_split_keeps_colourways_of_a_style_together() -> None:
    photos = [_photo(f"s{i // 4}") for i in range(400)]

    splits = split_by_style(photos)

    sides: dict[str, str] = {}
    for name, indices in splits.items():
        for i in indices:
            assert sides.setdefault(photos[i].style, name) == name
    assert sum(len(v) for v in splits.values()) == 400
    assert 0.6 < len(splits["train"]) / 400 < 0.9


def test_targets_mark_unknown_labels() -> None:
    photos = [
        _photo("a", category=("coat",), pattern=("solid", "striped")),
        _photo("b", category=("dress",)),
        _photo("c", category=("unseen",), pattern=("dotted",)),
    ]
    vocabulary = Vocabulary.from_labels([p.labels for p in photos[:2]])

    targets = encode_targets(photos, vocabulary)

    assert targets.single["category"].tolist() == [1, 2, -1]
    assert targets.multi["pattern"].tolist() == [[1, 1], [0, 0], [0, 0]]
    assert targets.known["pattern"].tolist() == [True, False, False]
    counts = label_counts(targets, vocabulary)
    assert counts["category"].tolist() == [0, 1, 1]
    assert np.array_equal(counts["pattern"], [1, 1])
