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

    Memory stays bounded on date-ordered files (every real feed we know is one): counts are kept
    per day and dropped once a later day starts. If the file turns out not to be ordered, a row
    of a day whose counts were already dropped cannot be numbered reliably; :meth:`ordinal` then
    returns ``None`` and the caller falls back to the row's line number, which is still stable
    when the same file is read again.
    """

    def __init__(self) -> None:
        self._day: date | None = None
        self._counts: dict[str, int] = {}
        self._dropped: set[date] = set()
        self._ordered = True
        self._by_day: dict[date | None, dict[str, int]] = {}

    def ordinal(self, day: date | None, content: str) -> int | None:
        """The ordinal of this occurrence of ``content`` on ``day``, or ``None`` (see above)."""
        if day != self._day and not self._switch(day):
            return None
        n = self._counts.get(content, 0)
        self._counts[content] = n + 1
        return n

    def _switch(self, day: date | None) -> bool:
        previous = self._day
        if self._ordered and previous is not None and day is not None and day < previous:
            self._ordered = False  # from now on keep every day's counts
        if self._ordered:
            if previous is not None:
                self._dropped.add(previous)
            self._counts = {}
        else:
            self._by_day[previous] = self._counts
            if day in self._dropped:
                return False
            self._counts = self._by_day.get(day, {})
        self._day = day
        return True

    def ordinals_in_order(
        self, days: np.ndarray, contents: Sequence[str] | pa.Array
    ) -> np.ndarray | None:
        """The ordinals :meth:`ordinal` would give a run of rows, computed a block at a time.

        Args:
            days: Each row's day as a proleptic ordinal.
            contents: Each row's content (a list, or an Arrow string array).

        Returns:
            The ordinals, or ``None`` (and nothing counted) when the run's days go back, among
            themselves or before the current day: :meth:`ordinal` then takes the rows one by one.
        """
        current = self._day.toordinal() if self._day is not None else None
        if not self._ordered or bool(np.any(days[1:] < days[:-1])):
            return None
        if current is not None and int(days[0]) < current:
            return None
        contents_codes, distinct = _codes(contents)
        # identical rows: the same content on the same day
        codes = (days.astype(np.int64) - int(days[0])) * distinct + contents_codes
        ordinals = pd.Series(codes).groupby(codes).cumcount().to_numpy().copy()
        if current is not None and int(days[0]) == current and self._counts:
            counts = self._counts
            same = np.flatnonzero(days == current)
            ordinals[same] += np.fromiter(
                (counts.get(c, 0) for c in _texts_at(contents, same)), np.int64, len(same)
            )
        last = int(days[-1])
        left = {int(d) for d in np.unique(days)} - {last}
        if current is not None and current != last:
            left.add(current)
        self._dropped.update(date.fromordinal(d) for d in left)
        if current is None or current != last:
            self._counts = {}
        counts = self._counts
        rows = np.flatnonzero(days == last)
        for content, seen in zip(_texts_at(contents, rows), ordinals[rows].tolist(), strict=True):
            counts[content] = seen + 1
        self._day = date.fromordinal(last)
        return ordinals


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
