"""Training the learned colour namer on merchants' own colour labels, with splits by style.

Photos come from catalogues that label each article's colour in their own words (Myntra's
``baseColour``, H&M's ``colour_group_name``); :mod:`vision.catalogue_labels` maps each label to a
basic term or to ``None`` when no single term is right (those photos are left out). Styles, not
photos, are split (:func:`vision.tagger.dataset.split_of`): the colourways of one style share its
cut and fabric. The model is fitted on the training styles, stopped early on the validation
styles and scored on the test styles, side by side with the ISCC-NBS table it refines.
"""

from __future__ import annotations

import csv
import multiprocessing
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

import cv2
import lightgbm as lgb
import numpy as np
from numpy.typing import NDArray
from PIL import Image

from vision.catalogue_labels import basic_term_of_label
from vision.color_namer import FEATURES, ColorNamer, color_features
from vision.color_taxonomy import BASIC_TERMS, BasicTerm
from vision.colors import (
    ColorExtractionConfig,
    garment_palette,
    isolate_garment,
    name_palette,
    served_term,
)
from vision.tagger.dataset import SplitConfig, split_of


@dataclass(frozen=True, slots=True)
class ColorPhoto:
    """A product photo with its merchant's colour label."""

    path: Path
    source: str
    style: str
    label: str


def myntra_color_photos(folder: Path) -> list[ColorPhoto]:
    """Myntra photos under ``folder/images`` labelled with ``baseColour`` (ids are styles)."""
    with (folder / "styles.csv").open(newline="", encoding="utf-8", errors="replace") as handle:
        labels = {r["id"]: r.get("baseColour") or "" for r in csv.DictReader(handle) if r.get("id")}
    return [
        ColorPhoto(path, "myntra", f"myntra:{path.stem}", labels[path.stem])
        for path in sorted((folder / "images").glob("*.jpg"))
        if labels.get(path.stem)
    ]


def hm_color_photos(folder: Path) -> list[ColorPhoto]:
    """H&M photos under ``folder/images/*/`` labelled with ``colour_group_name``."""
    import pyarrow.parquet as pq  # only H&M needs parquet

    columns = ["article_id", "product_code", "colour_group_name"]
    table = pq.read_table(folder / "articles.parquet", columns=columns).to_pylist()
    rows = {str(row["article_id"]).zfill(10): row for row in table}
    photos = []
    for path in sorted((folder / "images").glob("*/*.jpg")):
        row = rows.get(path.stem)
        if row is not None and row["colour_group_name"]:
            style = f"hm:{row['product_code']}"
            photos.append(ColorPhoto(path, "hm", style, str(row["colour_group_name"])))
    return photos


#: Readers of the shared data's catalogues, by the folder name under the data root.
SOURCES: dict[str, Callable[[Path], list[ColorPhoto]]] = {
    "myntra": myntra_color_photos,
    "hm": hm_color_photos,
}


def merchant_photos(data: Path, sources: Sequence[str] = tuple(SOURCES)) -> list[ColorPhoto]:
    """Every labelled photo of the named sources under ``data`` (absent folders skipped)."""
    photos: list[ColorPhoto] = []
    for name in sources:
        if (data / name).is_dir():
            photos += SOURCES[name](data / name)
    return photos


def photo_features(path: Path) -> tuple[NDArray[np.float32], str]:
    """The namer's features of one photo file and the ISCC-NBS table's basic term."""
    config = ColorExtractionConfig(namer_model=None)
    with Image.open(path) as image:
        garment = isolate_garment(image, config)
    palette = garment_palette(garment, 5, config)
    colors = name_palette(palette)
    basics = [c.basic for c in colors]
    features = color_features(
        garment.lab, garment.mask, garment.sample, palette.centers, palette.shares, basics
    )
    return features, basics[0]


def _init_worker() -> None:
    cv2.setNumThreads(1)  # one core per process


def features_of(
    paths: Sequence[Path],
    workers: int = 1,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[NDArray[np.float32], list[str]]:
    """``(N, F)`` features and the table's basic terms of many photo files."""
    results: list[tuple[NDArray[np.float32], str]] = []

    def collect(found: Iterable[tuple[NDArray[np.float32], str]]) -> None:
        for result in found:
            results.append(result)
            if progress is not None and (len(results) % 256 == 0 or len(results) == len(paths)):
                progress(len(results), len(paths))

    if workers <= 1:
        _init_worker()
        collect(map(photo_features, paths))
    else:
        # spawn, not fork: a parent that already started torch's threads corrupts forked workers
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(workers, initializer=_init_worker, mp_context=context) as pool:
            collect(pool.map(photo_features, paths, chunksize=32))
    if not results:
        return np.zeros((0, len(FEATURES)), np.float32), []
    return np.vstack([f for f, _ in results]), [t for _, t in results]


@dataclass(frozen=True)
class NamerTraining:
    """How the namer is fitted."""

    rounds: int = 800
    """Most boosting rounds (early stopping on the validation styles usually ends sooner)."""
    learning_rate: float = 0.05
    leaves: int = 15
    min_child: int = 20
    split: SplitConfig = field(default_factory=SplitConfig)
    seed: int = 0


@dataclass(frozen=True)
class SourceScore:
    """Agreement with one merchant's labels on the test styles."""

    source: str
    photos: int
    learned: float
    table: float
    confusions: dict[tuple[str, str], int]


@dataclass(frozen=True)
class TrainedNamer:
    """A fitted namer and how it scored on the held-out styles."""

    namer: ColorNamer
    rounds: int
    train_photos: int
    scores: list[SourceScore]


def train_namer(
    photos: Sequence[ColorPhoto],
    features: NDArray[np.float32],
    table_terms: Sequence[str],
    config: NamerTraining | None = None,
) -> TrainedNamer:
    """Fit on the training styles, stop on the validation styles, score on the test styles.

    Raises:
        ValueError: When there are too few labelled photos to train on.
    """
    cfg = config or NamerTraining()
    terms = [basic_term_of_label(p.label) for p in photos]
    target = np.array([BASIC_TERMS.index(t) if t else -1 for t in terms])
    side = np.array([split_of(p.style, cfg.split) for p in photos])
    train = (target >= 0) & (side == "train")
    valid = (target >= 0) & (side == "validation")
    if train.sum() < 50 or valid.sum() < 10:
        raise ValueError(
            f"{int(train.sum())} training and {int(valid.sum())} validation photos with an "
            "unambiguous colour label: too few to learn a colour namer"
        )
    params = {
        "objective": "multiclass",
        "num_class": len(BASIC_TERMS),
        "learning_rate": cfg.learning_rate,
        "num_leaves": cfg.leaves,
        "min_data_in_leaf": cfg.min_child,
        "feature_fraction": 0.8,
        "bagging_fraction": 0.8,
        "bagging_freq": 1,
        "seed": cfg.seed,
        "num_threads": 1,  # a few seconds; one thread makes the model the same on every machine
        "verbosity": -1,
    }
    names = list(FEATURES)
    train_set = lgb.Dataset(features[train], target[train], feature_name=names)
    valid_set = lgb.Dataset(features[valid], target[valid], reference=train_set)
    booster = lgb.train(
        params,
        train_set,
        cfg.rounds,
        valid_sets=[valid_set],
        callbacks=[lgb.early_stopping(50, verbose=False)],
    )
    booster.free_dataset()
    namer = ColorNamer(booster)
    test = (target >= 0) & (side == "test")
    scores = score(namer, photos, features, table_terms, test)
    return TrainedNamer(namer, booster.best_iteration or cfg.rounds, int(train.sum()), scores)


def score(
    namer: ColorNamer,
    photos: Sequence[ColorPhoto],
    features: NDArray[np.float32],
    table_terms: Sequence[str],
    chosen: NDArray[np.bool_],
    reach: float = ColorExtractionConfig().namer_reach,
) -> list[SourceScore]:
    """Agreement of the terms as served (the namer's within ``reach``, see
    :func:`vision.colors.served_term`) and of the table with the labels, per source, on
    ``chosen``.
    """
    picks = np.flatnonzero(chosen)
    fallbacks = [cast(BasicTerm, table_terms[int(i)]) for i in picks]
    decisions = namer.decide_many(features[picks], fallbacks)
    dominant = [FEATURES.index(f"color0_{c}") for c in "Lab"]
    rows: dict[str, list[tuple[str, str, str]]] = {}
    for index, fallback, decision in zip(picks, fallbacks, decisions, strict=True):
        photo = photos[int(index)]
        expected = basic_term_of_label(photo.label) or ""
        term = served_term(features[index, dominant].astype(np.float64), fallback, decision, reach)
        rows.setdefault(photo.source, []).append((expected, term, fallback))
    result = []
    for source, triples in sorted(rows.items()):
        confusions = Counter((e, g) for e, g, _ in triples if e != g)
        result.append(
            SourceScore(
                source,
                len(triples),
                sum(e == g for e, g, _ in triples) / len(triples),
                sum(e == t for e, _, t in triples) / len(triples),
                dict(confusions.most_common()),
            )
        )
    return result
