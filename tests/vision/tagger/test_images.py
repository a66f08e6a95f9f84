"""Reading untrusted files: good photos decode, every kind of bad file is refused with a reason."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from vision.tagger.images import ImageError, read_image, square


def test_reads_rgb_and_grayscale(tmp_path: Path) -> None:
    Image.fromarray(np.full((40, 50, 3), 10, np.uint8)).save(tmp_path / "a.png")
    Image.fromarray(np.full((40, 50), 200, np.uint8)).save(tmp_path / "b.png")

    assert read_image(tmp_path / "a.png").shape == (40, 50, 3)
    assert read_image(tmp_path / "b.png")[0, 0].tolist() == [200, 200, 200]


@pytest.mark.parametrize(
    ("kind", "reason"),
    [
        ("corrupt", "not a readable image"),
        ("truncated", "not a readable image"),
        ("text", "not a readable image"),
        ("cmyk", "mode CMYK"),
        ("16bit", "mode I;16"),
        ("alpha", "mode RGBA"),
        ("tiny", "too small"),
        ("bomb", "too large"),
    ],
)
def test_refuses_bad_files(bad_files: dict[str, Path], kind: str, reason: str) -> None:
    with pytest.raises(ImageError, match=reason.replace(";", ";")):
        read_image(bad_files[kind])


def test_square_pads_on_white_and_keeps_the_whole_garment() -> None:
    tall = np.zeros((100, 50, 3), np.uint8)

    squared = square(tall, 20)

    assert squared.shape == (20, 20, 3)
    assert squared[10, 0].tolist() == [255, 255, 255]  # padding at the sides
    assert squared[0, 10].tolist() == [0, 0, 0]  # top of the garment kept
