"""Analysing photos in a process pool and tagging them in batches."""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

from service.tagging.results import ArticleVision, VisionTag
from service.tagging.work import PhotoWork, analyse_at, init_worker
from vision.color_namer import DEFAULT_MODEL
from vision.tagger.predict import Tagger

BATCH = 128


def analysed(
    paths: Iterable[Path], size: int, workers: int, namer: Path | None = DEFAULT_MODEL,
    texture: bool = False,
) -> Iterator[PhotoWork]:  # fmt: skip
    """Photo work in input order, from ``workers`` processes (in-process when 1); ``namer``:
    the colour namer's model file; ``texture``: describe each garment's texture too.
    """
    analyse = analyse_at(size, namer, texture)
    if workers <= 1:
        init_worker()
        yield from map(analyse, paths)
        return
    # spawn, not fork: forking after torch started its OpenMP threads corrupts the processes
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, initializer=init_worker, mp_context=context) as pool:
        yield from pool.map(analyse, paths, chunksize=16)


def batched(items: Iterable[PhotoWork], size: int = BATCH) -> Iterator[list[PhotoWork]]:
    """Consecutive lists of at most ``size`` items."""
    batch: list[PhotoWork] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def tag_batch(
    tagger: Tagger, batch: Sequence[PhotoWork], version: str | None = None
) -> list[ArticleVision | None]:
    """Vision results of each readable photo of a batch (None for failed ones), stored under
    ``version`` (the tagger's when None).
    """
    readable = [w for w in batch if w.pixels is not None]
    textures = None
    if readable and tagger.uses_texture:
        textures = np.stack([w.texture for w in readable])  # type: ignore[misc]
    tags = tagger.tag(np.stack([w.pixels for w in readable]), textures) if readable else []  # type: ignore[misc]
    by_path = {id(w): t for w, t in zip(readable, tags, strict=True)}
    results: list[ArticleVision | None] = []
    for work in batch:
        photo_tags = by_path.get(id(work))
        if photo_tags is None:
            results.append(None)
            continue
        groups = {
            g: tuple(VisionTag(t.label, t.score, t.confident) for t in values)
            for g, values in photo_tags.items()
        }
        results.append(ArticleVision(work.colours, groups, version or tagger.version))
    return results
