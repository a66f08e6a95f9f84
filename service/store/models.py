"""Tables of the catalogue store (SQLAlchemy 2.0 declarative).

The catalogue follows how fashion is sold: a **style** (the manufacturer's style code, H&M's
``product_code``) has one or more **articles** (its colourways or variants, the unit a shopper
buys). Each article keeps the raw records of every feed that described it, one row per
(view, source): the retailer's own names and the manufacturer's fabric and dye data stay as
they came, because the knowledge graph maps them to the platform's vocabulary later.

Events reference customers and articles by surrogate integer keys (the H&M customer id alone is
64 characters; 31.8M events would otherwise carry 2 GB of it). ``dedup_key`` makes ingestion
idempotent: a 16-byte key whose first 4 bytes are the event's day, so that date-sorted feeds
append to the end of the unique index instead of touching random pages.

Vision tags and semantic colours get their own tables in a later migration; they reference
``articles.id`` and carry the model version, so they fit beside these without change.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Explicit constraint names keep Alembic migrations identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# SQLite only auto-increments INTEGER PRIMARY KEY; BigInteger elsewhere keeps room for billions.
Id = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    """Declarative base with the shared metadata."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON}


class EventType(enum.StrEnum):
    """What a shopper did with an article."""

    VIEW = "view"
    CART = "cart"
    PURCHASE = "purchase"
    RETURN = "return"


class Style(Base):
    """A manufacturer's style: the garment design shared by its colourways."""

    __tablename__ = "styles"
    __table_args__ = (UniqueConstraint("catalogue", "style_code"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    catalogue: Mapped[str] = mapped_column(String(64), doc="Namespace of the codes, e.g. 'hm'.")
    style_code: Mapped[str] = mapped_column(String(128))
    name: Mapped[str | None] = mapped_column(String(512))

    articles: Mapped[list[Article]] = relationship(back_populates="style")


class Article(Base):
    """A sellable article: one colourway or variant of a style."""

    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    external_id: Mapped[str] = mapped_column(String(128), unique=True)
    style_id: Mapped[int] = mapped_column(ForeignKey("styles.id"), index=True)
    name: Mapped[str | None] = mapped_column(String(512))
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())

    style: Mapped[Style] = relationship(back_populates="articles")
    attributes: Mapped[list[ArticleAttributes]] = relationship(back_populates="article")
    images: Mapped[list[ProductImage]] = relationship(back_populates="article")


class ArticleAttributes(Base):
    """The raw record one feed gave for one article, in that feed's own words.

    ``view`` is ``retailer`` or ``manufacturer``; ``source`` names the feed (``hm``,
    ``myntra``, a file's logical name). ``data`` holds every column of the row as a string.
    """

    __tablename__ = "article_attributes"
    __table_args__ = (UniqueConstraint("article_id", "view", "source"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"))
    view: Mapped[str] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(String(64))
    data: Mapped[dict[str, Any]]

    article: Mapped[Article] = relationship(back_populates="attributes")


class ProductImage(Base):
    """A product photo of an article, stored as a path to the file."""

    __tablename__ = "product_images"
    __table_args__ = (UniqueConstraint("article_id", "path"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"), index=True)
    path: Mapped[str] = mapped_column(String(1024))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    byte_size: Mapped[int] = mapped_column(BigInteger)

    article: Mapped[Article] = relationship(back_populates="images")


class Customer(Base):
    """A shopper, known by the retailer's customer id."""

    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    external_id: Mapped[str] = mapped_column(String(128), unique=True)
    attributes: Mapped[dict[str, Any] | None]
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())


class Event(Base):
    """One interaction of a customer with an article."""

    __tablename__ = "events"
    __table_args__ = (Index("ix_events_customer_time", "customer_id", "occurred_at"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    dedup_key: Mapped[bytes] = mapped_column(LargeBinary(16), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"))
    event_type: Mapped[str] = mapped_column(String(16))
    occurred_at: Mapped[datetime] = mapped_column(DateTime)
    quantity: Mapped[int] = mapped_column(Integer, default=1)
    price: Mapped[float | None] = mapped_column(Float)
    channel: Mapped[str | None] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(String(64))


class IngestRun(Base):
    """One completed ingestion: what was read, stored and skipped."""

    __tablename__ = "ingest_runs"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    inputs: Mapped[dict[str, Any]]
    summary: Mapped[dict[str, Any]]
    started_at: Mapped[datetime] = mapped_column(DateTime)
    finished_at: Mapped[datetime] = mapped_column(DateTime)
