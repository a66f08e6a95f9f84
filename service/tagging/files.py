"""``atelier tag-images``: tag arbitrary image files, one JSON object per file.

A bad file (corrupt, truncated, not an image, CMYK, 16-bit, alpha, tiny, decompression bomb)
gets a line with its ``error`` and empty results; the batch goes on.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from service.tagging.batches import analysed, batched, tag_batch
from service.tagging.results import ArticleVision
from service.tagging.work import PhotoWork
from vision.color_namer import DEFAULT_MODEL
from vision.tagger.predict import Tagger

#: File name suffixes looked at in a folder (others are still tagged when named explicitly).
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".bmp", ".gif", ".tif", ".tiff"}


def image_files(folder: Path) -> list[Path]:
    """Every regular file in ``folder`` (not recursive), sorted by name."""
    return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))


def result_line(work: PhotoWork, vision: ArticleVision | None) -> dict[str, Any]:
    """The JSON object of one file."""
    if vision is None:
        return {"image": work.path.name, "colors": [], "attributes": {}, "error": work.error}
    colours = [
        {
            "name": c.fine_name,
            "hue": c.hue,
            "basic": c.basic,
            "hex": c.hex,
            "share": round(c.share, 4),
        }
        for c in vision.colours
    ]
    attributes = {
        group: [{"label": t.label, "score": t.score, "confident": t.confident} for t in tags]
        for group, tags in vision.tags.items()
    }
    return {"image": work.path.name, "colors": colours, "attributes": attributes, "error": None}


def tag_files(
    tagger: Tagger, paths: Sequence[Path], workers: int = 2, namer: Path | None = DEFAULT_MODEL
) -> Iterator[dict[str, Any]]:
    """One result object per path, in order (``namer``: the colour namer's model file)."""
    works = analysed(paths, tagger.image_size, workers, namer, tagger.uses_texture)
    for batch in batched(works):
        for work, vision in zip(batch, tag_batch(tagger, batch), strict=True):
            yield result_line(work, vision)
