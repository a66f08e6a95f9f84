"""Atelier's generic CSV formats, for any retailer.

* Items: ``item_id[,name][,category][,color][,pattern][,style_code][,...]``. ``style_code``
  groups the colourways of one style; every other column is kept as a raw attribute of the
  feed's view (``retailer`` by default, ``manufacturer`` for a manufacturer's feed).
* Interactions: ``user_id,item_id[,timestamp][,event_type][,quantity]``, optionally with
  ``event_id`` (makes re-sent rows recognisable whatever else changed), ``price`` and
  ``channel``. Missing event types are purchases; missing quantities are 1.
* Customers: ``user_id[,...]``; every other column is kept as an attribute.
"""

from __future__ import annotations

from pathlib import Path

from service.errors import MissingFileError
from service.ingest.articles import ArticleFeed, ingest_articles
from service.ingest.customers import ingest_customers
from service.ingest.images import ingest_images
from service.ingest.interactions import InteractionFeed, ingest_interactions
from service.ingest.run import IngestContext

VIEWS = ("retailer", "manufacturer")


def items_feed(source: str, view: str = "retailer") -> ArticleFeed:
    """The generic items format, for a feed called ``source`` in ``view``.

    Raises:
        ValueError: ``view`` is not one of :data:`VIEWS`.
    """
    if view not in VIEWS:
        raise ValueError(f"view must be one of {', '.join(VIEWS)}, not {view!r}")
    return ArticleFeed(
        catalogue=source,
        view=view,
        source=source,
        id_column="item_id",
        style_column="style_code",
        name_column="name",
    )


def interactions_feed(source: str) -> InteractionFeed:
    """The generic interactions format, for a feed called ``source``."""
    return InteractionFeed(
        source=source,
        customer="user_id",
        article="item_id",
        timestamp="timestamp",
        event_type="event_type",
        quantity="quantity",
        price="price",
        channel="channel",
        event_id="event_id",
    )


def ingest_items(
    context: IngestContext,
    path: Path,
    source: str,
    view: str = "retailer",
    images: Path | None = None,
) -> None:
    """Ingest a generic items file, and photos named ``<item_id>.<jpg|png|...>`` if given."""
    ingest_articles(context, path, items_feed(source, view))
    if images is not None:
        ingest_images(context, images, lambda p: p.stem)


def ingest_generic_interactions(context: IngestContext, path: Path, source: str) -> None:
    """Ingest a generic interactions file."""
    ingest_interactions(context, path, interactions_feed(source))


def ingest_generic_customers(context: IngestContext, path: Path) -> None:
    """Ingest a generic customers file."""
    ingest_customers(context, path, "user_id")


#: The files of a retailer folder in Atelier's generic layout, in the order they are loaded.
FOLDER_LAYOUT = ("items.csv", "manufacturer.csv", "customers.csv", "interactions.csv", "images/")


def ingest_folder(context: IngestContext, folder: Path, source: str) -> None:
    """Ingest a folder in Atelier's generic layout (see :data:`FOLDER_LAYOUT`).

    ``items.csv`` (the retailer feed) is required; the manufacturer feed, customers,
    interactions and ``images/<item_id>.jpg`` are loaded when present.

    Raises:
        MissingFileError: ``folder`` has no ``items.csv``.
    """
    items = folder / "items.csv"
    if not items.is_file():
        raise MissingFileError(f"{folder}: no items.csv (Atelier's generic folder layout)")
    images = folder / "images"
    ingest_items(context, items, source, images=images if images.is_dir() else None)
    if (maker := folder / "manufacturer.csv").is_file():
        ingest_items(context, maker, source, view="manufacturer")
    if (customers := folder / "customers.csv").is_file():
        ingest_generic_customers(context, customers)
    if (interactions := folder / "interactions.csv").is_file():
        ingest_generic_interactions(context, interactions, source)
