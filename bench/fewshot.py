"""Few-shot attribute values on new photos: learnt from ≤ 50 + ≤ 50 photos, scored on others.

Issue 14's check. A tagger trained with the defaults on the shared Myntra photos (``atelier
vision train --source myntra``; Myntra has no pattern labels, so H&M's pattern values are new to
it) learns each value with ``atelier vision fewshot`` from 50 photos showing it (all of them
for a rarer value) and 50 not, all of the H&M *training* styles (the tagger's by-style split).
It is scored on the *test* styles: every test photo showing the value and as many test photos
not showing it (drawn at random),
by AUC and, at the probe's own cut-off (chosen by cross-validation on its 100 examples),
precision and recall. Five draws of the examples per value (seeds 0-4); mean and spread.

For each value the probe is fitted twice on the same examples: as the product fits it (the
embedding and the garment's texture descriptor, :mod:`vision.texture`) and on the embedding
alone (the probe before the descriptor). One ``atelier vision fewshot`` run per value, on
folders of the first draw's photos, gives the time a user waits.

Usage::

    .venv/bin/python bench/fewshot.py                       # trains the Myntra tagger first
    .venv/bin/python bench/fewshot.py --model ~/.atelier/vision/<version>
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from vision.tagger.cache import decode_photos
from vision.tagger.checkpoint import load_checkpoint
from vision.tagger.dataset import SplitConfig, split_of
from vision.tagger.fewshot import make_probe, normalise
from vision.tagger.images import read_image
from vision.tagger.inference import embed
from vision.texture import garment_texture

DEFAULT_DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"
VALUES = ("Stripe", "Check", "All over pattern", "Denim", "Melange", "Lace", "Dot")
EXAMPLES = 50
SEEDS = 5
ATELIER = [sys.executable, "-c", "from service.cli import main; main()"]


@dataclass(frozen=True)
class Photos:
    """H&M photos with their appearance value, style split, embedding and texture."""

    paths: list[Path]
    values: np.ndarray
    split: np.ndarray
    embeddings: np.ndarray
    textures: np.ndarray


def auc(scores: np.ndarray, truth: np.ndarray) -> float:
    """Area under the ROC curve (ties share their rank)."""
    ranks = pd.Series(scores).rank().to_numpy()
    positives = int(truth.sum())
    negatives = len(truth) - positives
    return float((ranks[truth].sum() - positives * (positives + 1) / 2) / (positives * negatives))


def load_photos(data: Path, model: Path) -> Photos:
    """Every H&M photo, described once (texture in two processes, embedding in one)."""
    from concurrent.futures import ProcessPoolExecutor

    articles = pd.read_parquet(
        data / "hm" / "articles.parquet",
        columns=["article_id", "product_code", "graphical_appearance_name"],
    ).set_index("article_id")
    paths = sorted(p for p in (data / "hm" / "images").glob("*/*.jpg") if p.stem in articles.index)
    rows = articles.loc[[p.stem for p in paths]]
    split = np.array([split_of(f"hm:{code}", SplitConfig()) for code in rows["product_code"]])
    net, card = load_checkpoint(model)
    pixels, errors = decode_photos(paths, card.image_size)
    if errors:
        raise SystemExit(f"unreadable photos: {sorted(errors)[:5]}")
    with ProcessPoolExecutor(2) as pool:
        textures = np.stack(list(pool.map(_texture, paths, chunksize=32)))
    return Photos(
        paths, rows["graphical_appearance_name"].to_numpy(), split, embed(net, pixels), textures
    )


def _texture(path: Path) -> np.ndarray:
    return garment_texture(read_image(path))


def draw(photos: Photos, value: str, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Example positives and negatives from training styles, and the balanced test photos."""
    rng = np.random.default_rng(seed)
    shows = photos.values == value
    train, test = photos.split == "train", photos.split == "test"
    candidates = np.flatnonzero(shows & train)  # rare values: every training photo, if fewer
    positives = rng.choice(candidates, min(EXAMPLES, len(candidates)), replace=False)
    negatives = rng.choice(np.flatnonzero(~shows & train), EXAMPLES, replace=False)
    test_positives = np.flatnonzero(shows & test)
    test_negatives = rng.choice(np.flatnonzero(~shows & test), len(test_positives), replace=False)
    return positives, negatives, np.concatenate([test_positives, test_negatives])


def score(photos: Photos, value: str, seed: int, texture: bool) -> tuple[float, float, float]:
    """(AUC, precision, recall) of one draw's probe on the balanced test photos."""
    positives, negatives, test = draw(photos, value, seed)
    textures = (photos.textures[positives], photos.textures[negatives]) if texture else None
    probe = make_probe(
        "pattern",
        value.lower(),
        photos.embeddings[positives],
        photos.embeddings[negatives],
        textures=textures,
    )
    scores = probe.score(
        normalise(photos.embeddings[test]), photos.textures[test] if texture else None
    )
    truth = photos.values[test] == value
    flagged = scores >= probe.threshold
    precision = float(truth[flagged].mean()) if flagged.any() else float("nan")
    return auc(scores, truth), precision, float(flagged[truth].mean())


def cli_seconds(home: Path, photos: Photos, value: str, model_version: str) -> float:
    """Wall time of ``atelier vision fewshot`` on the first draw's 50 + 50 photos."""
    positives, negatives, _ = draw(photos, value, 0)
    with tempfile.TemporaryDirectory() as folder:
        for name, picked in (("pos", positives), ("neg", negatives)):
            (Path(folder) / name).mkdir()
            for i in picked:
                os.symlink(photos.paths[i], Path(folder) / name / photos.paths[i].name)
        (home / "vision" / "current").write_text(model_version)  # each value from the base
        start = time.perf_counter()
        subprocess.run(
            [*ATELIER, "vision", "fewshot", "--label", value.lower(), "--group", "pattern",
             "--images", f"{folder}/pos", "--negatives", f"{folder}/neg"],
            check=True, capture_output=True, env={**os.environ, "ATELIER_HOME": str(home)},
        )  # fmt: skip
        return time.perf_counter() - start


def train_model(home: Path, data: Path) -> Path:
    """``atelier vision train --source myntra`` with its defaults; the model's folder."""
    start = time.perf_counter()
    subprocess.run(
        [*ATELIER, "vision", "train", "--source", "myntra", "--data", str(data / "myntra")],
        check=True, capture_output=True, env={**os.environ, "ATELIER_HOME": str(home)},
    )  # fmt: skip
    version = (home / "vision" / "current").read_text().strip()
    print(f"tagger {version} trained on Myntra in {time.perf_counter() - start:.0f} s\n")
    return home / "vision" / version


def main() -> None:
    """Run the benchmark and print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="shared data folder")
    parser.add_argument("--model", type=Path, help="a tagger checkpoint folder (else trained)")
    parser.add_argument("--values", nargs="*", default=list(VALUES))
    args = parser.parse_args()
    if not (args.data / "hm" / "images").is_dir():
        parser.error(f"H&M photos not found under {args.data}")
    with tempfile.TemporaryDirectory() as scratch:
        home = Path(scratch) / "home"
        if args.model is None:
            model = train_model(home, args.data)
        else:
            model = home / "vision" / args.model.name
            model.parent.mkdir(parents=True)
            os.symlink(args.model.resolve(), model)
        start = time.perf_counter()
        photos = load_photos(args.data, model)
        print(f"{len(photos.paths)} H&M photos described in {time.perf_counter() - start:.0f} s\n")
        print("| value | test photos | probe | AUC | precision at cut-off | recall | fewshot s |")
        print("|---|---:|---|---|---|---|---:|")
        for value in args.values:
            test = int(((photos.values == value) & (photos.split == "test")).sum())
            seconds = cli_seconds(home, photos, value, model.name)
            for texture in (True, False):
                runs = np.array([score(photos, value, seed, texture) for seed in range(SEEDS)])
                mean, spread = np.nanmean(runs, 0), np.nanstd(runs, 0)
                figures = " | ".join(
                    f"{m:.3f} ± {s:.3f}" for m, s in zip(mean, spread, strict=True)
                )
                what = "embedding + texture" if texture else "embedding alone"
                timing = f"{seconds:.1f}" if texture else "-"
                print(f"| {value} | {2 * test} | {what} | {figures} | {timing} |")


if __name__ == "__main__":
    main()
