"""``atelier kg``: build, query, validate, export and import the knowledge graph.

``kg export`` and ``kg import`` are Graph Store Protocol requests (:mod:`kg.graphstore`), parsed
and run by the same code as ``GET`` / ``PUT`` / ``POST /sparql/graph``, on the embedded store
directly or on the remote store's endpoints.
"""

from __future__ import annotations

import csv
import json
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import IO, Annotated

import typer
from rich.table import Table
from sqlalchemy import Engine

from kg import queries
from kg.colour_links import ColourLinkReport, learn_colour_links
from kg.endpoint import RemoteEndpoint
from kg.graphstore import parse_graph_request, run_graph_request
from kg.namespaces import GRAPH
from kg.protocol import HttpParts, ProtocolError, ProtocolResponse
from kg.store import EmbeddedStore, GraphStoreError, RemoteStore, Row
from kg.validation import validate as validate_graph
from kg.worker import WorkerConfig
from service.cli.context import state
from service.cli.output import RichProgress, console, out
from service.errors import StoreError
from service.graph.mining import (
    LearnAlongside,
    LearnReport,
    PendingPurchases,
    learn_complements,
)
from service.graph.stage import build_from_catalogue, refresh_changed, worth_refreshing
from service.graph.stores import GraphError, open_graph_store, remote_config
from service.settings import Settings

app = typer.Typer(
    help="Build, query, validate and export the knowledge graph.", no_args_is_help=True
)


class OutputFormat(StrEnum):
    """How ``kg query`` prints its rows."""

    TABLE = "table"
    CSV = "csv"
    JSON = "json"


class RdfFormat(StrEnum):
    """Serialisations ``kg export`` writes and ``kg import`` reads."""

    NQUADS = "nquads"
    TRIG = "trig"
    TURTLE = "turtle"
    NTRIPLES = "ntriples"
    RDFXML = "rdfxml"
    JSONLD = "jsonld"


_MEDIA_TYPES = {
    RdfFormat.NQUADS: "application/n-quads",
    RdfFormat.TRIG: "application/trig",
    RdfFormat.TURTLE: "text/turtle",
    RdfFormat.NTRIPLES: "application/n-triples",
    RdfFormat.RDFXML: "application/rdf+xml",
    RdfFormat.JSONLD: "application/ld+json",
}
_EXTENSIONS = {
    ".nq": RdfFormat.NQUADS,
    ".trig": RdfFormat.TRIG,
    ".ttl": RdfFormat.TURTLE,
    ".nt": RdfFormat.NTRIPLES,
    ".rdf": RdfFormat.RDFXML,
    ".owl": RdfFormat.RDFXML,
    ".jsonld": RdfFormat.JSONLD,
}
#: Graphs ``kg import`` creates from triples without a --graph are named under this IRI.
IMPORTED = GRAPH + "imported"
GraphOption = Annotated[
    str | None, typer.Option("--graph", help="A named graph's IRI [default: the whole dataset].")
]
DefaultOption = Annotated[
    bool, typer.Option("--default", help="The store's default graph instead of a named graph.")
]


@contextmanager
def _graph(ctx: typer.Context) -> Iterator[EmbeddedStore | RemoteStore]:
    store = open_graph_store(state(ctx).settings)
    try:
        yield store
    except (GraphStoreError, SyntaxError, OSError, ValueError, KeyError) as exc:
        raise GraphError(str(exc).strip("'\"")) from exc
    finally:
        store.close()


def refresh_graph(
    settings: Settings, engine: Engine, article_ids: list[int], what: str, stored: str
) -> None:
    """Bring a built graph up to date with some articles' new facts, said on stderr.

    Without a graph there is nothing to do (``atelier kg build`` reads the store); with many
    articles a rebuild is the faster way, and only said; a store held by a running server is
    left as it is, with a warning (what changed is in the catalogue store either way).

    Args:
        settings: Where the graph is.
        engine: The catalogue store.
        article_ids: The articles' store ids.
        what: The articles, in words ("newly tagged articles").
        stored: What is stored whatever happens to the graph ("the tags").

    Raises:
        GraphError: If the store fails while it is being refreshed.
    """
    if not article_ids or not settings.may_have_graph:
        return
    rebuild = "`atelier kg build` brings the graph up to date"
    if not worth_refreshing(engine, len(article_ids)):
        console.print(f"graph: {len(article_ids):,} {what}; {rebuild}", highlight=False)
        return
    try:
        store = open_graph_store(settings)
    except StoreError as exc:
        console.print(f"[yellow]graph: not refreshed ({exc}); {stored} are stored, {rebuild}")
        return
    try:
        if not store.select("SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 1"):
            return  # an empty store: never built
        started = time.perf_counter()
        refreshed = refresh_changed(engine, store, article_ids)
        console.print(
            f"graph: the facts of {refreshed.articles:,} {what} replaced and "
            f"{refreshed.colours.names:,} retailer colour names linked again in "
            f"{time.perf_counter() - started:.1f} s",
            highlight=False,
        )
    except (GraphStoreError, OSError) as exc:
        raise GraphError(f"the graph was not refreshed: {exc}; {rebuild}") from exc
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
    # a retailer's full size takes a minute or more: each step is told as it ends
    with RichProgress() as bars:

        def told(what: str, done: int) -> None:
            console.print(what, highlight=False)
            bars.stage("kg build", done, 3)

        try:
            # the purchases are read (their sales figures too) while the articles are written,
            # and mined once the articles' categories are known; the pairs are loaded with
            # the graph
            purchases = PendingPurchases(engine)
            learning = LearnAlongside(purchases)
            report = build_from_catalogue(
                engine, store, xkcd_colours=xkcd, learner=learning, sales=purchases.sales()
            )
            learned = learning.report()
            told(
                f"graph: {report.statements:,} statements written and bulk-loaded in "
                f"{report.write_seconds + report.load_seconds:.1f} s",
                1,
            )
            told(
                f"complements mined from the purchases in {learned.seconds:.1f} s, "
                "beside the build",
                2,
            )
            colours = learn_colour_links(store)
            told("retailer colour names linked by their photos", 3)
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
    _print_learned(learned, colours)


@app.command("learn")
def learn(ctx: typer.Context) -> None:
    """Learn from the store's purchases and photos into the graph (``kg build`` does it too).

    Mines complements from the purchases, and links each retailer colour name to the basic
    term its photos show (from the vision results in the graph).
    """
    with _graph(ctx) as store:
        report = learn_complements(state(ctx).engine(), store)
        colours = learn_colour_links(store)
    _print_learned(report, colours)


def _print_learned(report: LearnReport, colours: ColourLinkReport) -> None:
    out.print(
        f"[bold]Mined from purchases[/bold] in {report.seconds:.1f} s "
        "(`atelier kg query mined-complements` lists them):"
    )
    out.print(report.summary(), highlight=False)
    out.print(
        f"[bold]Colour names from photos[/bold]: {colours.summary()} "
        "(`atelier kg query colour-name-links`; where the photos and the names' Lab mappings "
        "disagree: `colour-name-disagreements`)",
        highlight=False,
    )


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
    output: Annotated[RdfFormat, typer.Option("--format", help="Serialisation.")] = (
        RdfFormat.NQUADS
    ),
    graph: GraphOption = None,
    default: DefaultOption = False,
    path: Annotated[Path | None, typer.Option("--out", help="File to write [stdout].")] = None,
) -> None:
    """Export the dataset (N-Quads, TriG or JSON-LD, graphs kept) or one graph (any format).

    The same request as ``GET /sparql/graph[?graph=IRI|?default]`` with that Accept header.
    """
    parts = HttpParts("GET", None, _target_params(graph, default), b"", _MEDIA_TYPES[output])
    if path is None:
        _graph_protocol(ctx, parts, sys.stdout.buffer)
        return
    with path.open("wb") as handle:
        _graph_protocol(ctx, parts, handle)
    out.print(f"wrote {path}")


@app.command("import")
def import_(
    ctx: typer.Context,
    source: Annotated[Path, typer.Argument(help="The file to load.", exists=True, dir_okay=False)],
    graph: GraphOption = None,
    default: DefaultOption = False,
    replace: Annotated[
        bool,
        typer.Option(
            "--replace", help="Replace the graph (or the whole dataset) instead of adding."
        ),
    ] = False,
    source_format: Annotated[
        RdfFormat | None, typer.Option("--format", help="Serialisation [from the extension].")
    ] = None,
) -> None:
    """Load a file into one graph or, for N-Quads/TriG without --graph, into the dataset.

    The same request as ``PUT`` (``--replace``) or ``POST /sparql/graph``: the file is parsed
    first and written in one transaction, so a file that does not parse changes nothing.
    Triples without --graph or --default go to a new graph under {imported}.
    """
    chosen = source_format or _EXTENSIONS.get(source.suffix.lower())
    if chosen is None:
        raise typer.BadParameter(
            f"cannot tell the format of {source.name}: pass --format", param_hint="--format"
        )
    parts = HttpParts(
        "PUT" if replace else "POST",
        _MEDIA_TYPES[chosen],
        _target_params(graph, default),
        source.read_bytes(),
    )
    answer = _graph_protocol(ctx, parts, sys.stdout.buffer)
    where = answer.headers.get("Location") or graph or ("the default graph" if default else "")
    out.print(f"loaded {source} into {where or 'the dataset'}")


import_.__doc__ = (import_.__doc__ or "").replace("{imported}", IMPORTED)


def _target_params(graph: str | None, default: bool) -> list[tuple[str, str]]:
    if graph and default:
        raise typer.BadParameter("give --graph or --default, not both", param_hint="--graph")
    if graph:
        return [("graph", graph)]
    return [("default", "")] if default else []


def _graph_protocol(ctx: typer.Context, parts: HttpParts, sink: IO[bytes]) -> ProtocolResponse:
    """Parse and run a Graph Store request like the server does; a graph read goes to ``sink``.

    Raises:
        GraphError: For a request the protocol refuses or the store cannot serve.
    """
    settings = state(ctx).settings
    try:
        request = parse_graph_request(parts, IMPORTED)
        if settings.sparql_query_url:
            # No size limit here: an export is as large as the graph.
            limits = WorkerConfig(timeout_s=3600.0, max_result_bytes=2**62)
            endpoint = RemoteEndpoint(remote_config(settings), limits)
            try:
                answer = endpoint.graph(request)
            finally:
                endpoint.close()
            if answer.status >= 300:
                raise ProtocolError(answer.status, answer.body.decode("utf-8", "replace"))
            sink.write(answer.body)
            return answer
        with _graph(ctx) as store:
            assert isinstance(store, EmbeddedStore)
            return run_graph_request(store.store, request, sink)
    except ProtocolError as exc:
        raise GraphError(exc.message) from exc
