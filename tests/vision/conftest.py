"""Fixtures of the vision tests: synthetic photos with known colours, a seeded generator."""

from __future__ import annotations

import numpy as np
import pytest
from synthetic_photos import SyntheticPhotos


@pytest.fixture
def synth() -> type[SyntheticPhotos]:
    """Synthetic photo helpers."""
    return SyntheticPhotos


@pytest.fixture
def rng() -> np.random.Generator:
    """Seeded random generator."""
    return np.random.default_rng(7)
