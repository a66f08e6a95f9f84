"""Product photos and colour swatches, drawn with matplotlib.

Photos are looked up through the store (:func:`service.api.catalogue.image_file`), so a
notebook names articles, never files.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from PIL import Image
from sqlalchemy import Engine

from service.analytics.plots import finished
from service.api.catalogue import image_file
from service.errors import NotFoundError

#: Characters per caption line under a photo (longer reasons wrap).
CAPTION_WIDTH = 24
#: Inches per photo cell (product photos are portrait, 2:3).
CELL = (1.7, 2.55)


@dataclass(frozen=True)
class Tile:
    """One cell of a photo grid: an article, the caption under its photo, and optionally the
    photo's file (otherwise the article's first photo in the store).
    """

    article_id: str
    caption: str
    path: Path | None = None


def photo(engine: Engine, article_id: str) -> np.ndarray | None:
    """The article's first photo as an RGB array, ``None`` when it has none."""
    try:
        return read_rgb(image_file(engine, article_id))
    except NotFoundError:
        return None


def read_rgb(path: Path) -> np.ndarray:
    """An image file as an RGB array."""
    with Image.open(path) as image:
        return np.asarray(image.convert("RGB"))


def photo_grid(
    engine: Engine, tiles: Sequence[Tile], *, columns: int = 6, title: str = ""
) -> Figure:
    """Photos of ``tiles`` in rows of ``columns``; a grey cell where an article has no photo."""
    rows = max(1, -(-len(tiles) // columns))
    fig, axes = plt.subplots(
        rows, columns, figsize=(CELL[0] * columns, CELL[1] * rows), squeeze=False
    )
    for ax in axes.flat:
        ax.axis("off")
    for ax, tile in zip(axes.flat, tiles, strict=False):
        pixels = read_rgb(tile.path) if tile.path else photo(engine, tile.article_id)
        if pixels is None:
            ax.add_patch(Rectangle((0, 0), 1, 1, color="0.9"))
            ax.text(0.5, 0.5, "no photo", ha="center", va="center", fontsize="small")
        else:
            ax.imshow(pixels)
        ax.set_title(textwrap.fill(tile.caption, CAPTION_WIDTH), fontsize="x-small")
    fig.suptitle(title)
    return finished(fig)


@dataclass(frozen=True)
class SwatchRow:
    """One row of a swatch table: a label and named colours (name, hex) to compare."""

    label: str
    colours: Sequence[tuple[str, str]]


def swatches(rows: Sequence[SwatchRow], *, headers: Sequence[str] = (), title: str = "") -> Figure:
    """A table of colour patches: one row per item, one named patch per compared source."""
    width = max((len(r.colours) for r in rows), default=1)
    fig, ax = plt.subplots(figsize=(2.2 + 2.4 * width, 0.45 * (len(rows) + 1) + 0.6))
    for y, row in enumerate(rows):
        ax.text(0, y, row.label, va="center", fontsize="small")
        for x, (name, colour) in enumerate(row.colours):
            left = 2.2 + 2.4 * x
            ax.add_patch(Rectangle((left, y - 0.35), 0.6, 0.7, color=colour, ec="black", lw=0.4))
            ax.text(left + 0.75, y, name, va="center", fontsize="x-small")
    for x, header in enumerate(headers):
        ax.text(2.2 + 2.4 * x, -1, header, fontweight="bold", fontsize="small")
    ax.set_xlim(0, 2.2 + 2.4 * width)
    ax.set_ylim(len(rows) - 0.5, -1.5)
    ax.axis("off")
    ax.set_title(title)
    return finished(fig)
