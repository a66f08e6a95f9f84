"""The tag stage: tag every catalogue article that has a photo, skipping up-to-date ones.

An article is up to date when ``vision_tagged`` says the current model, with the current colour
namer (:func:`results_version`), already tagged the same image file (same path and byte size).
Each article is tagged from its first photo (the lowest image id: feeds list the packshot
first). Results are written batch by batch, so an interrupted run keeps what it finished and
the next run resumes.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, and_, func, or_, select

from service.store.models import ProductImage
from service.store.vision_models import VisionTagged
from service.tagging.batches import analysed, batched, tag_batch
from service.tagging.writer import TaggedArticle, write_results
from vision.color_namer import DEFAULT_MODEL, namer_version
from vision.tagger.predict import Tagger

#: Called with (done, total) after every batch.
TagProgress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class TagOptions:
    """Settings of a tag run."""

    limit: int | None = None
    workers: int = 2
    color_namer: Path | None = DEFAULT_MODEL
    """The colour namer's model file (``None``: the ISCC-NBS table's basic terms)."""


@dataclass
class TagSummary:
    """What a tag run did."""

    model_version: str
    candidates: int = 0
    up_to_date: int = 0
    tagged: int = 0
    failed: int = 0
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)
    tagged_articles: list[int] = field(default_factory=list)
    """Store ids of the articles whose results were stored (not in :meth:`to_dict`)."""

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form (first 20 errors)."""
        rate = self.tagged / self.seconds if self.seconds else 0.0
        return {
            "model_version": self.model_version, "articles_with_photos": self.candidates,
            "up_to_date": self.up_to_date, "tagged": self.tagged, "failed": self.failed,
            "seconds": round(self.seconds, 1), "photos_per_second": round(rate, 1),
            "errors": self.errors[:20],
        }  # fmt: skip


def pending_articles(
    engine: Engine, version: str, limit: int | None
) -> tuple[list[tuple[int, str, int]], int, int]:
    """(article id, image path, byte size) to tag, articles with photos, up-to-date count."""
    first = (
        select(ProductImage.article_id, func.min(ProductImage.id).label("image_id"))
        .group_by(ProductImage.article_id)
        .subquery()
    )
    stale = or_(
        VisionTagged.article_id.is_(None),
        VisionTagged.model_version != version,
        VisionTagged.image_path != ProductImage.path,
        VisionTagged.image_bytes != ProductImage.byte_size,
    )
    query = (
        select(ProductImage.article_id, ProductImage.path, ProductImage.byte_size, stale)
        .join(first, and_(first.c.image_id == ProductImage.id))
        .outerjoin(VisionTagged, VisionTagged.article_id == ProductImage.article_id)
        .order_by(ProductImage.article_id)
    )
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    todo = [(int(r[0]), str(r[1]), int(r[2])) for r in rows if r[3]]
    up_to_date = len(rows) - len(todo)
    return (todo[:limit] if limit is not None else todo), len(rows), up_to_date


def results_version(tagger: Tagger, color_namer: Path | None) -> str:
    """The version stored with results: the tagger's and the colour namer's (``+cn…``)."""
    return f"{tagger.version}+{namer_version(color_namer)}"


def tag_catalogue(
    engine: Engine, tagger: Tagger, options: TagOptions, progress: TagProgress | None = None
) -> TagSummary:
    """Tag pending articles and store colours and tags; returns what was done."""
    start = time.perf_counter()
    version = results_version(tagger, options.color_namer)
    todo, candidates, up_to_date = pending_articles(engine, version, options.limit)
    summary = TagSummary(version, candidates, up_to_date)
    works = analysed(
        [Path(p) for _, p, _ in todo],
        tagger.image_size,
        options.workers,
        options.color_namer,
        tagger.uses_texture,
    )
    done = 0
    for batch in batched(works):
        stored = []
        rows = todo[done : done + len(batch)]
        for (article, _, size), work, vision in zip(
            rows, batch, tag_batch(tagger, batch, version), strict=True
        ):
            if vision is None:
                summary.failed += 1
                summary.errors.append(f"{work.path}: {work.error}")
            else:
                stored.append(TaggedArticle(article, str(work.path), size, vision))
        write_results(engine, stored)
        summary.tagged += len(stored)
        summary.tagged_articles += [tagged.article_id for tagged in stored]
        done += len(batch)
        if progress is not None:
            progress(done, len(todo))
    summary.seconds = time.perf_counter() - start
    return summary
