"""Product photos for a whole catalogue: ``images/<article_id>.jpg``.

Every photo depends only on its own seeds, so one photo can be redrawn alone (as the tests do)
and comes out the same, whichever process draws it.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from itertools import repeat
from pathlib import Path

from service.demo.catalogue import Article, Catalogue
from service.demo.config import DemoConfig
from service.demo.render import PhotoSpec, render

_BATCH = 50  # photos per task: few enough tasks to be cheap, enough to share out evenly


def photo_spec(config: DemoConfig, article: Article) -> PhotoSpec:
    """What the photo of ``article`` shows, and the seeds that frame it."""
    style = article.style
    second = article.pattern_colour
    return PhotoSpec(
        category=style.category.name,
        sleeve=style.sleeve,
        neckline=style.neckline,
        pattern=style.pattern,
        material=style.material,
        colour=article.colour.rgb,
        pattern_colour=second.rgb if second else None,
        style_entropy=config.entropy("photo-style", style.number),
        shot_entropy=config.entropy("photo-shot", style.number, article.colourway),
    )


def photo_path(folder: Path, article_id: str) -> Path:
    """Where the photo of an article is written."""
    return folder / f"{article_id}.jpg"


def write_photos(
    config: DemoConfig,
    catalogue: Catalogue,
    folder: Path,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Render and save every article's photo; return how many were written.

    A photo takes about 5 ms, so one process draws the default world's 3,000 photos in some
    15 s. With ``config.workers`` above 1, batches of photos go to that many processes. They
    are started with *spawn*: forking a process that runs threads (a progress display, a web
    server) can deadlock, and spawn only asks that a script calling this from its top level
    guard that code with ``if __name__ == "__main__":``, as console scripts and pytest do.
    Threads would not help: the time goes mostly to Python between small C calls.

    Args:
        config: Image size, JPEG quality, seed and number of processes.
        catalogue: The articles to photograph.
        folder: The ``images`` folder (created if needed).
        progress: Called with ``(photos done, photos)`` after each batch.
    """
    folder.mkdir(parents=True, exist_ok=True)
    jobs = [(photo_spec(config, a), photo_path(folder, a.article_id)) for a in catalogue.articles]
    batches = [jobs[i : i + _BATCH] for i in range(0, len(jobs), _BATCH)]
    size, quality = config.image_size, config.jpeg_quality
    done = 0
    if config.workers == 1 or len(batches) < 2:
        counts: Iterable[int] = (_render_batch(b, size, quality) for b in batches)
        for count in counts:
            done += count
            if progress is not None:
                progress(done, len(jobs))
        return done
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(config.workers, mp_context=context) as pool:
        for count in pool.map(_render_batch, batches, repeat(size), repeat(quality)):
            done += count
            if progress is not None:
                progress(done, len(jobs))
    return done


def _render_batch(
    batch: Sequence[tuple[PhotoSpec, Path]], size: tuple[int, int], quality: int
) -> int:
    for spec, path in batch:
        render(spec, size).image.save(path, "JPEG", quality=quality)
    return len(batch)
