"""Finding product photos on disk and checking that they are images."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from service.ingest.catalogue import ImageRecord
from service.ingest.report import BadRow
from service.ingest.run import IngestContext

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".webp"})

#: Photos larger than this are refused: a decompression bomb, not a product photo.
MAX_PIXELS = 50_000_000


def image_files(folder: Path) -> list[Path]:
    """Every image file under ``folder``, in a stable order."""
    return sorted(
        p for p in folder.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file()
    )


def read_header(path: Path) -> tuple[int, int] | str:
    """The image's (width, height) from its header, or the reason it is not usable."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                width, height = image.size
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        return "not a readable image (or a decompression bomb)"
    except OSError as exc:
        return f"cannot read image: {exc}"
    if width * height > MAX_PIXELS:
        return f"image of {width}x{height} pixels is larger than {MAX_PIXELS:,} pixels"
    if width < 8 or height < 8:
        return f"image of {width}x{height} pixels is too small to be a product photo"
    return width, height


def ingest_images(context: IngestContext, folder: Path, article_id: Callable[[Path], str]) -> None:
    """Store the photos under ``folder`` whose article (named by ``article_id``) is known.

    Args:
        context: The run.
        folder: Where the photos are (searched recursively).
        article_id: The article a photo belongs to, from its path.
    """
    files = image_files(folder)
    known = context.writer.article_ids
    batch: list[ImageRecord] = []
    with context.progress.task(f"images in {folder.name}/", len(files)) as task:
        for done, path in enumerate(_checked(context, files, known, article_id), start=1):
            batch.append(path)
            if len(batch) >= 2_000:
                context.writer.write_images(batch)
                batch = []
                task.update(done)
        context.writer.write_images(batch)
        task.update(len(files))


def _checked(
    context: IngestContext,
    files: list[Path],
    known: dict[str, int],
    article_id: Callable[[Path], str],
) -> Iterator[ImageRecord]:
    for path in files:
        article = article_id(path)
        header = read_header(path)
        if article not in known:
            context.bad_row(
                BadRow(str(path), None, f"no article {article!r} in the catalogue"),
                "product_images",
            )
        elif isinstance(header, str):
            context.bad_row(BadRow(str(path), None, header), "product_images")
        else:
            resolved = path.resolve()
            yield ImageRecord(article, str(resolved), *header, resolved.stat().st_size)
