from __future__ import annotations

import stat
from pathlib import Path

from service.cli.serve import local_key, with_api_key
from service.settings import Settings


def test_a_local_key_is_created_once_owner_only(tmp_path: Path) -> None:
    first = local_key(tmp_path)
    second = local_key(tmp_path)

    assert first == second and len(first) >= 24
    assert stat.S_IMODE((tmp_path / "api-key").stat().st_mode) == 0o600


def test_configured_keys_win_over_the_local_one(tmp_path: Path) -> None:
    settings = Settings(atelier_home=tmp_path, atelier_api_keys=("mine",))

    assert with_api_key(settings).atelier_api_keys == ("mine",)
    assert not (tmp_path / "api-key").exists()


def test_without_keys_serving_uses_the_local_key(tmp_path: Path) -> None:
    resolved = with_api_key(Settings(atelier_home=tmp_path))

    assert resolved.atelier_api_keys == (local_key(tmp_path),)
