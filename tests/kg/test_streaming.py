from __future__ import annotations

import threading
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.store import EmbeddedStore, GraphStoreError
from kg.streaming import LoadFailed, streamed_load

GRAPH = "<https://w3id.org/atelier/graph/test>"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


def quad(n: int) -> str:
    return f'<https://example.org/s{n}> <https://example.org/p> "{n}" {GRAPH} .\n'


def test_what_is_written_is_loaded(tmp_path: Path) -> None:
    store = ox.Store()
    with streamed_load(store, tmp_path) as handle:
        # more than the pipe and the write buffer hold: the loader reads while we write
        for n in range(50_000):
            handle.write(quad(n))
    assert len(store) == 50_000


def test_a_statement_the_loader_cannot_parse_is_reported(tmp_path: Path) -> None:
    with (
        pytest.raises(LoadFailed, match="the bulk load stopped"),
        streamed_load(ox.Store(), tmp_path) as handle,
    ):
        handle.write(quad(1))
        handle.write("this is not a statement\n")
        for n in range(200_000):  # the loader is gone: the pipe breaks under the writer
            handle.write(quad(n))


def test_an_error_of_the_writer_is_raised_once_the_loader_stopped(tmp_path: Path) -> None:
    before = threading.active_count()
    with (
        pytest.raises(ValueError, match="the writer's own"),
        streamed_load(ox.Store(), tmp_path) as handle,
    ):
        handle.write(quad(1))
        raise ValueError("the writer's own")
    assert threading.active_count() == before


class _Refuses:
    """A store whose loader fails before it opens the pipe."""

    def bulk_load(self, **_: object) -> None:
        raise OSError("no space left on device")


def test_a_loader_that_never_opens_the_pipe_does_not_leave_the_writer_waiting(
    tmp_path: Path,
) -> None:
    refuses = _Refuses()
    with (
        pytest.raises(LoadFailed, match="did not start: no space left on device"),
        streamed_load(refuses, tmp_path),  # type: ignore[arg-type]
    ):
        pass


@pytest.mark.parametrize("on_disk", [True, False], ids=["on disk", "in memory"])
def test_replacing_swaps_the_whole_store_and_keeps_it_when_the_build_fails(
    tmp_path: Path, on_disk: bool
) -> None:
    path = tmp_path / "graph"
    store = EmbeddedStore(path if on_disk else None)
    with store.replacing(tmp_path) as handle:
        handle.writelines(quad(n) for n in range(3))
    assert store.select(COUNT) == [{"n": "3"}]
    with store.replacing(tmp_path) as handle:
        handle.writelines(quad(n) for n in range(10, 15))
    assert store.select(COUNT) == [{"n": "5"}]
    with pytest.raises(RuntimeError, match="feed broke"), store.replacing(tmp_path) as handle:
        handle.write(quad(99))
        raise RuntimeError("feed broke")
    with (
        pytest.raises(GraphStoreError, match="the bulk load stopped"),
        store.replacing(tmp_path) as handle,
    ):
        handle.write("not N-Quads\n")
    # both failed builds left the last good graph, and nothing beside it
    assert store.select(COUNT) == [{"n": "5"}]
    if on_disk:
        assert sorted(p.name for p in tmp_path.iterdir()) == ["graph"]
        store.close()
        assert EmbeddedStore(path).select(COUNT) == [{"n": "5"}]


def test_where_no_pipe_can_be_made_the_statements_are_written_then_loaded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(path: object) -> None:
        raise OSError(95, "Operation not supported")

    monkeypatch.setattr("kg.streaming.os.mkfifo", refuse)
    store = ox.Store()
    with streamed_load(store, tmp_path) as handle:
        handle.writelines(quad(n) for n in range(1_000))
    assert len(store) == 1_000 and not list(tmp_path.iterdir())
    with pytest.raises(LoadFailed), streamed_load(ox.Store(), tmp_path) as handle:
        handle.write("not N-Quads\n")


def test_a_build_killed_between_its_renames_opens_the_new_graph(tmp_path: Path) -> None:
    path = tmp_path / "graph"
    store = EmbeddedStore(path)
    with store.replacing(tmp_path) as handle:
        handle.writelines(quad(n) for n in range(4))
    store.close()
    del store
    # what a kill between the two renames leaves: the old store aside, the new one beside it
    (tmp_path / "graph").rename(tmp_path / "graph.new")
    EmbeddedStore(tmp_path / "graph.old").close()
    assert EmbeddedStore(path).select(COUNT) == [{"n": "4"}]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph"]
