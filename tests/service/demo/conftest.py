"""One tiny demo world shared by the tests of this folder (generating it takes about a second)."""

from __future__ import annotations

import pytest
from demo_world import TINY, World

from service.demo import generate_world


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    path = tmp_path_factory.mktemp("demo-world")
    return World(TINY, path, generate_world(TINY, path))
