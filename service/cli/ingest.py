"""``atelier ingest ...``: load real catalogue and interaction files into the store."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from service.cli.context import state
from service.cli.output import RichProgress, print_report
from service.ingest import (
    IngestOptions,
    ingest_generic_customers,
    ingest_generic_interactions,
    ingest_hm,
    ingest_items,
    ingest_myntra,
    run_ingest,
)
from service.ingest.generic import ingest_folder
from service.ingest.run import Step

app = typer.Typer(
    help="Load catalogue and interaction files into the catalogue store.", no_args_is_help=True
)

Strict = Annotated[
    bool, typer.Option("--strict", help="Fail on the first bad row and store nothing.")
]
ChunkRows = Annotated[int, typer.Option("--chunk-rows", min=100, help="Rows per chunk.")]
Source = Annotated[str, typer.Option("--source", help="The feed's name (namespace of its codes).")]


def _run(
    ctx: typer.Context,
    kind: str,
    inputs: dict[str, object],
    step: Step,
    strict: bool,
    chunk_rows: int,
) -> None:
    engine = state(ctx).engine()
    with RichProgress() as progress:
        report = run_ingest(
            engine,
            kind,
            {k: str(v) for k, v in inputs.items()},
            step,
            IngestOptions(strict=strict, chunk_rows=chunk_rows),
            progress,
        )
    print_report(report)
    settings = state(ctx).settings
    if report.changed_articles and settings.may_have_graph:
        # only now: the graph's modules load pandas and the miners (half a second)
        from service.cli.kg import refresh_graph

        changed = sorted(report.changed_articles)
        what = "articles the feed added or changed"
        refresh_graph(settings, engine, changed, what=what, stored="the feed's rows")


@app.command("hm")
def hm(
    ctx: typer.Context,
    folder: Annotated[
        Path,
        typer.Argument(
            help="Folder with articles.*, customers.csv, transactions*.csv|parquet and images/."
        ),
    ],
    transactions: Annotated[
        list[Path] | None,
        typer.Option(
            "--transactions",
            help="Read these transaction files instead of the folder's transactions*.csv|parquet.",
        ),
    ] = None,
    strict: Strict = False,
    chunk_rows: ChunkRows = 50_000,
) -> None:
    """Ingest the H&M Kaggle format (articles, customers, transactions, images)."""
    _run(
        ctx,
        "hm",
        {"folder": folder, "transactions": transactions},
        lambda c: ingest_hm(c, folder, transactions),
        strict,
        chunk_rows,
    )


@app.command("myntra")
def myntra(
    ctx: typer.Context,
    folder: Annotated[Path, typer.Argument(help="Folder with styles.csv and images/.")],
    strict: Strict = False,
    chunk_rows: ChunkRows = 50_000,
) -> None:
    """Ingest the Myntra "Fashion Product Images" format (styles.csv, images/<id>.jpg)."""
    _run(ctx, "myntra", {"folder": folder}, lambda c: ingest_myntra(c, folder), strict, chunk_rows)


@app.command("items")
def items(
    ctx: typer.Context,
    file: Annotated[
        Path,
        typer.Argument(
            help="CSV or Parquet: item_id[,name][,category][,color][,pattern][,style_code][,...]"
        ),
    ],
    source: Source = "generic",
    view: Annotated[str, typer.Option(help="retailer or manufacturer")] = "retailer",
    images: Annotated[
        Path | None, typer.Option(help="Folder of photos named <item_id>.jpg|png.")
    ] = None,
    strict: Strict = False,
    chunk_rows: ChunkRows = 50_000,
) -> None:
    """Ingest a generic items file (a retailer's or a manufacturer's feed)."""
    if view not in ("retailer", "manufacturer"):
        raise typer.BadParameter("must be retailer or manufacturer", param_hint="--view")
    _run(
        ctx,
        "items",
        {"file": file, "source": source, "view": view, "images": images},
        lambda c: ingest_items(c, file, source, view, images),
        strict,
        chunk_rows,
    )


@app.command("interactions")
def interactions(
    ctx: typer.Context,
    file: Annotated[
        Path,
        typer.Argument(
            help="CSV or Parquet: user_id,item_id[,timestamp]"
            "[,event_type][,quantity][,event_id][,price]"
            "[,channel]"
        ),
    ],
    source: Source = "generic",
    strict: Strict = False,
    chunk_rows: ChunkRows = 50_000,
) -> None:
    """Ingest a generic interactions file (views, carts, purchases, returns)."""
    _run(
        ctx,
        "interactions",
        {"file": file, "source": source},
        lambda c: ingest_generic_interactions(c, file, source),
        strict,
        chunk_rows,
    )


@app.command("customers")
def customers(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="CSV or Parquet: user_id[,...attributes]")],
    strict: Strict = False,
    chunk_rows: ChunkRows = 50_000,
) -> None:
    """Ingest a generic customers file."""
    _run(
        ctx,
        "customers",
        {"file": file},
        lambda c: ingest_generic_customers(c, file),
        strict,
        chunk_rows,
    )


@app.command("folder")
def folder(
    ctx: typer.Context,
    path: Annotated[
        Path,
        typer.Argument(
            help="Folder with items.csv and optionally "
            "manufacturer.csv, customers.csv, "
            "interactions.csv and images/."
        ),
    ],
    source: Source = "generic",
    strict: Strict = False,
    chunk_rows: ChunkRows = 50_000,
) -> None:
    """Ingest a retailer folder in Atelier's generic layout (the demo world is one)."""
    _run(
        ctx,
        "folder",
        {"folder": path, "source": source},
        lambda c: ingest_folder(c, path, source),
        strict,
        chunk_rows,
    )
