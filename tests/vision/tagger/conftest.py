"""Synthetic labelled product photos: shapes tell the category, stripes tell the pattern."""

from __future__ import annotations

import zlib
from pathlib import Path

import numpy as np
import pytest
from numpy.typing import NDArray
from PIL import Image

from vision.tagger.dataset import LabelledPhoto

COLOURS = [(200, 30, 30), (30, 60, 160), (40, 140, 60), (20, 20, 20)]


def draw(
    category: str, striped: bool, colour: tuple[int, int, int], seed: int
) -> NDArray[np.uint8]:
    """A 64×96 photo on white: a wide block for a top, a tall narrow one for trousers."""
    rng = np.random.default_rng(seed)
    photo = np.full((96, 64, 3), 255, np.uint8)
    dy, dx = rng.integers(-4, 5, 2)
    top, bottom, left, right = (20, 60, 6, 58) if category == "top" else (10, 90, 20, 44)
    region = photo[top + dy : bottom + dy, left + dx : right + dx]
    region[:] = colour
    if striped:
        region[::6] = 250
        region[1::6] = 250
    noise = rng.integers(-8, 9, photo.shape)
    return np.clip(photo.astype(int) + noise, 0, 255).astype(np.uint8)


def make_photos(folder: Path, n: int) -> list[LabelledPhoto]:
    """``n`` photos, three colourways per style, with category and pattern labels."""
    folder.mkdir(parents=True, exist_ok=True)
    photos = []
    for i in range(n):
        style = i // 3
        category = "top" if style % 2 == 0 else "trousers"
        striped = (style // 2) % 2 == 1
        path = folder / f"p{i:04d}.png"
        Image.fromarray(draw(category, striped, COLOURS[i % 4], i)).save(path)
        labels = {"category": (category,), "pattern": ("striped" if striped else "solid",)}
        photos.append(LabelledPhoto(path, f"s{style}", labels))
    return photos


@pytest.fixture(scope="session")
def synthetic_photos(tmp_path_factory: pytest.TempPathFactory) -> list[LabelledPhoto]:
    """240 labelled photos (80 styles) on disk."""
    return make_photos(tmp_path_factory.mktemp("photos"), 240)


def png_claiming(path: Path, width: int, height: int) -> None:
    """A valid tiny PNG whose header claims ``width × height`` (a decompression bomb)."""
    Image.new("L", (8, 8)).save(path)
    data = bytearray(path.read_bytes())
    ihdr = 8 + 8  # signature, then chunk length and type
    data[ihdr : ihdr + 4] = width.to_bytes(4, "big")
    data[ihdr + 4 : ihdr + 8] = height.to_bytes(4, "big")
    crc = zlib.crc32(bytes(data[ihdr - 4 : ihdr + 13]))
    data[ihdr + 13 : ihdr + 17] = crc.to_bytes(4, "big")
    path.write_bytes(bytes(data))


@pytest.fixture
def bad_files(tmp_path: Path) -> dict[str, Path]:
    """One file of each kind the tagger must refuse, by kind."""
    rgb = np.full((64, 64, 3), 128, np.uint8)
    files = {name: tmp_path / f"{name}.{ext}" for name, ext in (
        ("corrupt", "jpg"), ("truncated", "jpg"), ("text", "jpg"), ("cmyk", "jpg"),
        ("16bit", "png"), ("alpha", "png"), ("tiny", "png"), ("bomb", "png"),
    )}  # fmt: skip
    files["corrupt"].write_bytes(b"\xff\xd8\xff\xe0" + bytes(range(256)) * 4)
    Image.fromarray(rgb).save(tmp_path / "whole.jpg")
    whole = (tmp_path / "whole.jpg").read_bytes()
    files["truncated"].write_bytes(whole[: len(whole) // 2])
    files["text"].write_text("not an image at all\n")
    Image.fromarray(rgb).convert("CMYK").save(files["cmyk"])
    Image.fromarray(np.full((64, 64), 40000, np.uint16)).save(files["16bit"])
    Image.fromarray(np.full((64, 64, 4), 200, np.uint8), "RGBA").save(files["alpha"])
    Image.fromarray(rgb[:8, :8]).save(files["tiny"])
    png_claiming(files["bomb"], 20_000, 20_000)
    return files
