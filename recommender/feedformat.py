"""How feed files write what they hold: fields separated by commas or others, times as ISO 8601
text or Unix epoch numbers.

Exports of shop systems, spreadsheets and public datasets differ in both: tab- or
semicolon-separated files, events stamped with epoch numbers (``1600000000`` seconds,
``1600000000000`` milliseconds) rather than dates. The readers of interactions take every form
here: :func:`recommender.data.read_interactions` (``atelier evaluate --train/--test``) and the
ingestion of feeds (``atelier ingest``).

The unit of an epoch number is told by its size. Any date from 1973 to 5138 is 9 to 11 digits
in seconds, 12 to 14 in milliseconds, 15 to 17 in microseconds and 18 or more in nanoseconds,
so the ranges never overlap. A number of 8 digits or fewer is not an epoch number: ``20200922``
is ISO 8601's basic form of a date.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import numpy as np
import pandas as pd

#: Field separators a CSV file may use, the comma first.
SEPARATORS = (",", "\t", ";", "|")
#: An epoch number: 9 or more digits, optionally a fraction (``1600000000.25``).
EPOCH = re.compile(r"\d{9,}(?:\.\d*)?")
#: Upper bounds (exclusive) of each unit's magnitude and the unit's ticks per second.
_UNITS = ((1e11, 1.0), (1e14, 1e3), (1e17, 1e6), (float("inf"), 1e9))
_ORIGIN = datetime(1970, 1, 1)


def header_separator(header: str) -> str:
    """The field separator of a CSV file, told by its header line: a comma when the header
    holds one, else the tab, semicolon or bar it holds most; a comma for a one-column header.

    Column names hold none of these, so the header tells the file's separator safely.
    """
    counts = {sep: header.count(sep) for sep in SEPARATORS}
    if counts[","]:
        return ","
    best = max(SEPARATORS, key=lambda sep: counts[sep])
    return best if counts[best] else ","


def plain_name(column: str) -> str:
    """A column name in the form Atelier's formats spell theirs: ``" User ID"`` is ``user_id``
    (lower case, words joined by ``_``).
    """
    return "_".join(column.strip().lower().replace("-", " ").split())


def epoch_seconds(values: np.ndarray) -> np.ndarray:
    """Epoch numbers in any of the units this module tells apart, as seconds (float64)."""
    values = np.asarray(values, dtype=np.float64)
    bounds = np.array([bound for bound, _ in _UNITS])
    ticks = np.array([per_second for _, per_second in _UNITS])
    seconds: np.ndarray = values / ticks[np.searchsorted(bounds, np.abs(values), side="right")]
    return seconds


def epoch_datetime(text: str) -> datetime | None:
    """The naive UTC time of an epoch number, or ``None`` when ``text`` is not one."""
    text = text.strip()
    if not EPOCH.fullmatch(text):
        return None
    value = float(text)
    # the same rule as epoch_seconds, without numpy: this runs once per distinct feed time
    per_second = next(ticks for bound, ticks in _UNITS if value < bound)
    return _ORIGIN + timedelta(microseconds=round(value / per_second * 1e6))


def parse_timestamps(column: pd.Series) -> pd.Series:
    """A column of feed timestamps as naive UTC ``datetime64`` (missing values become NaT).

    Each distinct value is parsed once. Text may be ISO 8601 (any offset, converted to UTC)
    or an epoch number; a numeric column is read as epoch numbers.

    Raises:
        ValueError: When a value is neither (pandas names it).
    """
    if pd.api.types.is_datetime64_any_dtype(column):
        return pd.to_datetime(column, utc=True).dt.tz_localize(None)
    if pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
        return pd.Series(_from_seconds(epoch_seconds(column.to_numpy())), index=column.index)
    codes, distinct = pd.factorize(column)  # NaN/None get code -1
    text = pd.Series(distinct, dtype="string").str.strip()
    parsed = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    epoch = text.str.fullmatch(EPOCH.pattern).fillna(False).to_numpy(dtype=bool)
    if epoch.any():
        numbers = pd.to_numeric(text[epoch]).to_numpy()
        parsed[epoch] = _from_seconds(epoch_seconds(numbers))
    if (~epoch).any():
        iso = pd.to_datetime(text[~epoch].astype(object), utc=True, format="mixed")
        parsed[~epoch] = iso.dt.tz_localize(None)
    times = parsed.to_numpy()
    taken = np.where(codes >= 0, times[np.maximum(codes, 0)], np.datetime64("NaT"))
    return pd.Series(taken, index=column.index, dtype="datetime64[ns]")


def _from_seconds(seconds: np.ndarray) -> np.ndarray:
    """Epoch seconds as ``datetime64[ns]`` (NaN becomes NaT), kept to the microsecond."""
    micros = np.round(np.asarray(seconds, dtype=np.float64) * 1e6)
    result = np.full(micros.shape, np.datetime64("NaT"), dtype="datetime64[ns]")
    known = np.isfinite(micros)
    result[known] = micros[known].astype(np.int64).astype("datetime64[us]")
    return result
