"""``atelier train`` and ``atelier evaluate``: fit the recommender, and score it offline.

``evaluate`` works on the store (temporal split) or on any interactions files in the generic
CSV format (``user_id,item_id[,timestamp][,event_type][,quantity]``), ids opaque strings,
with or without an items file of attributes.
"""

from __future__ import annotations

import csv
import json
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table
from sqlalchemy import Engine

from service.cli.context import state
from service.cli.output import RichProgress, console, out
from service.errors import EvaluationError
from service.settings import Settings

if TYPE_CHECKING:  # the recommender imports torch: loaded only when a command runs
    from recommender.comparison import Run
    from recommender.evaluate import Split
    from recommender.knowledge import CatalogueKnowledge
    from recommender.serving import HistoryEvent, Shelf, Shelves
    from service.recommending.training import TrainResult

MODELS_HELP = "popularity, als, bpr, lightgcn, kgnn, hybrid or ranker"
#: What ``atelier evaluate`` compares when no --model is given: every model, cheapest first
#: (the graph models' schedule is sized to the data, so each trains in minutes at a week of a
#: large retailer's sales).
DEFAULT_MODELS = ("popularity", "als", "bpr", "lightgcn", "kgnn", "hybrid", "ranker")


def _check_model(name: str) -> str:
    from recommender.models import names

    if name not in names():
        raise typer.BadParameter(f"unknown model {name!r}; known: {', '.join(names())}")
    return name


def train(
    ctx: typer.Context,
    model: Annotated[
        str,
        typer.Option(
            help=f"Main model: {MODELS_HELP}; auto (default) trains the best of "
            "hybrid and ranker on the hold-out."
        ),
    ] = "auto",
    holdout_days: Annotated[
        float, typer.Option(min=1, help="Days held out for the reported metrics.")
    ] = 14.0,
    evaluate: Annotated[bool, typer.Option(help="Report hold-out metrics first.")] = True,
    holdout_shoppers: Annotated[
        int, typer.Option(min=100, help="Hold-out shoppers scored at most (a seeded sample).")
    ] = 20_000,
    days: Annotated[
        float | None, typer.Option(min=1, help="Learn from the last DAYS of events only.")
    ] = None,
) -> None:
    """Train the recommender on the store and make it the current version."""
    from service.recommending.training import TrainOptions, train_stage

    if model != "auto":
        _check_model(model)
    cli = state(ctx)
    options = TrainOptions(
        model, holdout_days, evaluate, holdout_shoppers=holdout_shoppers, window_days=days
    )
    with RichProgress() as bars:

        def heard(message: str, done: int, total: int) -> None:
            console.print(message)
            bars.stage("train", done, total)

        result = train_stage(cli.settings, cli.engine(), options, progress=heard)
    _print_trained(result)


def _print_trained(result: TrainResult) -> None:
    out.print(
        f"[bold]Recommender[/bold] {result.version} trained in {result.seconds:.1f} s "
        f"-> {result.directory}"
    )
    for note in result.fitted.model.notes():
        out.print(f"[yellow]note[/yellow] {result.fitted.model.name}: {note}", highlight=False)
    chosen = result.metrics.get("chosen")
    if chosen:
        scores = ", ".join(f"{n} {v:.4f}" for n, v in chosen["new_map@12"].items())
        out.print(f"chose {chosen['model']} on the hold-out (new-to-you MAP@12: {scores})")
    main = result.metrics.get("new") or {}
    shelf = result.metrics.get("shelf") or {}
    if main:
        out.print(
            f"hold-out ({result.metrics['test_users']} shoppers, last "
            f"{result.metrics['holdout_days']:g} days), main shelf on new-to-you items: "
            f"MAP@12 {main['map@12']:.4f}, Recall@12 {main['recall@12']:.4f}; "
            f"PPRR@12 {shelf.get('pprr@12', 0):.3f}, same style {shelf.get('same_style@12', 0):.3f}"
        )
    if result.metrics.get("skipped"):
        out.print(
            f"[yellow]no hold-out metrics[/yellow]: {result.metrics['skipped']} (nothing to "
            "choose the category limit on, or between models)"
        )
    limit = result.metrics.get("category_limit")
    if limit:
        tried = ", ".join(
            f"{t['limit'] or 'none'} {t['new_map@12']:.4f}/{t['diversity']:.2f}"
            for t in limit["tried"]
        )
        out.print(
            f"category limit {limit['chosen'] or 'none'} per 12, chosen on the hold-out "
            f"(limit new-to-you MAP@12/categories per article: {tried})"
        )


def evaluate(
    ctx: typer.Context,
    train_csv: Annotated[
        Path | None, typer.Option("--train", help="Training interactions CSV.")
    ] = None,
    test_csv: Annotated[Path | None, typer.Option("--test", help="Test interactions CSV.")] = None,
    items_csv: Annotated[Path | None, typer.Option("--items", help="Item attributes CSV.")] = None,
    categories_csv: Annotated[
        Path | None, typer.Option("--categories", help="Category rules CSV.")
    ] = None,
    k: Annotated[int, typer.Option("--k", min=1, help="List length / cut-off.")] = 20,
    model: Annotated[
        list[str] | None, typer.Option("--model", help="Model(s) to compare (repeatable).")
    ] = None,
    test_days: Annotated[
        float, typer.Option(min=1, help="Store only: days of the temporal test split.")
    ] = 7.0,
    out_json: Annotated[Path | None, typer.Option("--out", help="Write metrics JSON.")] = None,
    recs_out: Annotated[
        Path | None, typer.Option("--recs-out", help="Write model,user_id,item_id,rank CSV.")
    ] = None,
) -> None:
    """Compare models (with and without the policy) on files or on the store."""
    from recommender.comparison import compare

    models = [_check_model(m) for m in (model or DEFAULT_MODELS)]
    split, knowledge = _inputs(ctx, train_csv, test_csv, items_csv, categories_csv, test_days)
    with RichProgress() as bars:

        def heard(message: str, done: int, total: int) -> None:
            console.print(message)
            bars.stage("evaluate", done, total)

        runs = compare(split, knowledge, models, k, progress=heard)
    _print_runs(runs, k)
    if out_json is not None:
        payload = {run.name: {"fit_seconds": run.fit_seconds, **run.metrics} for run in runs}
        out_json.write_text(json.dumps(payload, indent=2))
    if recs_out is not None:
        write_recs(recs_out, runs)


def _inputs(
    ctx: typer.Context,
    train_csv: Path | None,
    test_csv: Path | None,
    items_csv: Path | None,
    categories_csv: Path | None,
    test_days: float,
) -> tuple[Split, CatalogueKnowledge]:
    from recommender.data import read_interactions
    from recommender.evaluate import fixed_split, temporal_split
    from recommender.knowledge import read_knowledge
    from service.recommending.interactions import load_interactions
    from service.recommending.knowledge import knowledge_for

    if (train_csv is None) != (test_csv is None):
        raise typer.BadParameter("give both --train and --test, or neither (store)")
    if train_csv is None or test_csv is None:
        cli = state(ctx)
        engine: Engine = cli.engine()
        return temporal_split(load_interactions(engine), test_days), knowledge_for(
            cli.settings, engine
        )
    for path in (train_csv, test_csv, items_csv, categories_csv):
        if path is not None and not path.is_file():
            raise EvaluationError(f"{path} does not exist")
    try:
        train, test = read_interactions(train_csv), read_interactions(test_csv)
        knowledge = read_knowledge(items_csv, categories_csv)
    except (ValueError, KeyError, UnicodeDecodeError) as exc:
        raise EvaluationError(f"cannot read the evaluation files: {exc}") from exc
    for path, data in ((train_csv, train), (test_csv, test)):
        _warn_unknown_event_types(path, data.unknown_event_types())
    split = fixed_split(train, test)
    if split.train.frame.empty or split.test.empty:
        raise EvaluationError("the training file or the test file holds no purchases")
    return split, knowledge


def _warn_unknown_event_types(path: Path, unknown: dict[str, int]) -> None:
    """Say which rows of an evaluation file count for nothing, and why (on stderr)."""
    from recommender.data import EVENT_TYPES

    if unknown:
        kinds = ", ".join(
            f"{kind!r} ({rows:,} row{'' if rows == 1 else 's'})"
            for kind, rows in sorted(unknown.items())
        )
        console.print(
            f"[yellow]{path}: event types {kinds} are not one of {', '.join(EVENT_TYPES)}; "
            "those rows are left out",
            highlight=False,
        )


def _print_runs(runs: list[Run], k: int) -> None:
    """The comparison as a table; as Markdown when the output is not a terminal (a file
    or a pipe), where a boxed table would be cut to 80 columns.
    """
    columns = (
        "model",
        "all MAP@12",
        f"all R@{k}",
        "new MAP@12",
        f"new R@{k}",
        f"PPRR@{k}",
        "same style",
        "coverage",
        "fit s",
    )
    rows = []
    for run in runs:
        every, new, shelf = run.metrics["all"], run.metrics["new"], run.metrics["shelf"]
        rows.append(
            (
                run.name,
                _ci(every, "map@12"),
                _ci(every, f"recall@{k}"),
                _ci(new, "map@12"),
                _ci(new, f"recall@{k}"),
                f"{shelf[f'pprr@{k}']:.3f}",
                f"{shelf[f'same_style@{k}']:.3f}",
                f"{shelf['coverage']:.3f}",
                f"{run.fit_seconds:.1f}",
            )
        )
    title = f"Offline evaluation (MAP@12, Recall@{k}; 95% bootstrap intervals)"
    notes = [f"{run.name}: {note}" for run in runs for note in run.metrics.get("notes", ())]
    if not out.is_terminal:
        lines = [title, "", "| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
        lines += ["| " + " | ".join(row) + " |" for row in rows]
        lines += ["", *(f"- {note}" for note in notes)] if notes else []
        out.print("\n".join(lines), markup=False, highlight=False, soft_wrap=True)
        return
    table = Table(title=title)
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*row)
    out.print(table)
    for note in notes:
        out.print(f"[yellow]note[/yellow] {note}", highlight=False)


def _ci(metrics: dict[str, float], name: str) -> str:
    return f"{metrics[name]:.4f} [{metrics[name + '_lo']:.4f}, {metrics[name + '_hi']:.4f}]"


def write_recs(path: Path, runs: list[Run]) -> None:
    """Every list as rows ``model,user_id,item_id,rank`` (rank from 1)."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["model", "user_id", "item_id", "rank"])
        for run in runs:
            for user, items in run.lists.items():
                writer.writerows((run.name, user, item, rank) for rank, item in enumerate(items, 1))


def train_after_demo(settings: Settings, engine: Engine) -> None:
    """The train stage of ``atelier demo``: train, then show the policy on one shopper."""
    from recommender.serving import Shelves
    from service.recommending.interactions import load_interactions
    from service.recommending.training import TrainOptions, train_stage

    result = train_stage(settings, engine, TrainOptions())
    _print_trained(result)
    shelves = Shelves(result.fitted, result.version)
    show_policy(shelves, engine, load_interactions(engine).end.to_pydatetime())


def show_policy(shelves: Shelves, engine: Engine, now: datetime) -> None:
    """Print a shopper's shelf before and after buying an outerwear piece from it."""
    from recommender.serving import HistoryEvent

    chosen = _shopper_with_outerwear(shelves, engine, now)
    if chosen is None:
        out.print("policy demonstration skipped: no shopper is shown outerwear")
        return
    user, history, before, coat = chosen
    bought = [*history, HistoryEvent(coat, now, "purchase")]
    after = shelves.recommend(user, bought, now)
    name = _category(shelves, coat)
    out.print(f"\n[bold]Policy demonstration[/bold]: shopper {user} buys {coat} ({name}) now")
    _print_shelf(shelves, "before the purchase", before)
    _print_shelf(shelves, f"right after buying the {name} (no retraining)", after)
    _print_shelf(shelves, "buy it again", shelves.rebuy(user, bought, now))


def _shopper_with_outerwear(
    shelves: Shelves, engine: Engine, now: datetime, tries: int = 60
) -> tuple[str, list[HistoryEvent], Shelf, str] | None:
    from service.recommending.history import user_history
    from service.recommending.interactions import load_interactions

    users = load_interactions(engine).purchases()["user_id"].value_counts().index[:tries]
    best: tuple[int, tuple[str, list[HistoryEvent], Shelf, str]] | None = None
    for user in users:
        history = user_history(engine, str(user))
        shelf = shelves.recommend(str(user), history, now)
        coats = [s.item_id for s in shelf.items if _slot(shelves, s.item_id) == "outerwear"]
        if coats and (best is None or len(coats) > best[0]):
            best = (len(coats), (str(user), history, shelf, coats[0]))
    return best[1] if best else None


def _category(shelves: Shelves, item: str) -> str:
    row = shelves.fitted.items.get(item)
    return (shelves.fitted.catalogue.name("category", row) if row is not None else None) or "?"


def _slot(shelves: Shelves, item: str) -> str | None:
    row = shelves.fitted.items.get(item)
    return shelves.fitted.catalogue.name("slot", row) if row is not None else None


def _print_shelf(shelves: Shelves, title: str, shelf: Shelf) -> None:
    table = Table(title=title, title_justify="left")
    for column in ("#", "article", "category", "reason"):
        table.add_column(column)
    for rank, item in enumerate(shelf.items, 1):
        table.add_row(str(rank), item.item_id, _category(shelves, item.item_id), item.reason)
    out.print(table)
