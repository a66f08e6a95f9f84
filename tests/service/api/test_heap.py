"""What a worker loads to serve is kept out of the cyclic garbage collector's walks."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from shop import KEY, publish_model

from service.api.heap import settle_heap
from service.settings import Settings


@pytest.fixture(autouse=True)
def thawed() -> Iterator[None]:
    """Each test starts and ends with nothing frozen (other tests share the process)."""
    gc.unfreeze()
    yield
    gc.unfreeze()


def _walked(thing: object) -> bool:
    """Whether the collector would walk ``thing`` in a full collection."""
    return any(o is thing for o in gc.get_objects())


class _Node:
    def __init__(self) -> None:
        self.me = self  # a reference cycle: only the collector frees it


def test_what_is_alive_when_settled_is_walked_no_more() -> None:
    cards = {str(n): {"name": f"article {n}", "colours": ["blue"]} for n in range(1_000)}
    assert _walked(cards) and _walked(cards["7"])

    frozen = settle_heap()

    assert frozen >= len(cards) and not _walked(cards) and not _walked(cards["7"])
    assert _walked(["made", "after"])


def test_young_garbage_is_collected_before_it_could_be_frozen() -> None:
    node = _Node()
    gone = weakref.ref(node)
    del node

    settle_heap()

    assert gone() is None  # a cycle frozen would never be freed


def test_the_served_model_is_settled_at_start_and_after_each_reload(
    trained: TestClient, settings: Settings
) -> None:
    resources = trained.app.state.resources  # type: ignore[attr-defined]
    gc.unfreeze()  # forget the start-up's freeze; the next swap must settle on its own
    publish_model(settings.atelier_home, "v2", model="popularity")

    assert trained.post("/admin/reload", headers=KEY).json()["changed"] is True

    assert not _walked(resources.models.loaded.model)
