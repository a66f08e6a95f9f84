"""Writes styles, articles, feed records, images, customers and events inside one transaction.

The writer keeps the maps from external ids to surrogate keys in memory (bounded by the size of
the catalogue and of the customer base, never by the size of an event file), so that events can
be resolved without a query per row.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import (
    JSON,
    Connection,
    Text,
    bindparam,
    cast,
    func,
    select,
    text,
    update,
)

from service.ingest.report import IngestReport
from service.store.bulk import (
    copy_columns,
    copy_rows,
    datetime_param,
    foreign_keys,
    insert_ignore,
    insert_ignore_columns,
    python_values,
    repeated,
    restore_unique,
    unique_constraint,
)
from service.store.models import Article, ArticleAttributes, Customer, Event, ProductImage, Style

EVENT_COLUMNS = (
    "dedup_key",
    "customer_id",
    "article_id",
    "event_type",
    "occurred_at",
    "quantity",
    "price",
    "channel",
    "source",
)

_T = TypeVar("_T")

#: From this many incoming events on, a load defers the events' secondary indexes.
BULK_LOAD_ROWS = 200_000

# Statement batches stay under SQLite's limit on bound parameters.
_BATCH = 2_000


@dataclass(frozen=True)
class ArticleRecord:
    """One article as a feed describes it."""

    external_id: str
    style_code: str | None
    """The style the article belongs to; ``None`` when this feed does not say (a new article
    then gets a style of its own, a known one keeps its style)."""
    name: str | None
    """The article's display name; ``None`` when this feed has none (a known name is kept)."""
    data: dict[str, Any]


@dataclass(frozen=True)
class EventColumns:
    """Events as Arrow columns in :data:`EVENT_COLUMNS` order, with customers by *external* id.

    Arrow arrays cross from the process that builds them to the one that stores them as a few
    buffers each (a list of Python values is pickled value by value), and PostgreSQL's binary
    ``COPY`` is made from them without a Python call per row.
    """

    keys: pa.Array
    """16-byte keys."""
    customers: pa.Array
    """External customer ids (strings; a dictionary array from the builder)."""
    articles: pa.Array
    kinds: pa.Array
    times: pa.Array
    """Driver-level values (see :meth:`CatalogueWriter.timestamp`)."""
    quantities: pa.Array
    prices: pa.Array
    """Nulls where the feed has no price."""
    channels: pa.Array
    """Nulls where the feed has no channel."""
    source: str

    def __len__(self) -> int:
        return len(self.keys)

    def rows(self) -> list[tuple[Any, ...]]:
        """The events as rows of Python values (customers still by external id)."""
        arrays = (self.keys, self.customers, self.articles, self.kinds, self.times)
        columns = [python_values(c) for c in (*arrays, self.quantities, self.prices, self.channels)]
        return list(zip(*columns, [self.source] * len(self), strict=True))


@dataclass(frozen=True)
class ImageRecord:
    """A product photo found on disk."""

    article_id: str
    path: str
    width: int
    height: int
    byte_size: int


class CatalogueWriter:
    """Idempotent writes of catalogue rows, counted into an :class:`IngestReport`.

    Args:
        connection: A connection inside the run's transaction.
        report: Where counts go.
    """

    def __init__(self, connection: Connection, report: IngestReport) -> None:
        self.connection = connection
        self.report = report
        self._articles: dict[str, int] | None = None
        self._customers: dict[str, int] | None = None
        self._styles: dict[tuple[str, str], int] | None = None
        self._copy_events = False  # see bulk_events

    # -- id maps ----------------------------------------------------------------------------

    @property
    def article_ids(self) -> dict[str, int]:
        """External article id → surrogate key, for every stored article."""
        if self._articles is None:
            rows = self.connection.execute(select(Article.external_id, Article.id))
            self._articles = {external: pk for external, pk in rows}
        return self._articles

    @property
    def customer_ids(self) -> dict[str, int]:
        """External customer id → surrogate key, for every stored customer."""
        if self._customers is None:
            rows = self.connection.execute(select(Customer.external_id, Customer.id))
            self._customers = {external: pk for external, pk in rows}
        return self._customers

    @property
    def style_ids(self) -> dict[tuple[str, str], int]:
        """(catalogue, style code) → surrogate key, for every stored style."""
        if self._styles is None:
            rows = self.connection.execute(select(Style.catalogue, Style.style_code, Style.id))
            self._styles = {(cat, code): pk for cat, code, pk in rows}
        return self._styles

    # -- catalogue --------------------------------------------------------------------------

    def write_articles(
        self, catalogue: str, view: str, source: str, records: Sequence[ArticleRecord]
    ) -> None:
        """Store articles (and their styles) with the raw record of this feed.

        New styles and articles are inserted; an article whose name or style changed is
        updated, as is a feed record whose content changed. Unchanged rows are not touched,
        so reading the same feed twice writes nothing the second time.
        """
        known = self.article_ids
        codes = {
            r.style_code or r.external_id: r.name
            for r in records
            if r.style_code is not None or r.external_id not in known
        }
        self._write_styles(catalogue, codes)
        styles = self.style_ids
        rows = [
            {
                "external_id": r.external_id,
                "style_id": styles[(catalogue, r.style_code or r.external_id)]
                if r.style_code is not None or r.external_id not in known
                else None,
                "name": r.name,
            }
            for r in records
        ]
        created = self._write_articles(rows)
        ids = self.article_ids
        self._write_feed_records(
            view, source, [(ids[r.external_id], r.data) for r in records], created
        )

    def _write_styles(self, catalogue: str, names: dict[str, str | None]) -> None:
        counts = self.report.counts("styles")
        styles = self.style_ids
        new = [
            {"catalogue": catalogue, "style_code": code, "name": name}
            for code, name in names.items()
            if (catalogue, code) not in styles
        ]
        newest = self._max_id(Style)
        counts.written += self._insert_all(Style, ("catalogue", "style_code", "name"), new)
        added = select(Style.catalogue, Style.style_code, Style.id).where(Style.id > newest)
        for cat, code, pk in self.connection.execute(added):
            styles[(cat, code)] = pk

    def _write_articles(self, rows: list[dict[str, Any]]) -> set[str]:
        counts = self.report.counts("articles")
        counts.read += len(rows)
        ids = self.article_ids
        new = [r for r in rows if r["external_id"] not in ids]
        new_ids = {r["external_id"] for r in new}
        newest = self._max_id(Article)
        counts.written += self._insert_all(Article, ("external_id", "style_id", "name"), new)
        added = select(Article.external_id, Article.id).where(Article.id > newest)
        # keyed by the caller's own strings, not the copies the store returns: a customers file
        # keeps them for its duplicate check too, and 1.37M ids are 155 MB a copy
        given = {row["external_id"]: row["external_id"] for row in rows}
        ids.update({given.get(e, e): pk for e, pk in self.connection.execute(added)})
        # Read what is stored and update only what differs: the run then knows which articles
        # changed, and an unchanged feed read again costs one read, not one update per row.
        known = [r for r in rows if r["external_id"] not in new_ids]
        query = select(Article.id, Article.name, Article.style_id)
        stored = self._stored(query, Article.id, {ids[r["external_id"]] for r in known})
        changes = []
        for r in known:
            pk = ids[r["external_id"]]
            name, style = stored[pk]
            wanted = (
                name if r["name"] is None else r["name"],
                style if r["style_id"] is None else r["style_id"],
            )
            if wanted != (name, style):
                stored[pk] = wanted  # a feed that names an article twice: the last one wins
                changes.append({"pk": pk, "new_name": wanted[0], "new_style": wanted[1]})
        changed = (
            update(Article)
            .where(Article.id == bindparam("pk"))
            .values(name=bindparam("new_name"), style_id=bindparam("new_style"))
        )
        for batch in _batches(changes):
            counts.written += self._update_count(changed, batch)
        self.report.changed_articles.update(change["pk"] for change in changes)
        self.report.changed_articles.update(ids[e] for e in new_ids)
        return new_ids

    def _stored(self, query: Any, key: Any, keys: Iterable[int]) -> dict[int, Any]:
        """What ``query`` reads for ``keys`` (its first column is ``key``): each key's other
        columns, as a tuple when there are several; read in batches.
        """
        stored: dict[int, Any] = {}
        for batch in _batches(sorted(keys)):
            for pk, *values in self.connection.execute(query.where(key.in_(batch))):
                stored[pk] = tuple(values) if len(values) > 1 else values[0]
        return stored

    def _write_feed_records(
        self,
        view: str,
        source: str,
        records: list[tuple[int, dict[str, Any]]],
        created: set[str],
    ) -> None:
        counts = self.report.counts("article_attributes")
        counts.read += len(records)
        # Records of articles created just now are new; only older ones may be stored already.
        created_keys = {self.article_ids[e] for e in created}
        older = {pk for pk, _ in records if pk not in created_keys}
        query = select(ArticleAttributes.article_id, ArticleAttributes.data).where(
            (ArticleAttributes.view == view) & (ArticleAttributes.source == source)
        )
        stored = self._stored(query, ArticleAttributes.article_id, older)
        # An article named twice in one feed: a new record keeps the first, a stored one the last.
        new: dict[int, dict[str, Any]] = {}
        last: dict[int, dict[str, Any]] = {}
        for pk, data in records:
            if pk in stored:
                last[pk] = data
            else:
                new.setdefault(pk, data)
        changes = {pk: data for pk, data in last.items() if data != stored[pk]}
        for records_batch in _batches(list(new.items())):
            counts.written += insert_ignore(
                self.connection,
                ArticleAttributes.__table__,  # type: ignore[arg-type]
                ("article_id", "view", "source", "data"),
                [(pk, view, source, _json(data)) for pk, data in records_batch],
            )
        changed = (
            update(ArticleAttributes)
            .where(ArticleAttributes.article_id == bindparam("pk"))
            .where(ArticleAttributes.view == view)
            .where(ArticleAttributes.source == source)
            .values(data=bindparam("new_data", type_=JSON))
        )
        params = [{"pk": pk, "new_data": data} for pk, data in changes.items()]
        for batch in _batches(params):
            counts.written += self._update_count(changed, batch)
        self.report.changed_articles.update(new)
        self.report.changed_articles.update(changes)

    def write_images(self, images: Sequence[ImageRecord]) -> None:
        """Store product photos of known articles (already-known paths are skipped)."""
        ids = self.article_ids
        rows = [(ids[i.article_id], i.path, i.width, i.height, i.byte_size) for i in images]
        counts = self.report.counts("product_images")
        counts.read += len(rows)
        for batch in _batches(rows):
            counts.written += insert_ignore(
                self.connection,
                ProductImage.__table__,  # type: ignore[arg-type]
                ("article_id", "path", "width", "height", "byte_size"),
                batch,
            )

    # -- customers and events ---------------------------------------------------------------

    def write_customers(self, customers: Iterable[tuple[str, dict[str, Any] | None]]) -> None:
        """Store customers; attributes of known customers are updated when they changed."""
        counts = self.report.counts("customers")
        ids = self.customer_ids
        rows = list(customers)
        counts.read += len(rows)
        new = [{"external_id": c, "attributes": a} for c, a in rows if c not in ids]
        # only customers stored before may have other attributes (a new one was just written
        # with these): an UPDATE probe per new customer cost most of a first load's time
        known = [{"pk": ids[c], "new_attrs": a} for c, a in rows if a is not None and c in ids]
        self._insert_customers(new)
        changed = (
            update(Customer)
            .where(Customer.id == bindparam("pk"))
            .where(
                Customer.attributes.is_(None)
                | (
                    cast(Customer.attributes, Text)
                    != cast(bindparam("new_attrs", type_=JSON), Text)
                )
            )
            .values(attributes=bindparam("new_attrs", type_=JSON))
        )
        for batch in _batches(known):
            self._update_count(changed, batch)

    def _insert_customers(self, rows: list[dict[str, Any]]) -> None:
        ids = self.customer_ids
        newest = self._max_id(Customer)
        self.report.counts("customers").written += self._insert_all(
            Customer, ("external_id", "attributes"), rows
        )
        # Both bounds, inline: PostgreSQL plans `id > x` on a table it has no statistics of yet
        # (filled by this very run) as a scan of the whole table, a third of which it expects
        # to match: 33 s of server time over 658 blocks at full size. A closed range it reads
        # through the key.
        upto = self._max_id(Customer)
        added = select(Customer.external_id, Customer.id).where(
            Customer.id > bindparam("newest", newest, literal_execute=True),
            Customer.id <= bindparam("upto", upto, literal_execute=True),
        )
        # keyed by the caller's own strings, not the copies the store returns: a customers file
        # keeps them for its duplicate check too, and 1.37M ids are 155 MB a copy
        given = {row["external_id"]: row["external_id"] for row in rows}
        ids.update({given.get(e, e): pk for e, pk in self.connection.execute(added)})

    def _max_id(self, model: Any) -> int:
        return int(
            self.connection.execute(select(func.coalesce(func.max(model.id), 0))).scalar_one()
        )

    def _insert_all(self, model: Any, columns: tuple[str, ...], rows: list[dict[str, Any]]) -> int:
        """Insert new rows through the bulk path; JSON values are serialised here."""
        values = [
            tuple(_json(v) if isinstance(v, dict) else v for v in (r[c] for c in columns))
            for r in rows
        ]
        return sum(
            insert_ignore(self.connection, model.__table__, columns, batch)
            for batch in _batches(values, 20_000)
        )

    def write_events(self, events: Sequence[tuple[Any, ...]] | EventColumns) -> None:
        """Store events (duplicates skipped), creating the customers not stored yet.

        Rows are in :data:`EVENT_COLUMNS` order, but with the customer's *external* id in
        place of ``customer_id``; :class:`EventColumns` hold the same values as columns.
        """
        ids = self.customer_ids
        if isinstance(events, EventColumns):
            # each distinct customer of the block is looked up once
            encoded = _dictionary(events.customers)
            customers = encoded.dictionary.to_pylist()
        else:
            customers = [row[1] for row in events]
        # set.difference(dict) looks each of the block's ids up in the map; `- ids.keys()`
        # walked the whole map (1.37M customers at full size) for every block
        missing = set(customers).difference(ids)
        if missing:
            self.report.counts("customers").read += len(missing)
            self._insert_customers([{"external_id": c, "attributes": None} for c in missing])
        counts = self.report.counts("events")
        counts.read += len(events)
        table: Any = Event.__table__
        if isinstance(events, EventColumns):
            known = np.fromiter(map(ids.__getitem__, customers), np.int64, len(customers))
            values: list[pa.Array] = [
                events.keys,
                pa.array(known).take(encoded.indices),
                events.articles,
                events.kinds,
                events.times,
                events.quantities,
                events.prices,
                events.channels,
                repeated(events.source, len(events)),
            ]
            if self._copy_events:
                counts.written += copy_columns(self.connection, table, EVENT_COLUMNS, values)
            else:
                written = insert_ignore_columns(self.connection, table, EVENT_COLUMNS, values)
                counts.written += written
            return
        keyed = ((r[0], ids[r[1]], *r[2:]) for r in events)
        insert = copy_rows if self._copy_events else insert_ignore
        counts.written += insert(self.connection, table, EVENT_COLUMNS, keyed)

    @contextmanager
    def bulk_events(self, expected_rows: int) -> Iterator[None]:
        """Defer the events' secondary indexes while a large load runs.

        Inserting into an index keyed by customer costs a random page access per row; building
        it once at the end is several times faster when the load is large compared with what
        is stored. On an empty PostgreSQL table the unique key is lifted too, and events are
        copied straight in. Every step happens inside the run's transaction, so a failed run
        restores the indexes and the key with everything else.
        """
        stored = self._max_id(Event)
        deferred = expected_rows >= BULK_LOAD_ROWS and expected_rows >= stored // 2
        table: Any = Event.__table__
        indexes = [i for i in table.indexes if not i.unique] if deferred else []
        for index in indexes:
            index.drop(self.connection)
        # Into an empty PostgreSQL table, a large load is copied straight in without the unique
        # key and the foreign keys: the per-row conflict checks of INSERT ... ON CONFLICT and
        # the per-row foreign-key triggers were the bound (the server at 82% of a core,
        # bench/ingest.py). Nothing stored can conflict; the keys come back at the end, each
        # checked in one pass. The lifted keys lock the (empty) table until the run commits.
        key = None
        if deferred and stored == 0 and self.connection.dialect.name == "postgresql":
            key = unique_constraint(self.connection, table.name, "dedup_key")
        references = foreign_keys(self.connection, table.name) if key is not None else {}
        if key is not None:
            for name in [key, *references]:
                self.connection.execute(text(f"ALTER TABLE {table.name} DROP CONSTRAINT {name}"))
            self._copy_events = True
        yield
        if key is not None:
            self._copy_events = False
            removed = restore_unique(self.connection, table.name, "dedup_key", key)
            self.report.counts("events").written -= removed
            for name, definition in references.items():
                self.connection.execute(
                    text(f"ALTER TABLE {table.name} ADD CONSTRAINT {name} {definition}")
                )
        for index in indexes:
            index.create(self.connection)

    def timestamp(self, value: datetime) -> Any:
        """``value`` as the driver expects it in :meth:`write_events` rows."""
        return datetime_param(self.connection, value)

    def _update_count(self, statement: Any, params: Sequence[dict[str, Any]]) -> int:
        if not params:
            return 0
        return int(self.connection.execute(statement, list(params)).rowcount)


def _dictionary(values: pa.Array) -> pa.DictionaryArray:
    """``values`` as a dictionary array (as it is when it already is one)."""
    if isinstance(values, pa.DictionaryArray):
        return values
    return pc.dictionary_encode(values)


def _json(data: Any) -> str:
    """Serialise like SQLAlchemy's JSON type does, so that stored text compares equal."""
    return json.dumps(data)


def _batches(rows: Sequence[_T], size: int = _BATCH) -> Iterable[Sequence[_T]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]
