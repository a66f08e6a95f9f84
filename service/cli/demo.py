"""``atelier demo``: generate the synthetic demo world and load it into the store."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from service.cli.context import state
from service.cli.kg import graph_stage
from service.cli.output import RichProgress, out, print_report
from service.cli.recommend import train_after_demo
from service.cli.serve import serve_after_demo
from service.cli.vision import tag_stage
from service.demo import DemoConfig, generate_world
from service.ingest import IngestOptions, run_ingest
from service.ingest.generic import ingest_folder
from service.store.summary import summarise

#: The demo retailer's name: the namespace of its style codes and the source of its events.
DEMO_SOURCE = "demo"


def demo(
    ctx: typer.Context,
    seed: Annotated[
        int, typer.Option(help="Seed of the world; the same seed gives the same world.")
    ] = DemoConfig.seed,
    styles: Annotated[
        int, typer.Option(min=1, help="Product styles (each has 1-6 colourways).")
    ] = DemoConfig.n_styles,
    shoppers: Annotated[int, typer.Option(min=1, help="Shoppers to simulate.")] = (
        DemoConfig.n_shoppers
    ),
    days: Annotated[int, typer.Option(min=1, help="Days of shopping to simulate.")] = (
        DemoConfig.days
    ),
    start: Annotated[str, typer.Option(help="First simulated day (YYYY-MM-DD).")] = (
        DemoConfig.start.isoformat()
    ),
    out_dir: Annotated[
        Path | None,
        typer.Option(
            "--out", help="Where to write the world's files [default: ATELIER_HOME/demo-world]."
        ),
    ] = None,
    serve: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Serve the storefront when built.")
    ] = True,
) -> None:
    """Generate the synthetic demo world (catalogue, photos, feeds, shoppers) and ingest it."""
    settings = state(ctx).settings
    try:
        first_day = date.fromisoformat(start)
    except ValueError as exc:
        raise typer.BadParameter(
            f"{start!r} is not a date (YYYY-MM-DD)", param_hint="--start"
        ) from exc
    config = DemoConfig(
        seed=seed, n_styles=styles, n_shoppers=shoppers, days=days, start=first_day, workers=2
    )
    folder = out_dir or settings.atelier_home / "demo-world"
    engine = state(ctx).engine()
    with RichProgress() as progress:
        world = generate_world(
            config, folder, lambda stage, done, total: progress.stage(f"demo {stage}", done, total)
        )
        loaded = run_ingest(
            engine,
            "demo",
            {"folder": str(folder), "seed": seed},
            lambda c: ingest_folder(c, folder, DEMO_SOURCE),
            IngestOptions(),
            progress,
        )
    out.print(f"[bold]Demo world[/bold] (seed {seed}) written to {folder}")
    out.print_json(json.dumps(world.to_dict()))
    print_report(loaded)
    store = summarise(engine)
    out.print(
        f"[bold]Catalogue store[/bold] {settings.catalogue_url.split('@')[-1]}: "
        f"{store.articles:,} articles in {store.styles:,} styles, {store.images:,} photos, "
        f"{store.customers:,} customers, {store.events:,} events "
        f"{store.events_by_type}"
    )
    tag_stage(settings, engine, folder)
    graph_stage(settings, engine)
    train_after_demo(settings, engine)
    serve_after_demo(settings, serve)  # keep last: it blocks while serving
