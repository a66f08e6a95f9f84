from __future__ import annotations

from datetime import date

import pytest

from service.demo import DemoConfig


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("seed", -1, "seed must be non-negative"),
        ("n_styles", 0, "n_styles must be at least 1"),
        ("n_shoppers", 0, "n_shoppers must be at least 1"),
        ("days", 0, "days must be at least 1"),
        ("image_size", (8, 8), "image_size must be at least 16x16"),
        ("jpeg_quality", 101, "jpeg_quality must be in 1..100"),
        ("workers", 0, "workers must be at least 1"),
    ],
)
def test_rejects_settings_out_of_range(field: str, value: object, message: str) -> None:
    with pytest.raises(ValueError, match=f"DemoConfig: {message}"):
        DemoConfig(**{field: value})  # type: ignore[arg-type]


def test_defaults_describe_a_year_of_a_mid_size_retailer() -> None:
    config = DemoConfig()
    assert (config.n_styles, config.n_shoppers, config.days) == (900, 800, 365)
    assert config.image_size == (128, 192)
    assert config.to_dict()["start"] == date(2024, 1, 1).isoformat()


def test_streams_are_reproducible_and_independent() -> None:
    config = DemoConfig(seed=3)
    assert config.rng("a", 1).random() == config.rng("a", 1).random()
    assert config.rng("a", 1).random() != config.rng("a", 2).random()
    assert config.rng("a").random() != config.rng("b").random()
