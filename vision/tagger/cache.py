"""Decoding many photos once into a small-resolution ``uint8`` array (the training cache).

JPEG decoding dominates a small net's epoch on CPU; decoding each photo once to ``size × size``
and keeping the array in memory (or in an ``.npy`` file beside the caller's other state) makes
every later epoch a pure tensor workload.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from vision.tagger.images import ImageError, read_image, square

Progress = Callable[[int, int], None]


def _decode(path: Path, size: int) -> NDArray[np.uint8] | str:
    try:
        return square(read_image(path), size)
    except ImageError as exc:
        return str(exc)


def decode_photos(
    paths: Sequence[Path], size: int, workers: int = 1, progress: Progress | None = None
) -> tuple[NDArray[np.uint8], dict[int, str]]:
    """Decode photos into one ``(N, size, size, 3)`` array.

    Returns:
        The array (unreadable photos left white) and, per index of an unreadable photo, why.
    """
    pixels = np.full((len(paths), size, size, 3), 255, dtype=np.uint8)
    errors: dict[int, str] = {}
    decode = partial(_decode, size=size)
    if workers > 1:
        # spawn, not fork: forking a process whose torch/OpenMP threads are running corrupts it
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
            results = pool.map(decode, paths, chunksize=64)
            _collect(results, pixels, errors, len(paths), progress)
    else:
        _collect(map(decode, paths), pixels, errors, len(paths), progress)
    return pixels, errors


def _collect(
    results: Iterable[NDArray[np.uint8] | str],
    pixels: NDArray[np.uint8],
    errors: dict[int, str],
    total: int,
    progress: Progress | None,
) -> None:
    for index, result in enumerate(results):
        if isinstance(result, str):
            errors[index] = result
        else:
            pixels[index] = result
        if progress is not None and (index + 1) % 256 == 0:
            progress(index + 1, total)
    if progress is not None:
        progress(total, total)


def cached_photos(
    paths: Sequence[Path], size: int, cache_file: Path, workers: int = 1
) -> tuple[NDArray[np.uint8], dict[int, str]]:
    """Like :func:`decode_photos`, reusing ``cache_file`` when it matches ``paths`` and ``size``."""
    key_file = cache_file.with_suffix(".paths.txt")
    key = f"{size}\n" + "\n".join(str(p) for p in paths)
    if cache_file.exists() and key_file.exists() and key_file.read_text() == key:
        return np.load(cache_file), {}
    pixels, errors = decode_photos(paths, size, workers)
    cache_file.parent.mkdir(parents=True, exist_ok=True)
    np.save(cache_file, pixels)
    key_file.write_text(key)
    return pixels, errors
