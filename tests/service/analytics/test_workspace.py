from __future__ import annotations

from pathlib import Path

import pytest

from service.analytics.workspace import is_hm_folder, open_workspace
from service.errors import ConfigurationError


@pytest.fixture
def home(tmp_path: Path) -> Path:
    (tmp_path / "catalogue.db").touch()
    return tmp_path


def test_demo_world_by_default(home: Path) -> None:
    workspace = open_workspace({"ATELIER_HOME": str(home)})
    assert workspace.kind == "demo"
    assert workspace.home == home
    assert workspace.demo_world == home / "demo-world"
    assert "demo world" in workspace.describe()


def test_hm_when_atelier_data_points_at_it(home: Path, tmp_path: Path) -> None:
    data = tmp_path / "hm"
    data.mkdir()
    (data / "articles.parquet").touch()
    (data / "transactions.csv").touch()
    workspace = open_workspace({"ATELIER_HOME": str(home), "ATELIER_DATA": str(data)})
    assert workspace.kind == "hm"
    assert workspace.data == data


def test_a_folder_without_transactions_is_not_hm(tmp_path: Path) -> None:
    (tmp_path / "articles.csv").touch()
    assert not is_hm_folder(tmp_path)


def test_atelier_data_that_is_not_hm_is_refused(home: Path, tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="not an H&M folder"):
        open_workspace({"ATELIER_HOME": str(home), "ATELIER_DATA": str(tmp_path / "nope")})


def test_a_home_without_a_store_says_how_to_build_one(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="atelier demo --no-serve"):
        open_workspace({"ATELIER_HOME": str(tmp_path / "empty")})
