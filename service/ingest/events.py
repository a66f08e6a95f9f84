"""Turning rows of an interactions feed into event rows, or into the reasons they are bad.

This is the hot path of ingestion (H&M's full history is 31.8M rows). A block of columns
(:meth:`EventBuilder.build_columns`) is checked with Arrow's vectorised operations and each
distinct value (article id, timestamp, price) is parsed once; only the keys are made row by row.
A block with any bad row, or one the vectorised path does not cover, goes through the row loop
(:meth:`EventBuilder.build`), which reports each problem with its line and gives the same keys.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from recommender.feedformat import epoch_datetime
from service.ingest.catalogue import EventColumns
from service.ingest.keys import (
    OccurrenceCounter,
    content_key,
    day_number,
    day_prefix,
    event_id_key,
)
from service.ingest.reading import Value
from service.store.bulk import repeated
from service.store.models import EventType

EVENT_TYPES = frozenset(e.value for e in EventType)

#: A quantity above this in one row is a feed error, not a purchase.
MAX_QUANTITY = 10_000

#: Index of each field in an interactions row; ``None`` where the file lacks the column.
Columns = tuple[int, int, int | None, int | None, int | None, int | None, int | None, int | None]


@lru_cache(maxsize=8192)
def parse_timestamp(text: str) -> datetime:
    """Parse an ISO 8601 date or date-time, or a Unix epoch number (seconds to nanoseconds,
    :mod:`recommender.feedformat`); aware values are converted to naive UTC.

    Raises:
        ValueError: ``text`` is neither.
    """
    epoch = epoch_datetime(text)
    if epoch is not None:
        return epoch
    value = datetime.fromisoformat(text.strip())
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value


@dataclass
class _Moment:
    """What the builder derives from one distinct timestamp string."""

    day: date | None  # None: the row has no timestamp
    iso: str  # the row's identity part; empty for rows without a timestamp
    prefix: bytes
    stamp: Any


class EventBuilder:
    """Validates the interaction rows of one file and builds their event rows.

    Event rows carry the customer's *external* id in second place; the writer swaps in the
    surrogate key when it stores them (see :meth:`CatalogueWriter.write_events`).

    Args:
        articles: External article id → surrogate key.
        source: The feed's name, stored with every event and part of row identities.
        timestamp_param: Converts a time to the driver's parameter form.
        default_time: The time of rows without a timestamp.
        normalise_article: Turns a raw article id into the catalogue's form.
    """

    def __init__(
        self,
        articles: dict[str, int],
        source: str,
        timestamp_param: Callable[[datetime], Any],
        default_time: datetime,
        normalise_article: Callable[[str], str] | None = None,
    ) -> None:
        self.articles = articles
        self.source = source
        self.timestamp_param = timestamp_param
        self.default_time = default_time
        self.normalise_article = normalise_article
        self.counter = OccurrenceCounter()
        self._moments: dict[str | None, _Moment | str] = {}
        self._resolved: dict[str, tuple[str, int | None]] = {}

    # One pass over every row of an ingestion, kept in one loop with its lookups bound to
    # locals: split into per-field helpers it costs a call per field per row (bench/ingest.py).
    def build(  # noqa: C901
        self, rows: list[list[Value]], lines: list[int], columns: Columns
    ) -> tuple[list[tuple[Any, ...]], list[tuple[int, str]]]:
        """Event rows for the good rows, and ``(line, problem)`` for the bad ones."""
        ic, ia, it, ie, iq, ip, ich, iid = columns
        resolved_articles, resolve, moment_of = self._resolved, self._resolve, self._moment
        ordinal, source = self.counter.ordinal, self.source
        good: list[tuple[Any, ...]] = []
        bad: list[tuple[int, str]] = []
        for line, row in zip(lines, rows, strict=True):
            customer, article = row[ic], row[ia]
            if not customer:
                bad.append((line, "missing customer id"))
                continue
            if not article:
                bad.append((line, "missing article id"))
                continue
            resolved = resolved_articles.get(article)
            if resolved is None:
                resolved = resolve(article)
            article, article_key = resolved
            if article_key is None:
                bad.append((line, f"unknown article {article!r} (not in the catalogue)"))
                continue
            moment = moment_of(row[it] if it is not None else None)
            if isinstance(moment, str):
                bad.append((line, moment))
                continue
            kind, count, amount = "purchase", 1, None
            if ie is not None and row[ie]:
                kind = str(row[ie]).strip().lower()
                if kind not in EVENT_TYPES:
                    bad.append((line, _bad_type(row[ie])))
                    continue
            if iq is not None and (quantity := row[iq]):
                count_or_problem = _quantity(quantity)
                if isinstance(count_or_problem, str):
                    bad.append((line, count_or_problem))
                    continue
                count = count_or_problem
            if ip is not None and (price := row[ip]):
                amount_or_problem = _price(price)
                if isinstance(amount_or_problem, str):
                    bad.append((line, amount_or_problem))
                    continue
                amount = amount_or_problem
            channel = (row[ich] or None) if ich is not None else None
            event_id = row[iid] if iid is not None else None
            if event_id:
                key = event_id_key(event_id)
            else:
                content = (
                    f"{source}|{moment.iso}|{customer}|{article}|{kind}|{count}|{amount}|{channel}"
                )
                key = content_key(moment.prefix, content, ordinal(moment.day, content))
            good.append(
                (key, customer, article_key, kind, moment.stamp, count, amount, channel, source)
            )
        return good, bad

    def build_columns(
        self, table: pa.Table, columns: Columns
    ) -> tuple[EventColumns, list[tuple[int, str]]] | None:
        """Event rows of a block of string columns, or ``None`` unless every row is good.

        ``None`` also covers what this path leaves to :meth:`build`: rows without a timestamp,
        client event ids. The keys are those :meth:`build` gives. Like :meth:`build`, it takes
        blocks in day order (see :meth:`days`).
        """
        ic, ia, it, ie, iq, ip, ich, iid = columns
        n = table.num_rows
        if n == 0:
            return None
        if it is None or (iid is not None and _any_value(table.column(iid))):
            return None
        customer_column = table.column(ic)
        if (
            customer_column.null_count
            or not pc.all(pc.greater(pc.utf8_length(customer_column), 0)).as_py()
        ):
            return None
        article = _distinct(table.column(ia), self._resolve_value)
        moment = _distinct(table.column(it), self._moment)
        kind = _distinct(table.column(ie), _kind) if ie is not None else None
        count = _distinct(table.column(iq), _count) if iq is not None else None
        parsed = (article, moment, kind, count)
        if any(p is not None and p.failed for p in parsed):
            return None
        amounts: pa.Array = pa.nulls(n, pa.float64())
        amount_texts: pa.Array | str = "None"
        if ip is not None:
            prices = _amounts(table.column(ip))
            if prices is None:
                return None
            amounts = prices
            amount_texts = _texts(prices, str)
        moments: list[_Moment] = moment.values
        if any(m.day is None for m in moments):
            return None
        days = moment.take([m.day.toordinal() for m in moments])  # type: ignore[union-attr]
        customers = customer_column.combine_chunks().cast(pa.string())
        channels: pa.Array = pa.nulls(n, pa.string())
        channel_texts: pa.Array | str = "None"
        if ich is not None:
            channel_column = table.column(ich).combine_chunks()
            given = pc.fill_null(pc.greater(pc.utf8_length(channel_column), 0), False)
            channels = pc.dictionary_encode(pc.if_else(given, channel_column, None))  # empty: none
            channel_texts = pc.if_else(given, channel_column, "None")
        # A row's identity is the text f"{source}|{iso}|{customer}|{article}|{kind}|{count}|
        # {price}|{channel}" of its Python values (what :meth:`build` hashes); it is joined
        # here by Arrow from each distinct value's text, not formatted row by row.
        contents = pc.binary_join_element_wise(
            self.source,
            moment.texts(lambda m: m.iso),
            customers,
            article.texts(lambda resolved: resolved[0]),
            kind.texts(lambda k: k[0]) if kind else "purchase",
            count.texts(str) if count else "1",
            amount_texts,
            channel_texts,
            "|",
        )
        ordinals = self.counter.ordinals_in_order(days, contents)
        keys = _content_keys(moment.pick(lambda m: m.prefix), contents, ordinals)
        good = EventColumns(
            pa.array(keys, pa.binary(16)),
            pc.dictionary_encode(customers),
            article.array(lambda resolved: resolved[1], pa.int64()),
            kind.array(lambda k: k[0], pa.string()) if kind else repeated("purchase", n),
            moment.array(lambda m: m.stamp),
            count.array(None, pa.int64()) if count else repeated(1, n),
            amounts,
            channels,
            self.source,
        )
        return good, []

    def days(self, block: pa.Table | list[list[Value]], columns: Columns) -> np.ndarray:
        """Each row's :func:`~service.ingest.keys.day_number`, or -1 where its timestamp is bad.

        The blocks of a file must reach :meth:`build` and :meth:`build_columns` in day order;
        this is how the caller checks (each distinct timestamp is parsed once, and only once
        more when the block is built).
        """
        it = columns[2]
        rows = block.num_rows if isinstance(block, pa.Table) else len(block)
        if it is None:
            return np.zeros(rows, np.int64)
        if isinstance(block, pa.Table):
            moment = _distinct(block.column(it), self._moment)
            return moment.take([_day_number(m) for m in moment.values])
        return np.fromiter((_day_number(self._moment(row[it])) for row in block), np.int64, rows)

    def _resolve_value(self, raw: str | None) -> tuple[str, int] | str:
        """An article id's catalogue form and key, or why the row is bad."""
        if not raw:
            return "missing article id"
        resolved = self._resolved.get(raw) or self._resolve(raw)
        if resolved[1] is None:
            return "unknown article"
        return resolved  # type: ignore[return-value]

    def _resolve(self, raw: str) -> tuple[str, int | None]:
        """The catalogue form of a raw article id and its key (``None``: not in the catalogue).

        Cached per raw string: a feed names the same articles over and over.
        """
        if len(self._resolved) > 1_000_000:  # garbage ids must not grow memory without bound
            self._resolved.clear()
        article = self.normalise_article(raw) if self.normalise_article else raw
        resolved = self._resolved[raw] = (article, self.articles.get(article))
        return resolved

    def _moment(self, text: str | None) -> _Moment | str:
        moment = self._moments.get(text)
        if moment is None:
            if len(self._moments) > 100_000:  # timestamps with seconds: keep memory bounded
                self._moments.clear()
            moment = self._moments[text] = self._parse_moment(text)
        return moment

    def _parse_moment(self, text: str | None) -> _Moment | str:
        if not text:
            # Stored at the load's time, but identified without it: re-reading the same file
            # later must give the same keys.
            return _Moment(None, "", day_prefix(None), self.timestamp_param(self.default_time))
        try:
            time = parse_timestamp(text)
        except ValueError:
            return f"timestamp {text!r} is not ISO 8601 nor a Unix epoch number"
        day = time.date()
        return _Moment(day, time.isoformat(), day_prefix(day), self.timestamp_param(time))


def _day_number(moment: _Moment | str) -> int:
    """The day number of a parsed timestamp; -1 for a bad one (the row will be reported)."""
    return -1 if isinstance(moment, str) else day_number(moment.day)


@dataclass(frozen=True)
class _Distinct:
    """A column's distinct values parsed once each, and where each row's value is."""

    values: list[Any]
    indices: np.ndarray
    failed: bool

    def take(self, per_value: Sequence[Any]) -> np.ndarray:
        """``per_value[i]`` for each row's value ``i``, as an array."""
        return np.asarray(np.asarray(per_value)[self.indices])

    def pick(self, part: Callable[[Any], Any] | None) -> list[Any]:
        """Each row's parsed value (or ``part`` of it)."""
        chosen = self.values if part is None else [part(v) for v in self.values]
        table = np.empty(len(chosen), dtype=object)
        table[:] = chosen
        return table[self.indices].tolist()  # type: ignore[no-any-return]

    def array(self, part: Callable[[Any], Any] | None, kind: pa.DataType | None = None) -> pa.Array:
        """Each row's parsed value (or ``part`` of it): an Arrow dictionary array (of ``kind``).

        A dictionary array holds each distinct value once: small to send to another process,
        and what is made of each value downstream (a string, a binary field) is made once.
        """
        chosen = self.values if part is None else [part(v) for v in self.values]
        return pa.DictionaryArray.from_arrays(pa.array(self.indices), pa.array(chosen, kind))

    def texts(self, text: Callable[[Any], str]) -> pa.Array:
        """Each row's ``text`` of its parsed value, as an Arrow string array."""
        return pa.array([text(v) for v in self.values], pa.string()).take(self.indices)


def _distinct(column: pa.ChunkedArray, parse: Callable[[Any], Any]) -> _Distinct:
    """Parse each distinct value of ``column`` once; ``failed`` when any gives a problem (str).

    Nulls (Parquet) are given to ``parse`` as ``None``.
    """
    encoded = pc.dictionary_encode(column.combine_chunks(), null_encoding="encode")
    values = [parse(v) for v in encoded.dictionary.to_pylist()]
    failed = any(isinstance(v, str) for v in values)
    return _Distinct(values, encoded.indices.to_numpy(zero_copy_only=False), failed)


def _any_value(column: pa.ChunkedArray) -> bool:
    """Whether any row of a string column holds a non-empty value."""
    return bool(pc.any(pc.greater(pc.utf8_length(column), 0)).as_py())


def _kind(value: str | None) -> tuple[str] | str:
    """The event type of a row in a 1-tuple (empty: a purchase), or its problem."""
    if not value:
        return ("purchase",)
    kind = value.strip().lower()
    return (kind,) if kind in EVENT_TYPES else _bad_type(value)


def _count(value: str | None) -> int | str:
    """The quantity of a row (empty: 1), or its problem."""
    return _quantity(value) if value else 1


def _amounts(column: pa.ChunkedArray) -> pa.Array | None:
    """Each row's price (null when empty), or ``None`` when any is not a valid price."""
    given = pc.fill_null(pc.greater(pc.utf8_length(column), 0), False)
    try:
        # Arrow's parse is correctly rounded, as float() is: the same floats, the same keys.
        values = pc.cast(pc.if_else(given, column, "0"), pa.float64())
    except pa.ArrowInvalid:
        return None
    valid = pc.and_(pc.greater_equal(values, 0.0), pc.less(values, 1e9))
    if not pc.all(valid).as_py():
        return None
    return pc.if_else(given, values, None).combine_chunks()


def _texts(values: pa.Array, text: Callable[[Any], str]) -> pa.Array:
    """``text`` of each row's Python value (``None`` for nulls), made once per distinct value."""
    encoded = pc.dictionary_encode(values, null_encoding="encode")
    texts = pa.array([text(v) for v in encoded.dictionary.to_pylist()], pa.string())
    return texts.take(encoded.indices)


def _content_keys(prefixes: list[bytes], contents: pa.Array, ordinals: np.ndarray) -> list[bytes]:
    """The keys :func:`~service.ingest.keys.content_key` gives each row, from its identity text."""
    blake2b = hashlib.blake2b
    texts = contents.cast(pa.binary()).to_pylist()
    for i in np.flatnonzero(ordinals).tolist():
        texts[i] += b"\x1f%d" % ordinals[i]
    return [p + blake2b(t, digest_size=12).digest() for p, t in zip(prefixes, texts, strict=True)]


def _bad_type(value: Value) -> str:
    return f"event type {value!r} is not one of {', '.join(sorted(EVENT_TYPES))}"


def _quantity(text: str) -> int | str:
    try:
        count = int(text)
    except ValueError:
        return f"quantity {text!r} is not a whole number"
    if not 1 <= count <= MAX_QUANTITY:
        return f"quantity {count} is outside 1..{MAX_QUANTITY}"
    return count


def _price(text: str) -> float | str:
    try:
        amount = float(text)
    except ValueError:
        return f"price {text!r} is not a number"
    if not 0 <= amount < 1e9:
        return f"price {text!r} is negative or not finite"
    return amount
