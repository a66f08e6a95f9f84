from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path

from service.demo import DemoConfig, generate_world
from service.demo.catalogue import build_catalogue
from service.demo.photos import write_photos

SMALL = DemoConfig(seed=21, n_styles=10, n_shoppers=25, days=120)


def _hashes(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_the_same_config_gives_byte_identical_files(tmp_path: Path) -> None:
    first = generate_world(SMALL, tmp_path / "first")
    second = generate_world(SMALL, tmp_path / "second")
    hashes = _hashes(tmp_path / "first")
    assert first == second
    assert hashes == _hashes(tmp_path / "second")
    assert {"items.csv", "manufacturer.csv", "customers.csv", "interactions.csv"} <= set(hashes)
    assert {"world.json", "ground_truth/articles.csv", "ground_truth/shoppers.json"} <= set(hashes)


def test_another_seed_gives_another_world(tmp_path: Path) -> None:
    generate_world(SMALL, tmp_path / "first")
    other = DemoConfig(seed=22, n_styles=10, n_shoppers=25, days=120, images=False)
    generate_world(other, tmp_path / "other")
    first, second = _hashes(tmp_path / "first"), _hashes(tmp_path / "other")
    for name in ("items.csv", "manufacturer.csv", "customers.csv", "interactions.csv"):
        assert first[name] != second[name]
    assert not (tmp_path / "other" / "images").exists()


def test_photos_do_not_depend_on_the_number_of_processes(tmp_path: Path) -> None:
    config = DemoConfig(seed=4, n_styles=20, n_shoppers=1)
    catalogue = build_catalogue(config)
    assert len(catalogue.articles) > 50  # more than one batch, so that both processes draw
    alone = write_photos(config, catalogue, tmp_path / "alone")
    shared = write_photos(replace(config, workers=2), catalogue, tmp_path / "shared")
    assert alone == shared == len(catalogue.articles)
    assert _hashes(tmp_path / "alone") == _hashes(tmp_path / "shared")
