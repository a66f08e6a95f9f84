"""The files a retailer would hand over, in the formats Atelier's ingestion reads.

* ``items.csv``: the retailer's product feed, in its own words, with gaps as real feeds have.
* ``manufacturer.csv``: fibre content, construction and dye measurements per article.
* ``customers.csv``: the shoppers' public profile.
* ``interactions.csv``: views, carts, purchases and returns.

Row builders are pure; :func:`write_csv` is the only I/O.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence
from datetime import timedelta
from pathlib import Path

from service.demo.catalogue import Article, Catalogue
from service.demo.config import DemoConfig
from service.demo.manufacturing import composition, construction, dye_code, dye_lab
from service.demo.retail import (
    BASICS_DEPARTMENT,
    CATEGORY_LABELS,
    DEPARTMENTS,
    FITS,
    MARKETING_COLOURS,
    MATERIAL_WORDS,
    NECK_WORDS,
    OCCASIONS,
    PATTERN_WORDS,
    PRODUCT_NOUNS,
    SLEEVE_WORDS,
)
from service.demo.shoppers import Shopper
from service.demo.simulation import Event

ITEM_COLUMNS = (
    "item_id",
    "name",
    "category",
    "color",
    "pattern",
    "style_code",
    "department",
    "price",
    "fit",
    "sleeve_length",
    "neck",
    "occasion",
    "first_on_sale",
)
MANUFACTURER_COLUMNS = (
    "item_id",
    "style_code",
    "fabric_composition",
    "construction",
    "dye_code",
    "dye_lab_l",
    "dye_lab_a",
    "dye_lab_b",
)
CUSTOMER_COLUMNS = ("user_id", "age", "gender", "country", "signup_date")
INTERACTION_COLUMNS = (
    "event_id",
    "user_id",
    "item_id",
    "timestamp",
    "event_type",
    "quantity",
    "price",
    "channel",
)

Row = Sequence[str]

_LEGACY_LABEL_SHARE = 0.15  # styles still filed under the retailer's old category label
_MANUFACTURER_COVERAGE = 0.97  # bought-in lines arrive without a manufacturer record
# Chance that a field is left empty, as in real feeds.
_GAPS = {"name": 0.01, "category": 0.01, "color": 0.03, "department": 0.05, "fit": 0.1,
         "sleeve_length": 0.05, "neck": 0.05, "occasion": 0.15, "construction": 0.03}  # fmt: skip


def item_rows(config: DemoConfig, catalogue: Catalogue) -> Iterator[Row]:
    """The retailer's product feed, one row per article."""
    for article in catalogue.articles:
        yield _item_row(config, article)


def _item_row(config: DemoConfig, article: Article) -> Row:
    style = article.style
    named = config.rng("retail-style", style.number)  # the same for every colourway
    rng = config.rng("retail-article", style.number, article.colourway)
    labels = CATEGORY_LABELS[style.category.name]
    label = labels[1] if named.random() < _LEGACY_LABEL_SHARE else labels[0]
    fit = str(named.choice(FITS.get(style.category.slot, ("",))))
    noun = str(named.choice(PRODUCT_NOUNS[style.category.name]))
    name = " ".join(w for w in (fit, MATERIAL_WORDS[style.material], noun) if w)
    pattern = str(named.choice(PATTERN_WORDS[style.pattern]))
    if style.pattern == "solid" and named.random() < 0.35:
        pattern = ""  # plain goods often carry no pattern at all
    basics = style.category.slot == "basics"
    values = {
        "item_id": article.article_id,
        "name": name,
        "category": label,
        "color": str(rng.choice(MARKETING_COLOURS[article.colour.name])),
        "pattern": pattern,
        "style_code": style.code,
        "department": BASICS_DEPARTMENT if basics else DEPARTMENTS[style.gender],
        "price": f"{style.price:.2f}",
        "fit": fit,
        "sleeve_length": SLEEVE_WORDS.get(style.sleeve, ""),
        "neck": NECK_WORDS.get(style.neckline, ""),
        "occasion": OCCASIONS[style.look],
        "first_on_sale": (config.start + timedelta(days=style.launch_day)).isoformat(),
    }
    for column, chance in _GAPS.items():
        if column in values and rng.random() < chance:
            values[column] = ""
    return [values[c] for c in ITEM_COLUMNS]


def manufacturer_rows(config: DemoConfig, catalogue: Catalogue) -> Iterator[Row]:
    """The manufacturer's technical feed; a few articles have no record."""
    for article in catalogue.articles:
        style = article.style
        rng = config.rng("manufacturer", style.number, article.colourway)
        if rng.random() >= _MANUFACTURER_COVERAGE:
            continue
        fabric_rng = config.rng("fabric", style.number)  # one fabric for all colourways
        made = construction(style, fabric_rng)
        if rng.random() < _GAPS["construction"]:
            made = ""
        lightness, a, b = dye_lab(article.colour)
        yield [
            article.article_id,
            style.code,
            composition(style, fabric_rng),
            made,
            dye_code(article.colour),
            f"{lightness:.2f}",
            f"{a:.2f}",
            f"{b:.2f}",
        ]


def customer_rows(config: DemoConfig, shoppers: Iterable[Shopper]) -> Iterator[Row]:
    """The shoppers' public profile; some did not give their age or gender."""
    for index, shopper in enumerate(shoppers):
        rng = config.rng("customer-feed", index)
        age = "" if rng.random() < 0.05 else str(shopper.age)
        gender = "" if rng.random() < 0.04 else {"women": "female", "men": "male"}[shopper.gender]
        yield [shopper.user_id, age, gender, shopper.country, shopper.signup.isoformat()]


def interaction_rows(events: Iterable[Event]) -> Iterator[Row]:
    """Events in time order, numbered: the ids are stable for a given seed and settings."""
    for number, event in enumerate(events, start=1):
        yield [
            f"EV{number:08d}",
            event.user_id,
            event.article_id,
            event.timestamp.isoformat(timespec="seconds"),
            event.event_type,
            str(event.quantity),
            f"{event.price:.2f}",
            event.channel,
        ]


def write_csv(path: Path, columns: Sequence[str], rows: Iterable[Row]) -> int:
    """Write a UTF-8 CSV file with Unix line ends; return the number of data rows."""
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow(row)
            count += 1
    return count
