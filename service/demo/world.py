"""One call that writes a whole synthetic retailer to a folder.

Layout of the folder::

    items.csv               retailer product feed
    manufacturer.csv        manufacturer technical feed
    customers.csv           shoppers' public profile
    interactions.csv        views, carts, purchases, returns
    images/<article>.jpg    product photos
    ground_truth/           articles.csv, categories.csv, shoppers.json
    world.json              settings, generator version and counts
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from service.demo.catalogue import Article, Catalogue, build_catalogue
from service.demo.config import DemoConfig
from service.demo.feeds import (
    CUSTOMER_COLUMNS,
    INTERACTION_COLUMNS,
    ITEM_COLUMNS,
    MANUFACTURER_COLUMNS,
    customer_rows,
    interaction_rows,
    item_rows,
    manufacturer_rows,
    write_csv,
)
from service.demo.ground_truth import (
    ARTICLE_COLUMNS,
    CATEGORY_COLUMNS,
    article_rows,
    category_rows,
    shopper_tastes,
)
from service.demo.photos import write_photos
from service.demo.shoppers import Shopper, draw_shoppers
from service.demo.simulation import Event, simulate_events

GENERATOR_VERSION = "1.0.0"
"""Bumped whenever the same settings would produce different files."""

Progress = Callable[[str, int, int], None]
"""Called with ``(stage, done, total)``; stages: catalogue, shoppers, events, images, feeds."""

EVENT_TYPES = ("view", "cart", "purchase", "return")


@dataclass(frozen=True)
class WorldSummary:
    """What was generated."""

    styles: int
    articles: int
    images: int
    shoppers: int
    events: dict[str, int]
    """Number of events of each type (view, cart, purchase, return)."""
    start: date
    """First day of the simulated period."""
    end: date
    """Last day of the simulated period."""
    first_event: datetime | None
    last_event: datetime | None
    articles_without_events: int
    """Cold-start articles: nobody viewed, carted or bought them."""

    def to_dict(self) -> dict[str, Any]:
        """The counts as JSON-ready values."""
        return {
            "styles": self.styles,
            "articles": self.articles,
            "images": self.images,
            "shoppers": self.shoppers,
            "events": dict(self.events),
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "first_event": _iso(self.first_event),
            "last_event": _iso(self.last_event),
            "articles_without_events": self.articles_without_events,
        }


def generate_world(
    config: DemoConfig, out_dir: Path, progress: Progress | None = None
) -> WorldSummary:
    """Generate a synthetic retailer and write its feeds, photos and ground truth to ``out_dir``.

    The same settings always give byte-identical files; a different seed gives another world.

    Args:
        config: Size, period and seed of the world.
        out_dir: Folder to write to (created if needed; existing files are overwritten).
        progress: Told about each stage as it advances.
    """
    report = progress or _silent
    out_dir.mkdir(parents=True, exist_ok=True)
    catalogue = build_catalogue(config)
    report("catalogue", len(catalogue.articles), len(catalogue.articles))
    shoppers = draw_shoppers(config)
    report("shoppers", len(shoppers), len(shoppers))
    events = simulate_events(
        config, catalogue, shoppers, lambda done, total: report("events", done, total)
    )
    images = 0
    if config.images:
        images = write_photos(
            config, catalogue, out_dir / "images", lambda d, t: report("images", d, t)
        )
    _write_files(config, out_dir, catalogue, shoppers, events, report)
    summary = _summarise(config, catalogue, len(shoppers), events, images)
    _write_json(out_dir / "world.json", _world_record(config, summary))
    return summary


def _write_files(
    config: DemoConfig,
    out_dir: Path,
    catalogue: Catalogue,
    shoppers: tuple[Shopper, ...],
    events: list[Event],
    report: Progress,
) -> None:
    truth = out_dir / "ground_truth"
    files = (
        ("items.csv", ITEM_COLUMNS, item_rows(config, catalogue)),
        ("manufacturer.csv", MANUFACTURER_COLUMNS, manufacturer_rows(config, catalogue)),
        ("customers.csv", CUSTOMER_COLUMNS, customer_rows(config, shoppers)),
        ("interactions.csv", INTERACTION_COLUMNS, interaction_rows(events)),
        ("ground_truth/articles.csv", ARTICLE_COLUMNS, article_rows(catalogue, config.start)),
        ("ground_truth/categories.csv", CATEGORY_COLUMNS, category_rows()),
    )
    for done, (name, columns, rows) in enumerate(files, start=1):
        write_csv(out_dir / name, columns, rows)
        report("feeds", done, len(files) + 1)
    _write_json(truth / "shoppers.json", shopper_tastes(shoppers))
    report("feeds", len(files) + 1, len(files) + 1)


def _summarise(
    config: DemoConfig, catalogue: Catalogue, shoppers: int, events: list[Event], images: int
) -> WorldSummary:
    by_type: Counter[str] = Counter(e.event_type for e in events)
    touched = {e.article_id for e in events}
    return WorldSummary(
        styles=len(catalogue.styles),
        articles=len(catalogue.articles),
        images=images,
        shoppers=shoppers,
        events={kind: by_type[kind] for kind in EVENT_TYPES},
        start=config.start,
        end=config.start + timedelta(days=config.days - 1),
        first_event=events[0].timestamp if events else None,
        last_event=events[-1].timestamp if events else None,
        articles_without_events=_count_untouched(catalogue.articles, touched),
    )


def _count_untouched(articles: tuple[Article, ...], touched: set[str]) -> int:
    return sum(1 for a in articles if a.article_id not in touched)


def _world_record(config: DemoConfig, summary: WorldSummary) -> dict[str, Any]:
    """``world.json``: no paths or clock times, so that it too is identical for the same seed."""
    return {
        "generator": "atelier demo world",
        "version": GENERATOR_VERSION,
        "seed": config.seed,
        "config": config.to_dict(),
        "counts": summary.to_dict(),
    }


def _write_json(path: Path, value: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)
    path.write_text(text + "\n", encoding="utf-8")


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat(timespec="seconds")


def _silent(stage: str, done: int, total: int) -> None:
    """The progress callback used when the caller passes none."""
