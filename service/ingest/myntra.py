"""The Myntra "Fashion Product Images" format: ``styles.csv`` and ``images/<id>.jpg``.

Myntra ids name individual products; the dataset has no style codes, so every product is a
style of its own.
"""

from __future__ import annotations

from pathlib import Path

from service.errors import MissingFileError
from service.ingest.articles import ArticleFeed, ingest_articles, integer_columns
from service.ingest.images import ingest_images
from service.ingest.run import IngestContext

CATALOGUE = "myntra"


def product_id(raw: str) -> str:
    """The canonical Myntra product id (a whole number, without leading zeros).

    Raises:
        ValueError: ``raw`` is not a whole number.
    """
    text = raw.strip()
    if not text.isdigit():
        raise ValueError("a Myntra product id is a whole number")
    return str(int(text))


STYLES = ArticleFeed(
    catalogue=CATALOGUE,
    view="retailer",
    source=CATALOGUE,
    id_column="id",
    name_column="productDisplayName",
    normalise_id=product_id,
    check=integer_columns("year"),
)


def ingest_myntra(context: IngestContext, folder: Path) -> None:
    """Ingest a Myntra dataset folder (``styles.csv`` and an optional ``images/``).

    Raises:
        MissingFileError: There is no ``styles.csv`` in ``folder``.
    """
    styles = folder / "styles.csv"
    if not styles.is_file():
        raise MissingFileError(f"{folder}: no styles.csv (Myntra format)")
    ingest_articles(context, styles, STYLES)
    if (folder / "images").is_dir():
        ingest_images(context, folder / "images", lambda p: p.stem)
