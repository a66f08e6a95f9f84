"""Benchmark of the colour pipeline on the shared real data (Myntra and H&M product photos).

Measures colour-extraction throughput (photos/s, JPEG decoding included) in one process and in a
process pool, and how often the basic term of the dominant colour agrees with the catalogue's own
colour label (mapped with :mod:`vision.catalogue_labels`; ambiguous labels are excluded and
counted). Prints a Markdown table.

With ``--tagger`` it benchmarks the attribute tagger instead: trains on a by-style split of
Myntra (and H&M), reports masterCategory / subCategory / articleType / gender top-1 on the held-out
test styles (sub- and masterCategory follow from the predicted articleType through the catalogue's
own hierarchy), H&M pattern macro F1, training time, inference photos/s at the training
resolution, and what each long-tail weighting does to the rarest 20% of articleTypes.

Usage::

    .venv/bin/python bench/vision.py                # everything (≈ 15,600 photos)
    .venv/bin/python bench/vision.py --tagger --json /tmp/tagger.json
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

import json

import numpy as np

from vision.catalogue_labels import basic_term_of_label
from vision.color_taxonomy import BASIC_TERMS
from vision.colors import (
    ColorExtractionConfig,
    garment_palette,
    isolate_garment,
    learned_basic,
    name_palette,
)
from vision.skin import skin_mask
from vision.tagger.dataset import LabelledPhoto as TaggerPhoto
from vision.tagger.dataset import SplitConfig, split_by_style, split_of
from vision.tagger.net import NetConfig
from vision.tagger.pipeline import TrainedTagger

DEFAULT_DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"


@dataclass(frozen=True)
class LabelledPhoto:
    """A photo with the catalogue's colour label(s) for it and its style."""

    path: Path
    labels: dict[str, str]
    style: str = ""

    @property
    def held_out(self) -> bool:
        """Whether the photo's style is a test style of the colour namer's split."""
        return split_of(self.style, SplitConfig()) == "test"


@dataclass(frozen=True)
class Prediction:
    """What the pipeline said about one photo."""

    path: Path
    basic: str
    table: str
    name: str
    hex: str
    share: float
    palette: str
    skin: float = 0.0  # share of the garment mask that is skin-coloured

    @property
    def worn(self) -> bool:
        """Whether the photo shows the garment worn (see :data:`WORN_SKIN_SHARE`)."""
        return self.skin >= WORN_SKIN_SHARE


#: A photo whose garment mask is at least this share skin-coloured shows a person wearing the
#: garment (arms, neck, legs inside the outline). Skin-coloured garments (nude, beige) fall in
#: too, which is why the cut is reported with its size and both sides of it.
WORN_SKIN_SHARE = 0.05


def myntra_photos(data: Path) -> list[LabelledPhoto]:
    """Myntra photos present on disk, labelled with ``baseColour``."""
    styles = pd.read_csv(data / "myntra" / "styles.csv", on_bad_lines="skip")
    styles = styles.dropna(subset=["id", "baseColour"])
    by_id = dict(zip(styles["id"].astype(int), styles["baseColour"], strict=True))
    photos = []
    for path in sorted((data / "myntra" / "images").glob("*.jpg")):
        label = by_id.get(int(path.stem))
        if isinstance(label, str):
            photos.append(LabelledPhoto(path, {"baseColour": label}, f"myntra:{path.stem}"))
    return photos


def hm_photos(data: Path) -> list[LabelledPhoto]:
    """H&M photos present on disk, labelled with both colour columns."""
    articles = pd.read_parquet(
        data / "hm" / "articles.parquet",
        columns=["article_id", "product_code", "colour_group_name", "perceived_colour_master_name"],
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
                    f"hm:{row['product_code']}",
                )
            )
    return photos


def _init_worker() -> None:
    cv2.setNumThreads(1)  # one core per process; OpenCV's own threads would oversubscribe


def predict(path: Path) -> Prediction:
    """Dominant colour of one photo file: its basic term as served (the learned namer's when
    one is installed) and the ISCC-NBS table's. The same steps as ``extract_colors``.
    """
    config = ColorExtractionConfig()
    with Image.open(path) as image:
        garment = isolate_garment(image, config)
    palette = garment_palette(garment, 5, config)
    table = name_palette(palette)
    colors = learned_basic(garment, palette, table, config)
    top = colors[0]
    shares = " ".join(f"{c.basic}:{c.share:.2f}" for c in colors)
    skin = float((skin_mask(garment.lab) & garment.mask).sum() / max(1, garment.mask.sum()))
    return Prediction(path, top.basic, table[0].basic, top.name, top.hex, top.share, shares, skin)


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
    photos: Sequence[LabelledPhoto],
    predictions: Sequence[Prediction],
    column: str,
    table: bool = False,
) -> tuple[int, int, int, Counter[tuple[str, str]]]:
    """(agreeing, evaluated, excluded, label→predicted counts) for one label column; of the
    basic term as served, or of the ISCC-NBS table's (``table``).
    """
    hits = evaluated = excluded = 0
    counts: Counter[tuple[str, str]] = Counter()
    for photo, prediction in zip(photos, predictions, strict=True):
        expected = basic_term_of_label(photo.labels[column])
        if expected is None:
            excluded += 1
            continue
        evaluated += 1
        guess = prediction.table if table else prediction.basic
        hits += guess == expected
        counts[(expected, guess)] += 1
    return hits, evaluated, excluded, counts


def _worn_cut(
    name: str, column: str, photos: Sequence[LabelledPhoto], predictions: Sequence[Prediction]
) -> list[str]:
    """Held-out agreement on worn photos (a person in the garment) and on the others."""
    rows = []
    for worn in (True, False):
        picked = [i for i, p in enumerate(predictions) if p.worn == worn]
        for table in (False, True):
            hits, evaluated, _, _ = agreement(
                [photos[i] for i in picked], [predictions[i] for i in picked], column, table
            )
            rate = hits / evaluated if evaluated else float("nan")
            what = "worn" if worn else "not worn"
            cut = "≥" if worn else "<"
            how = "ISCC-NBS table" if table else "as served"
            rows.append(
                f"| {name} `{column}` agreement, held-out styles, {what} "
                f"(skin {cut} {WORN_SKIN_SHARE:.0%} of the mask: {len(picked)} photos), {how} "
                f"| {rate:.1%} ({hits}/{evaluated}) |"
            )
    return rows


def confusion_table(counts: Counter[tuple[str, str]]) -> list[str]:
    """A Markdown confusion table: the label's basic term per row, the predicted per column."""
    terms = [t for t in BASIC_TERMS if any(t in pair for pair in counts)]
    lines = ["| label \\ predicted | " + " | ".join(terms) + " | agreement |"]
    lines.append("|---|" + "---:|" * (len(terms) + 1))
    for label in terms:
        row = [counts.get((label, guess), 0) for guess in terms]
        total = sum(row)
        share = f"{counts.get((label, label), 0) / total:.0%}" if total else "-"
        lines.append(f"| {label} | " + " | ".join(map(str, row)) + f" | {share} |")
    return lines


def _write_predictions(
    path: Path, photos: Iterable[LabelledPhoto], predictions: Iterable[Prediction]
) -> None:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["path", "labels", "basic", "table", "name", "hex", "share", "palette", "skin"]
        )
        for photo, p in zip(photos, predictions, strict=True):
            labels = "|".join(photo.labels.values())
            writer.writerow(
                [p.path, labels, p.basic, p.table, p.name, p.hex, f"{p.share:.3f}", p.palette,
                 f"{p.skin:.3f}"]
            )  # fmt: skip


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
        predictions = all_predictions[name]
        held = [i for i, p in enumerate(photos) if p.held_out]
        held_photos, held_predictions = [photos[i] for i in held], [predictions[i] for i in held]
        for column in photos[0].labels if photos else []:
            for what, sample, preds, table in (
                ("as served, held-out styles", held_photos, held_predictions, False),
                ("ISCC-NBS table, held-out styles", held_photos, held_predictions, True),
                ("as served, every photo (the namer trained on most)", photos, predictions, False),
                ("ISCC-NBS table, every photo", photos, predictions, True),
            ):
                hits, evaluated, excluded, counts = agreement(sample, preds, column, table)
                rate = hits / evaluated if evaluated else float("nan")
                rows.append(
                    f"| {name} `{column}` agreement, {what} | {rate:.1%} ({hits}/{evaluated}; "
                    f"{excluded} ambiguous labels excluded) |"
                )
                if what.startswith("as served, held-out"):
                    confusion_lines.append(f"\n{name} `{column}`, held-out styles, as served:\n")
                    confusion_lines += confusion_table(counts)
            rows += _worn_cut(name, column, held_photos, held_predictions)
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


# --------------------------------------------------------------------------- attribute tagger


def _myntra_hierarchy(
    data: Path, photos: Sequence[TaggerPhoto], train: Sequence[int]
) -> dict[str, tuple[str, str]]:
    """Platform category -> (subCategory, masterCategory), the majority over training photos."""
    styles = pd.read_csv(data / "myntra" / "styles.csv", on_bad_lines="skip", dtype=str)
    raw = styles.set_index("id")[["subCategory", "masterCategory"]].to_dict("index")
    votes: dict[str, Counter[tuple[str, str]]] = {}
    for i in train:
        category = photos[i].labels.get("category", ("",))[0]
        row = raw[photos[i].path.stem]
        votes.setdefault(category, Counter())[(row["subCategory"], row["masterCategory"])] += 1
    return {category: counter.most_common(1)[0][0] for category, counter in votes.items()}


def _hierarchy_top1(
    data: Path, photos: Sequence[TaggerPhoto], result: TrainedTagger, train: Sequence[int]
) -> dict[str, float]:
    """Top-1 of subCategory and masterCategory, as implied by the predicted articleType."""
    hierarchy = _myntra_hierarchy(data, photos, train)
    styles = pd.read_csv(data / "myntra" / "styles.csv", on_bad_lines="skip", dtype=str)
    raw = styles.set_index("id")[["subCategory", "masterCategory"]].to_dict("index")
    labels = result.card.vocabulary.labels("category")
    predicted = result.test_scores["category"].argmax(1)
    hits = {"subCategory": 0, "masterCategory": 0}
    for index, p in zip(result.test_indices, predicted, strict=True):
        sub, master = hierarchy.get(labels[p], ("?", "?"))
        row = raw[photos[index].path.stem]
        hits["subCategory"] += sub == row["subCategory"]
        hits["masterCategory"] += master == row["masterCategory"]
    return {k: v / len(result.test_indices) for k, v in hits.items()}


def _rare_labels(
    result: TrainedTagger, photos: Sequence[TaggerPhoto], train: Sequence[int]
) -> dict[str, float]:
    """Recall and F1 (top-1) on the rarest 20% of categories present in the test split."""
    from vision.metrics import confusion_matrix

    labels = result.card.vocabulary.labels("category")
    index = {label: i for i, label in enumerate(labels)}
    counts = Counter(photos[i].labels.get("category", ("",))[0] for i in train)
    y = np.array(
        [index.get(photos[i].labels.get("category", ("",))[0], -1) for i in result.test_indices]
    )
    known = y >= 0
    predicted = result.test_scores["category"].argmax(1)[known]
    y = y[known]
    present = sorted({int(v) for v in y}, key=lambda j: counts[labels[j]])
    rare = present[: max(1, round(0.2 * len(present)))]
    matrix = confusion_matrix(y, predicted, len(labels))
    recall = [matrix[j, j] / matrix[j].sum() for j in rare]
    f1 = [2 * matrix[j, j] / (matrix[j].sum() + matrix[:, j].sum()) for j in rare]
    return {
        "rare_labels": len(rare),
        "rare_train_photos_max": counts[labels[rare[-1]]],
        "rare_recall": float(np.mean(recall)),
        "rare_f1": float(np.mean(f1)),
        "rare_test_photos": int(sum(matrix[j].sum() for j in rare)),
    }


def _inference_speed(result: TrainedTagger, pixels: np.ndarray, threads: int) -> float:
    """Photos/s of the net alone on cached pixels at the training resolution."""
    import torch

    from vision.tagger.predict import Tagger

    torch.set_num_threads(threads)
    tagger = Tagger(result.net, result.card)
    batch = pixels[:2048]
    tagger.tag(batch[:256])  # warm-up
    start = time.perf_counter()
    tagger.tag(batch)
    return len(batch) / (time.perf_counter() - start)


def _train(
    name: str, photos: Sequence[TaggerPhoto], args: argparse.Namespace, weighting: str, epochs: int
) -> tuple[TrainedTagger, float]:
    import tempfile

    from vision.tagger.pipeline import TaggerRunConfig, decode, train_tagger
    from vision.tagger.train import TrainConfig
    from vision.tagger.weighting import Weighting

    config = TaggerRunConfig(
        train=TrainConfig(image_size=args.size, epochs=epochs, weighting=Weighting(weighting)),
        net=NetConfig(widths=tuple(args.widths)),
        cache_dir=args.cache,
        workers=2,
    )
    decode(photos, config, name)  # fills the cache: decoding is timed apart from training
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:

        def log(stage: str, done: int, total: int) -> None:
            elapsed = time.perf_counter() - start
            print(f"  {name} {stage} {done}/{total} {elapsed:.0f}s", file=sys.stderr, flush=True)

        result = train_tagger(photos, Path(folder), config, log, name=name)
    return result, time.perf_counter() - start


def tagger_main(argv: Sequence[str]) -> None:
    """Tagger benchmark (see the module docstring); prints Markdown, optionally writes JSON."""
    parser = argparse.ArgumentParser(description="attribute tagger benchmark")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--size", type=int, default=64)
    parser.add_argument("--epochs", type=int, default=16)
    parser.add_argument("--widths", type=int, nargs="+", default=[16, 32, 64, 128])
    parser.add_argument("--weighting", default="sqrt_inverse")
    parser.add_argument("--compare", nargs="*", default=[], help="weightings to compare")
    parser.add_argument("--compare-epochs", type=int, default=8)
    parser.add_argument("--skip-main", action="store_true")
    parser.add_argument("--linear", nargs="*", default=[], help="weightings, linear comparison")
    parser.add_argument("--skip-hm", action="store_true")
    parser.add_argument("--cache", type=Path, default=Path(tempfile_dir()), help="pixel cache")
    parser.add_argument("--json", type=Path, help="write figures here")
    args = parser.parse_args(argv)
    from vision.tagger.pipeline import TaggerRunConfig, decode
    from vision.tagger.sources import hm_photos, myntra_photos
    from vision.tagger.train import TrainConfig

    figures: dict[str, object] = {
        "cpu_cores": os.cpu_count(),
        "size": args.size,
        "widths": args.widths,
    }
    myntra = myntra_photos(args.data / "myntra")
    train_idx = split_by_style(myntra)["train"]
    if not args.skip_main:
        result, seconds = _train("myntra", myntra, args, args.weighting, args.epochs)
        report = result.report
        pixels, _ = decode(
            myntra,
            TaggerRunConfig(train=TrainConfig(image_size=args.size), cache_dir=args.cache),
            "myntra",
        )
        figures["myntra"] = {
            "weighting": args.weighting,
            "epochs": args.epochs,
            "train_seconds": seconds,
            "articleType_top1": report["category"]["top1"],
            "articleType_top5": report["category"]["top5"],
            "articleType_macro_f1": report["category"]["macro_f1"],
            "articleType_precision_at_cutoff": report["category"]["precision_at_cutoff"],
            "articleType_coverage": report["category"]["coverage"],
            "gender_top1": report["gender"]["top1"],
            "slot_top1": report["slot"]["top1"],
            "season_top1": report["season"]["top1"],
            "usage_style_map": report["style"]["map"],
            **_hierarchy_top1(args.data, myntra, result, train_idx),
            **_rare_labels(result, myntra, train_idx),
            "inference_photos_per_s": _inference_speed(result, pixels, 2),
            "test_photos": len(result.test_indices),
            "photos": result.card.metrics["photos"],
        }
        print(json.dumps(figures["myntra"], indent=1), flush=True)
    if not args.skip_hm:
        hm = hm_photos(args.data / "hm")
        result, seconds = _train("hm", hm, args, args.weighting, args.epochs)
        pattern = result.report["pattern"]
        figures["hm"] = {
            "train_seconds": seconds,
            "pattern_macro_f1_top1": pattern["macro_f1_top1"],
            "pattern_top1": pattern["top1"],
            "pattern_map": pattern["map"],
            "pattern_macro_f1_thresholded": pattern["macro_f1"],
            "category_top1": result.report["category"]["top1"],
            "test_photos": len(result.test_indices),
        }
        print(json.dumps(figures["hm"], indent=1), flush=True)
    comparison = {}
    for weighting in args.compare:
        result, seconds = _train("myntra", myntra, args, weighting, args.compare_epochs)
        comparison[weighting] = {
            "train_seconds": seconds,
            "top1": result.report["category"]["top1"],
            "macro_f1": result.report["category"]["macro_f1"],
            **_rare_labels(result, myntra, train_idx),
        }
        print(weighting, json.dumps(comparison[weighting]), flush=True)
    figures["weighting_comparison"] = comparison
    if args.linear:
        figures["linear_weighting_comparison"] = linear_comparison(myntra, args.cache, args.linear)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1))


def linear_comparison(
    photos: Sequence[TaggerPhoto], cache: Path, weightings: Sequence[str], epochs: int = 60
) -> dict[str, dict[str, float]]:
    """Long-tail weightings compared on a linear classifier over 16×16 thumbnails.

    A cheap stand-in for full CNN runs when the machine is too busy for five of them: the same
    loss and class weights (:mod:`vision.tagger.weighting`), the same split and rare-label
    measure, a model that trains in seconds.
    """
    import torch

    from vision.tagger.dataset import encode_targets
    from vision.tagger.pipeline import TaggerRunConfig, decode
    from vision.tagger.schema import Vocabulary
    from vision.tagger.train import TrainConfig
    from vision.tagger.weighting import Weighting, class_weights, single_choice_loss

    pixels, _ = decode(
        photos, TaggerRunConfig(train=TrainConfig(image_size=64), cache_dir=cache), "myntra"
    )
    thumbs = torch.nn.functional.avg_pool2d(torch.from_numpy(pixels).permute(0, 3, 1, 2).float(), 4)
    x = (thumbs.flatten(1) - 128.0) / 64.0
    splits = split_by_style(photos)
    vocabulary = Vocabulary.from_labels([photos[i].labels for i in splits["train"]], 3)
    y = torch.from_numpy(encode_targets(photos, vocabulary).single["category"])
    train, test = splits["train"], splits["test"]
    counts = np.bincount(
        y[train][y[train] >= 0].numpy(), minlength=len(vocabulary.labels("category"))
    )
    out: dict[str, dict[str, float]] = {}
    for name in weightings:
        torch.manual_seed(0)
        weighting = Weighting(name)
        weights = (
            None
            if weighting in (Weighting.NONE, Weighting.FOCAL)
            else torch.tensor(class_weights(counts, weighting), dtype=torch.float32)
        )
        model = torch.nn.Linear(x.shape[1], len(counts))
        optimiser = torch.optim.Adam(model.parameters(), lr=3e-3, weight_decay=1e-4)
        for _ in range(epochs):
            for begin in range(0, len(train), 512):
                idx = train[begin : begin + 512]
                loss = single_choice_loss(model(x[idx]), y[idx], weights, weighting)
                optimiser.zero_grad()
                loss.backward()  # type: ignore[no-untyped-call]
                optimiser.step()
        with torch.no_grad():
            scores = torch.softmax(model(x[test]), 1).numpy()
        fake = TrainedTagger(None, _Card(vocabulary), {}, {"category": scores}, test)  # type: ignore[arg-type]
        known = y[test].numpy() >= 0
        top1 = float((scores.argmax(1) == y[test].numpy())[known].mean())
        out[name] = {"top1": top1, **_rare_labels(fake, photos, train)}
        print(name, json.dumps(out[name]), flush=True)
    return out


class _Card:
    """The one card attribute :func:`_rare_labels` reads."""

    def __init__(self, vocabulary: object) -> None:
        self.vocabulary = vocabulary


def tempfile_dir() -> str:
    """A pixel-cache folder outside the repository."""
    import tempfile

    return str(Path(tempfile.gettempdir()) / "atelier-vision-cache")


if __name__ == "__main__":
    if "--tagger" in sys.argv[1:]:
        tagger_main([a for a in sys.argv[1:] if a != "--tagger"])
    else:
        main()
