"""bench/world.py: an H&M-format world of any size, drawn from the shared data's marginals."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import pandas as pd
import pytest
from bench_scripts import load_bench_script

from service.ingest import run_ingest
from service.ingest.hm import ingest_hm
from service.store import create_store_engine
from service.store.summary import summarise

pytestmark = pytest.mark.realdata


def load_world() -> ModuleType:
    return load_bench_script("world")


@pytest.fixture(scope="module")
def world(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:  # type: ignore[type-arg]
    out = tmp_path_factory.mktemp("world")
    figures = load_world().generate(shared_data / "hm", out, transactions=20_000, customers=2_000)
    return out, figures


def test_a_small_world_has_the_asked_size_and_the_samples_shape(world) -> None:  # type: ignore[no-untyped-def]
    out, figures = world
    rows = pd.read_csv(out / "transactions_train.csv", dtype={"article_id": str})
    customers = pd.read_csv(out / "customers.csv")

    assert abs(len(rows) - 20_000) < 1_000 and figures["rows"] == len(rows)
    assert len(customers) == 2_000 and customers["customer_id"].is_unique
    assert set(rows["customer_id"]) <= set(customers["customer_id"])
    assert rows["article_id"].str.len().eq(10).all()
    assert rows["t_dat"].is_monotonic_increasing  # by day, as H&M's file
    assert 0.05 < figures["repeat_share"] < 0.25  # the sample's 13% of purchases are repeats
    assert 2.5 < rows.groupby(["customer_id", "t_dat"]).size().mean() < 5  # baskets of ~3.6
    assert set(rows["sales_channel_id"]) == {1, 2}


def test_the_same_seed_gives_the_same_world(world, shared_data: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out, _ = world
    load_world().generate(shared_data / "hm", tmp_path, transactions=20_000, customers=2_000)

    for name in ("transactions_train.csv", "customers.csv"):
        assert (tmp_path / name).read_bytes() == (out / name).read_bytes()


def test_atelier_ingests_the_world(world, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out, figures = world
    engine = create_store_engine(f"sqlite:///{tmp_path / 'store.db'}")

    run_ingest(engine, "hm", {"folder": str(out)}, lambda c: ingest_hm(c, out))

    summary = summarise(engine)
    assert summary.articles == 105_542
    assert summary.events == figures["rows"]
