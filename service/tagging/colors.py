"""``atelier vision train-colours``: the colour namer learned from merchants' colour labels.

Reads the labelled photos of a data folder laid out as the shared data (``myntra/`` and/or
``hm/``), measures every photo once, trains :mod:`vision.color_training`'s namer and writes it
where tagging finds it (written aside, then renamed: a running tag stage never reads half a
model).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from service.errors import ConfigurationError
from vision.color_training import TrainedNamer, features_of, merchant_photos, train_namer


def train_color_namer(
    data: Path,
    out: Path,
    workers: int = 2,
    progress: Callable[[int, int], None] | None = None,
) -> TrainedNamer:
    """Train on the labelled photos under ``data`` and save the namer to ``out``.

    Raises:
        ConfigurationError: When ``data`` holds no labelled photos, or too few to learn from.
    """
    photos = merchant_photos(data)
    if not photos:
        raise ConfigurationError(
            f"no labelled photos under {data}: expected myntra/ (styles.csv, images/) and/or "
            "hm/ (articles.parquet, images/) as in the shared data"
        )
    features, table = features_of([p.path for p in photos], workers, progress)
    try:
        trained = train_namer(photos, features, table)
    except ValueError as exc:
        raise ConfigurationError(str(exc)) from exc
    aside = out.with_name(f".{out.name}.{os.getpid()}")
    trained.namer.save(aside)
    os.replace(aside, out)
    return trained
