"""The knobs of a synthetic demo world: how big it is, how long it runs, and its seed."""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np


@dataclass(frozen=True)
class DemoConfig:
    """Settings of one synthetic retailer; the same settings always give the same world.

    Raises:
        ValueError: A setting is out of range (the message names ``DemoConfig``).
    """

    seed: int = 20240101
    """Root of every random stream; two worlds with the same seed and settings are identical."""
    n_styles: int = 900
    """Product styles; each has 1–6 colourway articles (about 3.4 on average)."""
    n_shoppers: int = 800
    """Shoppers simulated over the period."""
    start: date = date(2024, 1, 1)
    """First day of the simulated period."""
    days: int = 365
    """Length of the simulated period in days."""
    image_size: tuple[int, int] = (128, 192)
    """Product photo size as (width, height) in pixels."""
    jpeg_quality: int = 90
    """JPEG quality of the product photos."""
    images: bool = True
    """Whether to render product photos (tests of the events can skip them)."""
    workers: int = 1
    """Processes drawing photos. The photos do not depend on it; see :mod:`service.demo.photos`."""

    def __post_init__(self) -> None:
        if self.seed < 0:
            raise ValueError(f"DemoConfig: seed must be non-negative, got {self.seed}")
        if self.n_styles < 1:
            raise ValueError(f"DemoConfig: n_styles must be at least 1, got {self.n_styles}")
        if self.n_shoppers < 1:
            raise ValueError(f"DemoConfig: n_shoppers must be at least 1, got {self.n_shoppers}")
        if self.days < 1:
            raise ValueError(f"DemoConfig: days must be at least 1, got {self.days}")
        width, height = self.image_size
        if width < 16 or height < 16:
            raise ValueError(f"DemoConfig: image_size must be at least 16x16, got {width}x{height}")
        if self.workers < 1:
            raise ValueError(f"DemoConfig: workers must be at least 1, got {self.workers}")
        if not 1 <= self.jpeg_quality <= 100:
            raise ValueError(f"DemoConfig: jpeg_quality must be in 1..100, got {self.jpeg_quality}")

    def to_dict(self) -> dict[str, Any]:
        """The settings as JSON-ready values."""
        return {
            "seed": self.seed,
            "n_styles": self.n_styles,
            "n_shoppers": self.n_shoppers,
            "start": self.start.isoformat(),
            "days": self.days,
            "image_size": list(self.image_size),
            "jpeg_quality": self.jpeg_quality,
            "images": self.images,
        }

    def rng(self, stream: str, *keys: int) -> np.random.Generator:
        """An independent random generator for one named stream (and optional sub-keys).

        Each part of the world draws from its own stream, so adding draws to one part (say,
        the shoppers) never changes another (say, the catalogue). Sub-keys give one generator
        per article or shopper, which keeps results independent of processing order.
        """
        return np.random.default_rng(np.random.SeedSequence(self.entropy(stream, *keys)))

    def entropy(self, stream: str, *keys: int) -> tuple[int, ...]:
        """The seed material of :meth:`rng`, small enough to send to a worker process."""
        # crc32, not hash(): str hashes are salted per process and would break reproducibility.
        return (self.seed, zlib.crc32(stream.encode()), *keys)
