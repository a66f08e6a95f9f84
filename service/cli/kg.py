"""``atelier kg``: build, query, validate and export the knowledge graph."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy import Engine

from kg import queries
from kg.store import EmbeddedStore, GraphStoreError, RemoteStore, Row
from kg.validation import validate as validate_graph
from service.cli.context import state
from service.cli.output import out
from service.graph.mining import LearnReport, learn_complements
from service.graph.stage import build_from_catalogue
from service.graph.stores import GraphError, open_graph_store
from service.settings import Settings

app = typer.Typer(
    help="Build, query, validate and export the knowledge graph.", no_args_is_help=True
)


class OutputFormat(StrEnum):
    """How ``kg query`` prints its rows."""

    TABLE = "table"
    CSV = "csv"
    JSON = "json"


class ExportFormat(StrEnum):
    """Serialisations ``kg export`` writes."""

    TURTLE = "turtle"
    NQUADS = "nquads"


_EXPORT_TYPES = {ExportFormat.TURTLE: "text/turtle", ExportFormat.NQUADS: "application/n-quads"}


@contextmanager
def _graph(ctx: typer.Context) -> Iterator[EmbeddedStore | RemoteStore]:
    store = open_graph_store(state(ctx).settings)
    try:
        yield store
    except (GraphStoreError, SyntaxError, OSError, ValueError, KeyError) as exc:
        raise GraphError(str(exc).strip("'\"")) from exc
    finally:
        store.close()


@app.command("build")
def build(
    ctx: typer.Context,
    xkcd: Annotated[
        Path | None,
        typer.Option(help="XKCD colour-name table (name,hex) for real catalogues' colour names."),
    ] = None,
) -> None:
    """Rebuild the whole graph from the catalogue store (articles, sales, vision results)."""
    graph_stage(state(ctx).settings, state(ctx).engine(), xkcd)


def graph_stage(settings: Settings, engine: Engine, xkcd: Path | None = None) -> None:
    """Build the graph from the catalogue store and print a one-paragraph summary.

    The graph stage of ``atelier demo`` (after ingest and tagging, before training).
    """
    store = open_graph_store(settings)
    try:
        report = build_from_catalogue(engine, store, xkcd_colours=xkcd)
        learned = learn_complements(engine, store)
    except (GraphStoreError, SyntaxError, OSError) as exc:
        raise GraphError(str(exc)) from exc
    finally:
        store.close()
    seconds = report.write_seconds + report.load_seconds
    out.print(
        f"[bold]Knowledge graph[/bold]: {report.statements:,} statements from "
        f"{report.articles:,} articles in {seconds:.1f} s "
        f"({report.statements_per_second:,.0f}/s); {report.mapped:,} of {report.concepts:,} "
        f"retailer concepts mapped, {len(report.unmapped):,} unmapped "
        "(`atelier kg query unmapped-concepts` lists them)"
    )
    _print_learned(learned)


@app.command("learn")
def learn(ctx: typer.Context) -> None:
    """Mine complements from the store's purchases into the graph (``kg build`` does it too)."""
    with _graph(ctx) as store:
        report = learn_complements(state(ctx).engine(), store)
    _print_learned(report)


def _print_learned(report: LearnReport) -> None:
    out.print(
        f"[bold]Mined from purchases[/bold] in {report.seconds:.1f} s "
        "(`atelier kg query mined-complements` lists them):"
    )
    out.print(report.summary(), highlight=False)


@app.command("query")
def query(
    ctx: typer.Context,
    text: Annotated[str, typer.Argument(help="A .rq file, a bundled query's name, or SPARQL.")],
    output: Annotated[OutputFormat, typer.Option("--format", help="Output format.")] = (
        OutputFormat.TABLE
    ),
    bind: Annotated[
        list[str] | None,
        typer.Option(help="Bind a variable, NAME=VALUE (<...> for an IRI); repeatable."),
    ] = None,
) -> None:
    """Run a SELECT query over the graph (bundled: {names})."""
    sparql = queries.bind(_query_text(text), dict(_pair(b) for b in bind or []))
    with _graph(ctx) as store:
        rows = store.select(sparql)
    _print_rows(rows, output)


query.__doc__ = (query.__doc__ or "").replace("{names}", ", ".join(queries.names()))


def _query_text(text: str) -> str:
    path = Path(text)
    if text.endswith(".rq") and path.is_file():
        return path.read_text(encoding="utf-8")
    if text in queries.names():
        return queries.load(text)
    return text


def _pair(binding: str) -> tuple[str, str]:
    name, sep, value = binding.partition("=")
    if not sep:
        raise typer.BadParameter(f"{binding!r} is not NAME=VALUE", param_hint="--bind")
    return name.strip().lstrip("?"), value


def _print_rows(rows: list[Row], output: OutputFormat) -> None:
    columns = list(dict.fromkeys(name for row in rows for name in row))
    if output is OutputFormat.JSON:
        out.print_json(json.dumps(rows))
    elif output is OutputFormat.CSV:
        writer = csv.DictWriter(sys.stdout, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    else:
        table = Table(*columns, caption=f"{len(rows):,} rows")
        for row in rows:
            table.add_row(*(row.get(column, "") for column in columns))
        out.print(table)


@app.command("validate")
def validate(
    ctx: typer.Context,
    sample: Annotated[
        int, typer.Option(min=0, help="Articles whose facts are checked (0: all of them).")
    ] = 5_000,
) -> None:
    """Validate the graph against its SHACL shapes; exits 1 when it does not conform."""
    with _graph(ctx) as store:
        report = validate_graph(store, sample or None)
    out.print(report.text(), highlight=False)
    if not report.conforms:
        raise typer.Exit(1)


@app.command("export")
def export(
    ctx: typer.Context,
    output: Annotated[ExportFormat, typer.Option("--format", help="Serialisation.")] = (
        ExportFormat.NQUADS
    ),
    path: Annotated[Path | None, typer.Option("--out", help="File to write [stdout].")] = None,
) -> None:
    """Export the dataset (N-Quads, graphs kept) or the union of its graphs (Turtle)."""
    with _graph(ctx) as store:
        if path is None:
            store.export(_EXPORT_TYPES[output], sys.stdout.buffer)
            return
        with path.open("wb") as handle:
            store.export(_EXPORT_TYPES[output], handle)
    out.print(f"wrote {path}")
