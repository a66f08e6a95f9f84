"""Ingesting a table of articles (a retailer's or a manufacturer's feed)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from service.ingest.catalogue import ArticleRecord
from service.ingest.reading import RowChunk, TableReader
from service.ingest.report import BadRow
from service.ingest.run import IngestContext

#: Returns the problem with a row's values, or ``None`` when they are fine.
RowCheck = Callable[[dict[str, str]], str | None]


@dataclass(frozen=True)
class ArticleFeed:
    """How to read one kind of article table.

    Attributes:
        catalogue: The namespace of the feed's style codes (``hm``, ``myntra``, a feed name).
        view: ``retailer`` or ``manufacturer``.
        source: The feed's name, kept with each raw record.
        id_column: The column with the article id.
        style_column: The column with the style code (``None``: every article is its own style).
        name_column: The column with the display name, if any.
        normalise_id: Turns a raw id into the catalogue's canonical form.
        check: Extra checks of a row's values.
    """

    catalogue: str
    view: str
    source: str
    id_column: str
    style_column: str | None = None
    name_column: str | None = None
    normalise_id: Callable[[str], str] = str.strip
    check: RowCheck | None = None


def ingest_articles(context: IngestContext, path: Path, feed: ArticleFeed) -> None:
    """Read ``path`` chunk by chunk and store its articles with their raw records.

    A row is bad when its id is missing, already used earlier in the file, or fails the feed's
    checks; all other columns are kept as the feed's raw attributes.
    """
    reader = TableReader(
        path,
        (feed.id_column,),
        lambda bad: context.bad_row(bad, "articles"),
        context.options.chunk_rows,
    )
    seen: dict[str, int] = {}
    with context.progress.task(f"articles in {path.name}", reader.size) as task:
        for chunk in reader.chunks():
            records = _records(context, str(path), chunk, feed, seen)
            context.writer.write_articles(feed.catalogue, feed.view, feed.source, records)
            task.update(chunk.position)


def _records(
    context: IngestContext, name: str, chunk: RowChunk, feed: ArticleFeed, seen: dict[str, int]
) -> list[ArticleRecord]:
    records = []
    for line, values in zip(chunk.lines, chunk.rows, strict=True):
        data = {c: v.strip() for c, v in zip(chunk.columns, values, strict=True) if v}
        problem = _problem(data, feed, seen)
        if problem:
            context.bad_row(BadRow(name, line, problem), "articles")
            continue
        article = feed.normalise_id(data[feed.id_column])
        seen[article] = line
        style = data.get(feed.style_column) if feed.style_column else article
        name_value = data.get(feed.name_column) if feed.name_column else None
        records.append(ArticleRecord(article, style, name_value, data))
    return records


def _problem(data: dict[str, str], feed: ArticleFeed, seen: dict[str, int]) -> str | None:
    raw = data.get(feed.id_column)
    if not raw:
        return f"missing {feed.id_column}"
    try:
        article = feed.normalise_id(raw)
    except ValueError as exc:
        return f"{feed.id_column} {raw!r}: {exc}"
    if article in seen:
        return f"duplicate {feed.id_column} {article!r} (first on line {seen[article]})"
    return feed.check(data) if feed.check else None


def integer_columns(*columns: str) -> RowCheck:
    """A check that the given columns, where present, hold whole numbers."""

    def check(data: dict[str, str]) -> str | None:
        for column in columns:
            value = data.get(column)
            if value is not None:
                try:
                    int(value)
                except ValueError:
                    return f"{column} {value!r} is not a whole number"
        return None

    return check
