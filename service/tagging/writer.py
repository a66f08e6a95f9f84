"""Writing one batch of tagging results into the store, replacing older ones.

An article's colours and tags are always replaced together with its ``vision_tagged`` record, in
one transaction per batch, so a reader never sees colours of one model and tags of another.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine, delete, insert

from service.store.vision_models import VisionColour, VisionTag, VisionTagged
from service.tagging.results import ArticleVision


@dataclass(frozen=True, slots=True)
class TaggedArticle:
    """What one tagging pass found for one article (by surrogate id)."""

    article_id: int
    image_path: str
    image_bytes: int
    vision: ArticleVision


def _colour_rows(item: TaggedArticle) -> list[dict[str, object]]:
    return [
        {
            "article_id": item.article_id,
            "model_version": item.vision.model_version,
            "rank": rank,
            "hex": colour.hex,
            "lab_l": colour.lab[0],
            "lab_a": colour.lab[1],
            "lab_b": colour.lab[2],
            "share": colour.share,
            "fine_name": colour.fine_name,
            "hue": colour.hue,
            "basic": colour.basic,
        }
        for rank, colour in enumerate(item.vision.colours)
    ]


def _tag_rows(item: TaggedArticle) -> list[dict[str, object]]:
    return [
        {
            "article_id": item.article_id,
            "model_version": item.vision.model_version,
            "attr_group": group,
            "label": tag.label,
            "score": tag.score,
            "confident": tag.confident,
        }
        for group, tags in item.vision.tags.items()
        for tag in tags
    ]


def write_results(engine: Engine, batch: Sequence[TaggedArticle]) -> None:
    """Store a batch of results, replacing whatever the articles had before."""
    if not batch:
        return
    ids = [item.article_id for item in batch]
    now = datetime.now(UTC).replace(tzinfo=None)
    colours = [row for item in batch for row in _colour_rows(item)]
    tags = [row for item in batch for row in _tag_rows(item)]
    runs = [
        {
            "article_id": item.article_id,
            "model_version": item.vision.model_version,
            "image_path": item.image_path,
            "image_bytes": item.image_bytes,
            "tagged_at": now,
        }
        for item in batch
    ]
    with engine.begin() as connection:
        for table in (VisionColour, VisionTag, VisionTagged):
            connection.execute(delete(table).where(table.article_id.in_(ids)))
        for table, rows in ((VisionColour, colours), (VisionTag, tags), (VisionTagged, runs)):
            if rows:
                connection.execute(insert(table), rows)
