"""Idempotency keys of events.

An event's key is 16 bytes: 4 bytes of its day (big-endian proleptic ordinal, so keys sort by
date and date-ordered feeds append to the end of the unique index) and 12 bytes of BLAKE2b.

* A client-supplied event id is the event's identity: the key hashes the id alone, so a re-sent
  event is recognised even if its other fields changed, and the day bytes are zero.
* A row without an id is identified by its content **and its ordinal among identical rows of
  the same file**: H&M rows carry no id, and two identical rows are two real purchases (two of
  the same article bought the same day), so they must get two keys, while re-reading the same
  file must give the same keys again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import date

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

_ID_PREFIX = b"\0\0\0\0"


def day_prefix(day: date | None) -> bytes:
    """The 4 leading key bytes for events of ``day`` (zero when the day is unknown)."""
    return day.toordinal().to_bytes(4, "big") if day else _ID_PREFIX


def event_id_key(event_id: str) -> bytes:
    """The key of an event with a client-supplied id."""
    return _ID_PREFIX + hashlib.blake2b(b"id\x1f" + event_id.encode(), digest_size=12).digest()


def content_key(prefix: bytes, content: str, ordinal: int) -> bytes:
    """The key of the ``ordinal``-th occurrence of a row with this ``content``."""
    text = f"{content}\x1f{ordinal}" if ordinal else content
    return prefix + hashlib.blake2b(text.encode(), digest_size=12).digest()


class OccurrenceCounter:
    """Numbers identical rows of one file (0 for the first, 1 for the next, ...).

    Dated rows must come in day order: their counts are kept for the current day only and
    dropped once a later day starts, so memory stays bounded however long the file. A file that
    is not in day order is put in order by :mod:`service.ingest.dayorder` first; identical rows
    are indistinguishable, so the ordinals, and the keys, are the same whatever the order of the
    file's rows. Rows without a day are counted apart, wherever they are in the file.
    """

    def __init__(self) -> None:
        self._day: int | None = None
        self._counts: dict[str, int] = {}
        self._undated: dict[str, int] = {}

    def ordinal(self, day: date | None, content: str) -> int:
        """The ordinal of this occurrence of ``content`` on ``day``.

        Raises:
            ValueError: ``day`` is before the day of an earlier dated row.
        """
        if day is None:
            counts = self._undated
        else:
            number = day.toordinal()
            if number != self._day:
                self._start(number)
            counts = self._counts
        n = counts.get(content, 0)
        counts[content] = n + 1
        return n

    def _start(self, day: int) -> None:
        if self._day is not None and day < self._day:
            raise ValueError(
                f"rows must come in day order: day {day} after day {self._day} "
                "(service.ingest.dayorder puts a file in order)"
            )
        self._day, self._counts = day, {}

    def ordinals_in_order(self, days: np.ndarray, contents: Sequence[str] | pa.Array) -> np.ndarray:
        """The ordinals :meth:`ordinal` would give a run of rows, computed a block at a time.

        Args:
            days: Each row's day as a proleptic ordinal, in order.
            contents: Each row's content (a list, or an Arrow string array).

        Raises:
            ValueError: The run's days go back, among themselves or before the current day.
        """
        if len(days) == 0:
            return np.zeros(0, np.int64)
        if bool(np.any(days[1:] < days[:-1])):
            raise ValueError("rows must come in day order (a block's days go back)")
        first, last = int(days[0]), int(days[-1])
        carried = self._counts if first == self._day else {}
        self._start(first)
        contents_codes, distinct = _codes(contents)
        # identical rows: the same content on the same day
        codes = (days.astype(np.int64) - first) * distinct + contents_codes
        ordinals = pd.Series(codes).groupby(codes).cumcount().to_numpy().copy()
        if carried:
            same = np.flatnonzero(days == first)
            ordinals[same] += np.fromiter(
                (carried.get(c, 0) for c in _texts_at(contents, same)), np.int64, len(same)
            )
        counts = carried if last == first else {}
        rows = np.flatnonzero(days == last)
        for content, seen in zip(_texts_at(contents, rows), ordinals[rows].tolist(), strict=True):
            counts[content] = seen + 1
        self._day, self._counts = last, counts
        return ordinals


def day_number(day: date | None) -> int:
    """A day's proleptic ordinal; 0 for no day (such rows are counted apart, in any order)."""
    return day.toordinal() if day is not None else 0


def _codes(contents: Sequence[str] | pa.Array) -> tuple[np.ndarray, int]:
    """A code per row (equal contents, equal codes) and how many distinct contents there are."""
    if isinstance(contents, pa.Array):
        encoded = pc.dictionary_encode(contents)
        return encoded.indices.to_numpy(zero_copy_only=False), len(encoded.dictionary)
    codes, distinct = pd.factorize(pd.Series(contents, dtype=object))
    return codes, len(distinct)


def _texts_at(contents: Sequence[str] | pa.Array, rows: np.ndarray) -> list[str]:
    """The contents of the rows at ``rows``."""
    if isinstance(contents, pa.Array):
        return contents.take(rows).to_pylist()  # type: ignore[no-any-return]
    return [contents[i] for i in rows.tolist()]
