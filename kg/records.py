"""Plain records the graph is built from, independent of where they were read.

``service.graph`` fills them from the catalogue store; benchmarks and tests build them directly.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class FeedRecord:
    """What one feed said about one article, in its own words.

    Attributes:
        view: ``retailer`` or ``manufacturer``.
        source: The feed's name (``hm``, ``myntra``, ``demo``, ...).
        data: The feed's row, column → value (empty values are ignored).
    """

    view: str
    source: str
    data: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class ArticleRecord:
    """One sellable article (a colourway of a style) and every feed record about it."""

    external_id: str
    catalogue: str
    style_code: str
    name: str | None = None
    feeds: tuple[FeedRecord, ...] = ()


@dataclass(frozen=True, slots=True)
class SalesRecord:
    """Units of one article sold in one season by one source's shoppers."""

    external_id: str
    season: str
    units: int
    source: str


@dataclass(frozen=True, slots=True)
class VisionColourRecord:
    """One colour vision found on the garment; ``rank`` 0 is the dominant one."""

    rank: int
    fine_name: str
    basic: str
    share: float
    lab: tuple[float, float, float]


@dataclass(frozen=True, slots=True)
class VisionTagRecord:
    """One attribute label vision gave, with its score and whether it passed its threshold."""

    group: str
    label: str
    score: float
    confident: bool


@dataclass(frozen=True, slots=True)
class VisionRecord:
    """Everything one vision model version said about one article."""

    external_id: str
    model_version: str
    colours: tuple[VisionColourRecord, ...] = ()
    tags: tuple[VisionTagRecord, ...] = field(default_factory=tuple)


def season_of_month(month: int) -> str:
    """Meteorological season (northern hemisphere) of a month number 1-12."""
    return ("winter", "spring", "summer", "autumn")[(month % 12) // 3]
