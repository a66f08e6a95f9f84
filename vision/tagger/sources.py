"""Labelled photos of the catalogues the tagger learns from: Myntra, H&M and the demo world.

Each reader returns :class:`~vision.tagger.dataset.LabelledPhoto` s whose labels went through
:mod:`vision.tagger.label_map`. Myntra has no style codes (every id is its own product), so
its styles are its ids; H&M's style is ``product_code``; the demo's is ``style_code``.
"""

from __future__ import annotations

import csv
from pathlib import Path

from vision.tagger.dataset import LabelledPhoto
from vision.tagger.label_map import map_record


def myntra_photos(folder: Path) -> list[LabelledPhoto]:
    """Photos under ``folder/images`` labelled from ``folder/styles.csv``."""
    with (folder / "styles.csv").open(newline="", encoding="utf-8", errors="replace") as handle:
        rows = {row["id"]: row for row in csv.DictReader(handle) if row.get("id")}
    photos = []
    for path in sorted((folder / "images").glob("*.jpg")):
        row = rows.get(path.stem)
        if row is not None:
            photos.append(LabelledPhoto(path, f"myntra:{path.stem}", map_record("myntra", row)))
    return photos


def hm_photos(folder: Path) -> list[LabelledPhoto]:
    """Photos under ``folder/images/*/`` labelled from ``folder/articles.parquet``."""
    import pyarrow.parquet as pq  # only H&M needs parquet

    columns = ["article_id", "product_code", "product_type_name"]
    columns += ["graphical_appearance_name", "index_group_name"]
    table = pq.read_table(folder / "articles.parquet", columns=columns).to_pylist()
    rows = {str(row["article_id"]): row for row in table}
    photos = []
    for path in sorted((folder / "images").glob("*/*.jpg")):
        row = rows.get(path.stem)
        if row is not None:
            style = f"hm:{row['product_code']}"
            photos.append(LabelledPhoto(path, style, map_record("hm", row)))
    return photos


def demo_photos(world: Path) -> list[LabelledPhoto]:
    """The demo world's photos labelled from ``ground_truth/articles.csv``."""
    with (world / "ground_truth" / "articles.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    photos = []
    for row in rows:
        path = world / "images" / f"{row['article_id']}.jpg"
        if path.exists():
            photos.append(LabelledPhoto(path, f"demo:{row['style_code']}", map_record("demo", row)))
    return photos


SOURCES = {"myntra": myntra_photos, "hm": hm_photos, "demo": demo_photos}
