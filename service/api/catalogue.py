"""What the API shows about articles: product cards for shelves, and full product records.

Cards (name, photo, colours, category) are what every recommendation carries, so they are
cached in memory: the whole catalogue is preloaded in the background at start and refreshed
every half TTL, so a shelf of twelve costs no query, and a re-tagged or re-ingested article
shows its new data within the TTL (30 minutes).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, func, select
from sqlalchemy.exc import OperationalError, ProgrammingError

from service.errors import NotFoundError
from service.store.models import Article, ArticleAttributes, ProductImage, Style
from service.tagging.results import ArticleVision, load_vision_results

#: Retailer-feed fields that name an article's category, in order of preference.
CATEGORY_FIELDS = ("category", "product_type_name", "articleType", "product_type")
#: Retailer-feed fields that name an article's colour, used before vision has tagged it.
COLOUR_FIELDS = ("color", "colour", "colour_group_name", "baseColour")

_CHUNK = 900


@dataclass(frozen=True, slots=True)
class Colour:
    """A colour as the storefront shows it."""

    name: str
    hex: str | None = None
    share: float | None = None
    basic: str | None = None


@dataclass(frozen=True, slots=True)
class Card:
    """Enough about an article to render it on a shelf."""

    article_id: str
    name: str | None
    category: str | None
    has_image: bool
    colours: tuple[Colour, ...]


@dataclass(frozen=True)
class ProductRecord:
    """Everything the store knows about one article."""

    card: Card
    style_code: str
    catalogue: str
    style_name: str | None
    views: dict[str, dict[str, dict[str, Any]]]
    """view -> source -> the feed's record, as it came."""
    images: tuple[tuple[int, int, int], ...]
    """(width, height, bytes) of each photo, in the order ``/images/{id}/{n}`` serves them."""
    vision: ArticleVision | None


class CardCache:
    """Product cards by article id, read from the store in batches and kept ``ttl`` seconds.

    Args:
        engine: The catalogue store.
        ttl: Seconds a card is served from memory.
        capacity: Cards kept at most (the whole cache is dropped when full: simple and rare).
    """

    def __init__(self, engine: Engine, ttl: float = 1800.0, capacity: int = 250_000) -> None:
        self.engine = engine
        self.ttl = ttl
        self.capacity = capacity
        self._cards: dict[str, tuple[float, Card | None]] = {}
        self._lock = threading.Lock()

    def get(self, article_ids: Iterable[str]) -> dict[str, Card]:
        """Cards of the known articles among ``article_ids`` (unknown ids are left out)."""
        now = time.monotonic()
        wanted = list(dict.fromkeys(article_ids))
        cached = {a: self._cards.get(a) for a in wanted}
        missing = [a for a, hit in cached.items() if hit is None or hit[0] < now]
        if missing:
            fresh = read_cards(self.engine, missing)
            with self._lock:
                if len(self._cards) + len(missing) > self.capacity:
                    self._cards.clear()
                for a in missing:
                    entry = (now + self.ttl, fresh.get(a))
                    self._cards[a] = cached[a] = entry
        return {a: hit[1] for a, hit in cached.items() if hit is not None and hit[1] is not None}

    def warm(self, stop: threading.Event | None = None, batch: int = 5_000) -> int:
        """Read every card of the catalogue into the cache (if it fits); returns how many.

        Run once in the background at start: afterwards a shelf's cards never cost a query,
        whichever articles the model picks.
        """
        with self.engine.connect() as connection:
            ids = list(
                connection.execute(select(Article.external_id).order_by(Article.id)).scalars()
            )
        if len(ids) > self.capacity:
            return 0
        for start in range(0, len(ids), batch):
            if stop is not None and stop.is_set():
                break
            self.get(ids[start : start + batch])
        return len(ids)

    def invalidate(self) -> None:
        """Forget every card (after a catalogue or vision update)."""
        with self._lock:
            self._cards.clear()


def read_cards(engine: Engine, article_ids: Collection[str]) -> dict[str, Card]:
    """Cards of the known articles among ``article_ids``, read from the store."""
    ids = sorted(set(article_ids))
    rows: list[tuple[str, str | None, bool]] = []
    retailer: dict[str, dict[str, Any]] = {}
    with engine.connect() as connection:
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            rows.extend(_article_rows(connection, chunk))
            retailer.update(_retailer_records(connection, chunk))
    vision = _vision(engine, ids)
    return {
        external: _card(external, name, has_image, retailer.get(external, {}), vision.get(external))
        for external, name, has_image in rows
    }


def read_product(engine: Engine, article_id: str) -> ProductRecord:
    """The full record of one article.

    Raises:
        NotFoundError: No article has this id.
    """
    with engine.connect() as connection:
        found = connection.execute(
            select(Article.id, Article.name, Style.style_code, Style.catalogue, Style.name)
            .join(Style, Style.id == Article.style_id)
            .where(Article.external_id == article_id)
        ).first()
        if found is None:
            raise NotFoundError(f"article_id {article_id!r} not in the catalogue")
        pk, name, style_code, catalogue, style_name = found
        views: dict[str, dict[str, dict[str, Any]]] = {}
        records = select(ArticleAttributes.view, ArticleAttributes.source, ArticleAttributes.data)
        for view, source, data in connection.execute(
            records.where(ArticleAttributes.article_id == pk).order_by(ArticleAttributes.id)
        ):
            views.setdefault(view, {})[source] = data
        images = tuple(
            (w, h, b)
            for w, h, b in connection.execute(
                select(ProductImage.width, ProductImage.height, ProductImage.byte_size)
                .where(ProductImage.article_id == pk)
                .order_by(ProductImage.id)
            )
        )
    vision = _vision(engine, [article_id]).get(article_id)
    retailer = next(iter(views.get("retailer", {}).values()), {})
    card = _card(article_id, name, bool(images), retailer, vision)
    return ProductRecord(card, style_code, catalogue, style_name, views, images, vision)


def image_file(engine: Engine, article_id: str, index: int = 0) -> Path:
    """The file of an article's ``index``-th photo.

    The path comes from the store (written by ingestion), never from the request: the request
    only selects an article and a number, so it cannot name any other file.

    Raises:
        NotFoundError: No such article, photo, or file on disk.
    """
    with engine.connect() as connection:
        path = connection.execute(
            select(ProductImage.path)
            .join(Article, Article.id == ProductImage.article_id)
            .where(Article.external_id == article_id)
            .order_by(ProductImage.id)
            .offset(index)
            .limit(1)
        ).scalar_one_or_none()
    if path is None:
        raise NotFoundError(f"article_id {article_id!r} has no photo number {index}")
    file = Path(path)
    if not file.is_file():
        raise NotFoundError(f"the photo of article_id {article_id!r} is missing from disk")
    return file


def _article_rows(connection: Connection, chunk: list[str]) -> list[tuple[str, str | None, bool]]:
    has_image = (
        select(func.count(ProductImage.id))
        .where(ProductImage.article_id == Article.id)
        .scalar_subquery()
    )
    query = select(Article.external_id, Article.name, has_image).where(
        Article.external_id.in_(chunk)
    )
    return [(e, n, bool(c)) for e, n, c in connection.execute(query)]


def _retailer_records(connection: Connection, chunk: list[str]) -> dict[str, dict[str, Any]]:
    query = (
        select(Article.external_id, ArticleAttributes.data)
        .join(ArticleAttributes, ArticleAttributes.article_id == Article.id)
        .where(Article.external_id.in_(chunk), ArticleAttributes.view == "retailer")
        .order_by(ArticleAttributes.id)
    )
    records: dict[str, dict[str, Any]] = {}
    for external, data in connection.execute(query):
        records.setdefault(external, data)
    return records


def _vision(engine: Engine, ids: Collection[str]) -> dict[str, ArticleVision]:
    try:
        return load_vision_results(engine, ids)
    except (OperationalError, ProgrammingError) as exc:
        # A store not yet migrated to the vision tables: no colours yet, not an outage.
        if "vision_" in str(exc):
            return {}
        raise


def _card(
    article_id: str,
    name: str | None,
    has_image: bool,
    retailer: dict[str, Any],
    vision: ArticleVision | None,
) -> Card:
    category = next((str(retailer[f]) for f in CATEGORY_FIELDS if retailer.get(f)), None)
    if vision is not None and vision.colours:
        colours = tuple(
            Colour(name=c.fine_name, hex=c.hex, share=round(c.share, 3), basic=c.basic)
            for c in vision.colours
        )
    else:
        named = next((str(retailer[f]) for f in COLOUR_FIELDS if retailer.get(f)), None)
        colours = (Colour(name=named),) if named else ()
    return Card(article_id, name, category, has_image, colours)
