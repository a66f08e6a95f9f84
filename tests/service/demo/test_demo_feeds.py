from __future__ import annotations

import json
import re

import pytest
from demo_world import World

from service.demo.categories import CATEGORIES
from service.demo.palette import PALETTE
from vision.colorspace import hex_to_lab, hex_to_srgb, lab_to_srgb

ITEM_HEADER = [
    "item_id",
    "name",
    "category",
    "color",
    "pattern",
    "style_code",
    "department",
    "price",
]
MANUFACTURER_HEADER = [
    "item_id",
    "style_code",
    "fabric_composition",
    "construction",
    "dye_code",
    "dye_lab_l",
    "dye_lab_a",
    "dye_lab_b",
]


def test_headers_are_exactly_as_ingestion_expects(world: World) -> None:
    assert world.header("items.csv")[: len(ITEM_HEADER)] == ITEM_HEADER
    assert world.header("manufacturer.csv") == MANUFACTURER_HEADER
    assert world.header("ground_truth/articles.csv")[:2] == ["article_id", "style_code"]
    assert world.header("ground_truth/categories.csv")[0] == "category"


def test_the_retailer_feed_lists_every_article_once(world: World) -> None:
    truth = {r["article_id"]: r for r in world.rows("ground_truth/articles.csv")}
    items = world.rows("items.csv")
    assert [i["item_id"] for i in items] == list(truth)
    for item in items:
        assert item["style_code"] == truth[item["item_id"]]["style_code"]
        assert float(item["price"]) > 0


def test_the_retailer_speaks_its_own_language(world: World) -> None:
    truth = {r["article_id"]: r for r in world.rows("ground_truth/articles.csv")}
    items = world.rows("items.csv")
    platform_categories = {c.name.casefold() for c in CATEGORIES}
    platform_colours = {c.name.casefold() for c in PALETTE}
    assert not {i["category"].casefold() for i in items} & platform_categories
    same_colour = [i for i in items if i["color"].casefold() == truth[i["item_id"]]["colour"]]
    assert len(same_colour) < 0.25 * len(items)
    assert len({i["color"].casefold() for i in items} - platform_colours) > 10


def test_the_retailer_feed_has_gaps_like_a_real_one(world: World) -> None:
    items = world.rows("items.csv")
    for column in ("color", "pattern", "department", "fit", "occasion"):
        empty = sum(1 for i in items if not i[column])
        assert 0 < empty < 0.5 * len(items), column
    assert all(i["item_id"] and i["style_code"] and i["price"] for i in items)


def test_manufacturer_dyes_are_the_true_colours_in_cielab(world: World) -> None:
    truth = {r["article_id"]: r for r in world.rows("ground_truth/articles.csv")}
    rows = world.rows("manufacturer.csv")
    assert 0.9 * len(truth) <= len(rows) <= len(truth)
    for row in rows:
        colour_hex = truth[row["item_id"]]["colour_hex"]
        lab = (float(row["dye_lab_l"]), float(row["dye_lab_a"]), float(row["dye_lab_b"]))
        assert lab == pytest.approx(tuple(hex_to_lab(colour_hex)), abs=0.006)
        back = lab_to_srgb(lab) * 255
        assert max(abs(back - hex_to_srgb(colour_hex) * 255)) <= 1
        assert re.fullmatch(r"DY-\d{4}", row["dye_code"])
        assert "%" in row["fabric_composition"]


def test_one_dye_code_per_colour(world: World) -> None:
    truth = {r["article_id"]: r["colour"] for r in world.rows("ground_truth/articles.csv")}
    codes: dict[str, set[str]] = {}
    for row in world.rows("manufacturer.csv"):
        codes.setdefault(truth[row["item_id"]], set()).add(row["dye_code"])
    assert all(len(c) == 1 for c in codes.values())
    assert len({next(iter(c)) for c in codes.values()}) == len(codes)


def test_ground_truth_categories_are_the_category_table(world: World) -> None:
    rows = world.rows("ground_truth/categories.csv")
    assert [r["category"] for r in rows] == [c.name for c in CATEGORIES]
    for row, fact in zip(rows, CATEGORIES, strict=True):
        assert row["complements"].split("|") == list(fact.complements)
        assert row["repurchase_days"] == (
            "" if fact.repurchase_days is None else str(fact.repurchase_days)
        )


def test_world_json_records_settings_version_and_counts(world: World) -> None:
    record = json.loads((world.path / "world.json").read_text(encoding="utf-8"))
    assert record["seed"] == world.config.seed
    assert record["config"] == world.config.to_dict()
    assert record["counts"] == world.summary.to_dict()
    assert record["version"]
    tastes = json.loads((world.path / "ground_truth" / "shoppers.json").read_text(encoding="utf-8"))
    assert [t["user_id"] for t in tastes] == [r["user_id"] for r in world.rows("customers.csv")]
    assert abs(sum(tastes[0]["looks"].values()) - 1) < 0.01
