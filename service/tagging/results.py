"""Reading what vision stored about articles: the reader API other packages build on.

``load_vision_results(engine)`` returns, per article external id, its semantic colours
(dominant first) and its attribute tags grouped by attribute group (highest score first), with
the version of the model that produced them. Tags whose ``confident`` flag is False scored below
their label's calibrated threshold: readers should treat them as "uncertain".
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterator
from dataclasses import dataclass

from sqlalchemy import Engine, select

from service.store.models import Article
from service.store.vision_models import VisionColour as ColourRow
from service.store.vision_models import VisionTag as TagRow
from service.store.vision_models import VisionTagged

#: Article ids per ``IN (...)`` query; keeps under SQLite's and PostgreSQL's parameter limits.
CHUNK = 900


@dataclass(frozen=True, slots=True)
class VisionColour:
    """One colour of an article's garment."""

    hex: str
    lab: tuple[float, float, float]
    share: float
    fine_name: str
    hue: str
    basic: str


@dataclass(frozen=True, slots=True)
class VisionTag:
    """One attribute value with its score; ``confident`` is False for "uncertain" tags."""

    label: str
    score: float
    confident: bool


@dataclass(frozen=True, slots=True)
class ArticleVision:
    """Everything vision stored about one article."""

    colours: tuple[VisionColour, ...]
    tags: dict[str, tuple[VisionTag, ...]]
    model_version: str


def _chunks(ids: list[str] | list[int]) -> Iterator[list[str] | list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _tagged(engine: Engine, article_ids: Collection[str] | None) -> dict[int, tuple[str, str]]:
    """Surrogate id -> (external id, model version) of the tagged articles asked for."""
    base = select(Article.id, Article.external_id, VisionTagged.model_version).join(
        VisionTagged, VisionTagged.article_id == Article.id
    )
    queries = (
        [base]
        if article_ids is None
        else [base.where(Article.external_id.in_(c)) for c in _chunks(sorted(set(article_ids)))]
    )
    found: dict[int, tuple[str, str]] = {}
    with engine.connect() as connection:
        for query in queries:
            for surrogate, external, version in connection.execute(query):
                found[surrogate] = (external, version)
    return found


def _colours(engine: Engine, ids: list[int]) -> dict[int, list[VisionColour]]:
    columns = [ColourRow.article_id, ColourRow.hex, ColourRow.lab_l, ColourRow.lab_a]
    columns += [ColourRow.lab_b, ColourRow.share, ColourRow.fine_name, ColourRow.hue]
    colours: dict[int, list[VisionColour]] = defaultdict(list)
    with engine.connect() as connection:
        for chunk in _chunks(ids):
            query = select(*columns, ColourRow.basic).where(ColourRow.article_id.in_(chunk))
            for row in connection.execute(query.order_by(ColourRow.article_id, ColourRow.rank)):
                colour = VisionColour(
                    hex=row.hex,
                    lab=(row.lab_l, row.lab_a, row.lab_b),
                    share=row.share,
                    fine_name=row.fine_name,
                    hue=row.hue,
                    basic=row.basic,
                )
                colours[row.article_id].append(colour)
    return colours


def _tags(engine: Engine, ids: list[int]) -> dict[int, dict[str, list[VisionTag]]]:
    columns = (TagRow.article_id, TagRow.attr_group, TagRow.label, TagRow.score)
    tags: dict[int, dict[str, list[VisionTag]]] = defaultdict(lambda: defaultdict(list))
    with engine.connect() as connection:
        for chunk in _chunks(ids):
            query = select(*columns, TagRow.confident).where(TagRow.article_id.in_(chunk))
            for row in connection.execute(query.order_by(TagRow.score.desc(), TagRow.label)):
                tag = VisionTag(label=row.label, score=row.score, confident=bool(row.confident))
                tags[row.article_id][row.attr_group].append(tag)
    return tags


def load_vision_results(
    engine: Engine, article_ids: Collection[str] | None = None
) -> dict[str, ArticleVision]:
    """Vision results of tagged articles, keyed by article external id.

    Args:
        engine: The catalogue store (migrated to ``0002`` or later).
        article_ids: External ids to read; None reads every tagged article. Ids that are
            unknown or not yet tagged are absent from the result.

    Returns:
        Per article: colours dominant first, tags per attribute group highest score first,
        and the model version that tagged it.
    """
    tagged = _tagged(engine, article_ids)
    ids = sorted(tagged)
    colours = _colours(engine, ids)
    tags = _tags(engine, ids)
    return {
        external: ArticleVision(
            colours=tuple(colours.get(surrogate, ())),
            tags={group: tuple(values) for group, values in tags.get(surrogate, {}).items()},
            model_version=version,
        )
        for surrogate, (external, version) in tagged.items()
    }
