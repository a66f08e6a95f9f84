"""``atelier tag``, ``atelier tag-images`` and ``atelier vision train|evaluate|fewshot``.

Trained taggers live in ``ATELIER_HOME/vision/<version>/``; ``ATELIER_HOME/vision/current``
names the one in use. ``atelier tag`` needs a current model (``atelier vision train`` makes one;
``atelier demo`` trains one on the demo world's ground truth) and does not train implicitly:
which labels to learn from is a decision, not a default.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy import Engine

from service.cli.context import state
from service.cli.kg import refresh_graph
from service.cli.output import RichProgress, out
from service.errors import ConfigurationError
from service.settings import Settings
from service.store import upgrade
from service.tagging.colors import train_color_namer
from service.tagging.fewshot import add_fewshot_label
from service.tagging.files import image_files, tag_files
from service.tagging.home import card_of, color_namer_in_use, color_namer_path, model_folder
from service.tagging.stage import TagOptions, tag_catalogue
from service.tagging.training import ModelReport, evaluate_model, train_model
from vision.tagger.pipeline import TaggerRunConfig, WeightingChoice
from vision.tagger.predict import Tagger
from vision.tagger.train import TrainConfig
from vision.tagger.weighting import Weighting

app = typer.Typer(
    help="Train, evaluate and extend the photo attribute tagger.", no_args_is_help=True
)

DEFAULT = TrainConfig()
Model = Annotated[str | None, typer.Option(help="Model version [default: the current one].")]
Workers = Annotated[int, typer.Option(min=1, help="Processes decoding photos.")]


def tag(
    ctx: typer.Context,
    limit: Annotated[int | None, typer.Option(min=1, help="Tag at most N articles.")] = None,
    workers: Workers = 2,
    model: Model = None,
) -> None:
    """Tag every catalogue article with a photo (colours + attributes); skips up-to-date ones.

    A built graph gets the new results too (a few articles at a time; after many, `atelier kg
    build`).
    """
    settings = state(ctx).settings
    tagger = Tagger.load(model_folder(settings.atelier_home, model))
    engine = state(ctx).engine()
    upgrade(engine)
    with RichProgress() as progress:
        options = TagOptions(limit, workers, color_namer_in_use(settings.atelier_home))
        summary = tag_catalogue(
            engine, tagger, options,
            lambda done, total: progress.stage("tag photos", done, total),
        )  # fmt: skip
    out.print_json(json.dumps(summary.to_dict()))
    refresh_graph(
        settings, engine, summary.tagged_articles, what="newly tagged articles", stored="the tags"
    )


def tag_images(
    ctx: typer.Context,
    directory: Annotated[Path, typer.Argument(help="Folder of image files.")],
    out_file: Annotated[Path, typer.Option("--out", help="JSON-lines file to write.")],
    workers: Workers = 2,
    model: Model = None,
) -> None:
    """Tag the image files of a folder: one JSON line per file (bad files get an error line)."""
    if not directory.is_dir():
        raise ConfigurationError(f"{directory} is not a folder")
    home = state(ctx).settings.atelier_home
    tagger = Tagger.load(model_folder(home, model))
    files = image_files(directory)
    failed = 0
    lines = tag_files(tagger, files, workers, color_namer_in_use(home))
    with out_file.open("w", encoding="utf-8") as handle, RichProgress() as progress:
        for done, line in enumerate(lines, start=1):
            failed += line["error"] is not None
            handle.write(json.dumps(line, ensure_ascii=False) + "\n")
            progress.stage("tag images", done, len(files))
    out.print(f"{len(files)} file(s) tagged into {out_file} ({failed} with errors)")


def _print_report(report: ModelReport) -> None:
    out.print(f"[bold]{report.version}[/bold]: report in {report.folder}/report.md")
    for group, metrics in report.report.items():
        summary = {k: v for k, v in metrics.items() if isinstance(v, float | int)}
        out.print(f"  {group:>9}: " + ", ".join(f"{k} {v:.3f}" for k, v in summary.items()))


@app.command("train")
def train(
    ctx: typer.Context,
    source: Annotated[str, typer.Option(help="demo, myntra or hm.")] = "demo",
    data: Annotated[
        Path | None, typer.Option(help="Source folder [default: ATELIER_HOME/demo-world].")
    ] = None,
    epochs: Annotated[int, typer.Option(min=1)] = DEFAULT.epochs,
    size: Annotated[int, typer.Option(min=16, max=256, help="Training resolution (px).")] = (
        DEFAULT.image_size
    ),
    weighting: Annotated[Weighting, typer.Option(help="Long-tail weighting.")] = (
        DEFAULT.weighting
    ),
    choose_weighting: Annotated[
        bool,
        typer.Option(
            help="Choose the weighting on the validation styles first: a short run of each "
            "(category macro F1 decides); --weighting is then ignored."
        ),
    ] = False,
    choice_epochs: Annotated[
        int, typer.Option(min=1, help="Epochs of each weighting's trial run.")
    ] = WeightingChoice().epochs,
    backbone: Annotated[
        Path | None, typer.Option(help="Pretrained backbone weights (.safetensors).")
    ] = None,
    workers: Workers = 2,
) -> None:
    """Train a tagger on labelled photos, write its report, and make it the current model."""
    settings = state(ctx).settings
    folder = data or settings.atelier_home / "demo-world"
    config = TaggerRunConfig(
        train=TrainConfig(image_size=size, epochs=epochs, weighting=weighting),
        backbone=backbone,
        workers=workers,
        choose_weighting=WeightingChoice(epochs=choice_epochs) if choose_weighting else None,
    )
    with RichProgress() as progress:
        report = train_model(
            settings.atelier_home, source, folder, config,
            lambda stage, done, total: progress.stage(f"vision {stage}", done, total),
        )  # fmt: skip
    _print_report(report)


@app.command("evaluate")
def evaluate(
    ctx: typer.Context,
    source: Annotated[str, typer.Option(help="demo, myntra or hm.")] = "demo",
    data: Annotated[Path | None, typer.Option(help="Source folder.")] = None,
    model: Model = None,
    report_dir: Annotated[Path | None, typer.Option("--out", help="Report folder.")] = None,
    workers: Workers = 2,
) -> None:
    """Score a model on the held-out test styles of a source (JSON + Markdown report)."""
    settings = state(ctx).settings
    folder = model_folder(settings.atelier_home, model)
    with RichProgress() as progress:
        progress.stage("vision evaluate", 0, 1)
        report = evaluate_model(
            folder, source, data or settings.atelier_home / "demo-world", workers, report_dir
        )
        progress.stage("vision evaluate", 1, 1)
    _print_report(report)


@app.command("fewshot")
def fewshot(
    ctx: typer.Context,
    label: Annotated[str, typer.Option(help='The new attribute value, e.g. "puff sleeve".')],
    images: Annotated[Path, typer.Option(help="Folder of photos showing it.")],
    negatives: Annotated[
        Path | None, typer.Option(help="Folder of photos not showing it (linear probe).")
    ] = None,
    group: Annotated[str, typer.Option(help="Attribute group of the new value.")] = "detail",
    model: Model = None,
) -> None:
    """Add an attribute value learnt from a few photos on the frozen backbone (new version)."""
    settings = state(ctx).settings
    folder = model_folder(settings.atelier_home, model)
    card_of(folder)
    result = add_fewshot_label(settings.atelier_home, folder, group, label, images, negatives)
    out.print_json(json.dumps(result))


@app.command("train-colours")
def train_colours(
    ctx: typer.Context,
    data: Annotated[
        Path,
        typer.Option(help="Folder holding myntra/ and/or hm/ as in the shared data's layout."),
    ],
    out_file: Annotated[
        Path | None,
        typer.Option("--out", help="Model file [default: ATELIER_HOME/vision/color_namer.txt]."),
    ] = None,
    workers: Workers = 2,
) -> None:
    """Learn the basic colour terms of photographed garments from merchants' colour labels.

    Trains on the training styles, stops on the validation styles and prints the agreement
    with the labels on the held-out test styles, beside the ISCC-NBS table's. ``atelier tag``
    then names colours with it.
    """
    target = out_file or color_namer_path(state(ctx).settings.atelier_home)
    with RichProgress() as progress:
        trained = train_color_namer(
            data, target, workers, lambda done, total: progress.stage("colours", done, total)
        )
    out.print(
        f"colour namer -> {target} ({trained.train_photos} training photos, "
        f"{trained.rounds} rounds); agreement with the labels on held-out styles:"
    )
    for s in trained.scores:
        worst = ", ".join(f"{e}->{g} {n}" for (e, g), n in list(s.confusions.items())[:5])
        out.print(
            f"  {s.source:>7}: learned {s.learned:.1%}, table {s.table:.1%} "
            f"({s.photos} photos; most confused: {worst})"
        )


#: The demo's tagger: small resolution and few epochs, so `atelier demo` trains it in 1-3 minutes
#: on two cores; the demo's rendered photos are far easier than real ones.
DEMO_TAGGER = TaggerRunConfig(train=TrainConfig(image_size=48, epochs=8, batch_size=64))


def tag_stage(settings: Settings, engine: Engine, world: Path) -> None:
    """The demo's tag stage: train a tagger on the world's ground truth, then tag the catalogue."""
    with RichProgress() as progress:
        report = train_model(
            settings.atelier_home, "demo", world, DEMO_TAGGER,
            lambda stage, done, total: progress.stage(f"vision {stage}", done, total),
        )  # fmt: skip
        tagger = Tagger.load(report.folder)
        summary = tag_catalogue(
            engine, tagger, TagOptions(workers=2),
            lambda done, total: progress.stage("tag photos", done, total),
        )  # fmt: skip
    category = report.report.get("category", {})
    out.print(
        f"[bold]Tagger[/bold] {report.version}: category top-1 {category.get('top1', 0):.1%} on "
        f"held-out styles; tagged {summary.tagged:,} articles ({summary.failed} failed, "
        f"{summary.up_to_date:,} up to date) in {summary.seconds:.0f} s"
    )
