"""Benchmark of the colour pipeline on the shared real data (Myntra and H&M product photos).

Measures colour-extraction throughput (photos/s, JPEG decoding included) in one process and in a
process pool, and how often the basic term of the dominant colour agrees with the catalogue's own
colour label (mapped with :mod:`vision.catalogue_labels`; ambiguous labels are excluded and
counted). Prints a Markdown table.

Usage::

    .venv/bin/python bench/vision.py                # everything (≈ 15,600 photos)
    .venv/bin/python bench/vision.py --limit 500    # quick look
    .venv/bin/python bench/vision.py --errors /tmp/predictions.csv
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import cv2
import pandas as pd
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from vision.catalogue_labels import basic_term_of_label
from vision.colors import extract_colors

DEFAULT_DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"


@dataclass(frozen=True)
class LabelledPhoto:
    """A photo with the catalogue's colour label(s) for it."""

    path: Path
    labels: dict[str, str]


@dataclass(frozen=True)
class Prediction:
    """What the pipeline said about one photo."""

    path: Path
    basic: str
    name: str
    hex: str
    share: float
    palette: str


def myntra_photos(data: Path) -> list[LabelledPhoto]:
    """Myntra photos present on disk, labelled with ``baseColour``."""
    styles = pd.read_csv(data / "myntra" / "styles.csv", on_bad_lines="skip")
    styles = styles.dropna(subset=["id", "baseColour"])
    by_id = dict(zip(styles["id"].astype(int), styles["baseColour"], strict=True))
    photos = []
    for path in sorted((data / "myntra" / "images").glob("*.jpg")):
        label = by_id.get(int(path.stem))
        if isinstance(label, str):
            photos.append(LabelledPhoto(path, {"baseColour": label}))
    return photos


def hm_photos(data: Path) -> list[LabelledPhoto]:
    """H&M photos present on disk, labelled with both colour columns."""
    articles = pd.read_parquet(
        data / "hm" / "articles.parquet",
        columns=["article_id", "colour_group_name", "perceived_colour_master_name"],
    ).set_index("article_id")
    photos = []
    for path in sorted((data / "hm" / "images").glob("*/*.jpg")):
        if path.stem in articles.index:
            row = articles.loc[path.stem]
            photos.append(
                LabelledPhoto(
                    path,
                    {
                        "colour_group_name": str(row["colour_group_name"]),
                        "perceived_colour_master_name": str(row["perceived_colour_master_name"]),
                    },
                )
            )
    return photos


def _init_worker() -> None:
    cv2.setNumThreads(1)  # one core per process; OpenCV's own threads would oversubscribe


def predict(path: Path) -> Prediction:
    """Dominant colour of one photo file."""
    with Image.open(path) as image:
        colors = extract_colors(image)
    top = colors[0]
    palette = " ".join(f"{c.basic}:{c.share:.2f}" for c in colors)
    return Prediction(path, top.basic, top.name, top.hex, top.share, palette)


def predict_all(paths: Sequence[Path], workers: int) -> tuple[list[Prediction], float]:
    """Predictions for all paths and the wall time they took."""
    start = time.perf_counter()
    if workers <= 1:
        _init_worker()
        predictions = [predict(p) for p in paths]
    else:
        with ProcessPoolExecutor(workers, initializer=_init_worker) as pool:
            predictions = list(pool.map(predict, paths, chunksize=32))
    return predictions, time.perf_counter() - start


def agreement(
    photos: Sequence[LabelledPhoto], predictions: Sequence[Prediction], column: str
) -> tuple[int, int, int, Counter[tuple[str, str]]]:
    """(agreeing, evaluated, excluded, confusions) for one label column."""
    hits = evaluated = excluded = 0
    confusions: Counter[tuple[str, str]] = Counter()
    for photo, prediction in zip(photos, predictions, strict=True):
        expected = basic_term_of_label(photo.labels[column])
        if expected is None:
            excluded += 1
            continue
        evaluated += 1
        if prediction.basic == expected:
            hits += 1
        else:
            confusions[(expected, prediction.basic)] += 1
    return hits, evaluated, excluded, confusions


def _write_predictions(
    path: Path, photos: Iterable[LabelledPhoto], predictions: Iterable[Prediction]
) -> None:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["path", "labels", "basic", "name", "hex", "share", "palette"])
        for photo, p in zip(photos, predictions, strict=True):
            labels = "|".join(photo.labels.values())
            writer.writerow([p.path, labels, p.basic, p.name, p.hex, f"{p.share:.3f}", p.palette])


def main(argv: Sequence[str] | None = None) -> None:
    """Run the benchmark and print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="shared data folder")
    parser.add_argument("--limit", type=int, default=0, help="photos per dataset (0 = all)")
    parser.add_argument("--workers", type=int, default=2, help="processes for the pool run")
    parser.add_argument("--speed-photos", type=int, default=400, help="photos timed per setting")
    parser.add_argument("--errors", type=Path, help="write every prediction to this CSV")
    parser.add_argument("--only", choices=["Myntra", "H&M"], help="evaluate one dataset only")
    args = parser.parse_args(argv)
    if not args.data.is_dir():
        parser.error(f"shared data not found at {args.data}")

    datasets = {"Myntra": myntra_photos(args.data), "H&M": hm_photos(args.data)}
    if args.only:
        datasets = {args.only: datasets[args.only]}
    if args.limit:
        datasets = {k: v[: args.limit] for k, v in datasets.items()}

    rows = ["| measure | value |", "|---|---|"]
    speed_paths = [p.path for p in datasets["Myntra"][: args.speed_photos]]
    predict(speed_paths[0])  # warm-up: loads the colour taxonomy once, as a long-lived worker would
    _, single = predict_all(speed_paths, workers=1)
    rows.append(f"| photos/s, 1 process (Myntra 224×224) | {len(speed_paths) / single:.1f} |")
    all_predictions: dict[str, list[Prediction]] = {}
    for name, photos in datasets.items():
        predictions, seconds = predict_all([p.path for p in photos], args.workers)
        all_predictions[name] = predictions
        rows.append(
            f"| photos/s, {args.workers} processes ({name}, {len(photos)} photos) "
            f"| {len(photos) / seconds:.1f} |"
        )
    confusion_lines = []
    for name, photos in datasets.items():
        for column in photos[0].labels if photos else []:
            hits, evaluated, excluded, confusions = agreement(photos, all_predictions[name], column)
            rate = hits / evaluated if evaluated else float("nan")
            rows.append(
                f"| {name} `{column}` agreement | {rate:.1%} ({hits}/{evaluated}; "
                f"{excluded} ambiguous labels excluded) |"
            )
            top = ", ".join(f"{e}→{p} {n}" for (e, p), n in confusions.most_common(8))
            confusion_lines.append(f"- {name} `{column}` top confusions (label→predicted): {top}")
    print(f"CPU cores visible: {os.cpu_count()}\n")
    print("\n".join(rows))
    print()
    print("\n".join(confusion_lines))
    if args.errors:
        _write_predictions(
            args.errors,
            [p for photos in datasets.values() for p in photos],
            [p for preds in all_predictions.values() for p in preds],
        )


if __name__ == "__main__":
    main()
