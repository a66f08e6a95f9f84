"""The ``atelier`` command line: help, summaries, one-line errors and exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from ingest_samples import HM_ARTICLES, HM_TRANSACTIONS, write

from service.cli import LAZY_COMMANDS, load_command


def atelier(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ATELIER_HOME": str(home), "COLUMNS": "200"}
    env.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-c", "from service.cli import main; main()", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_help_lists_the_commands(tmp_path: Path) -> None:
    result = atelier("--help", home=tmp_path)

    assert result.returncode == 0
    for command in ("ingest", "status", "db"):
        assert command in result.stdout


def test_help_loads_no_store_and_no_data_library() -> None:
    # `atelier --help` took a second when the entry point imported pandas, SQLAlchemy and every
    # feed's reader; the commands load what they need when they run
    heavy = ("pandas", "sqlalchemy", "alembic", "pydantic", "pyarrow", "numpy")
    probe = f"import sys, service.cli; print(sorted(set(sys.modules) & set({heavy!r})))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_each_command_is_listed_with_its_own_first_help_line() -> None:
    for name in LAZY_COMMANDS:
        command = load_command(name)

        assert command.name == name
        assert LAZY_COMMANDS[name][2] == command.get_short_help_str(limit=200), name


def test_help_and_a_light_command_import_neither_torch_nor_lightgbm_nor_the_graph_store(
    tmp_path: Path,
) -> None:
    heavy = ("torch", "lightgbm", "implicit", "pyoxigraph")
    script = (
        "import sys\n"
        "from service.cli import main\n"
        "try:\n    main()\n"
        "except SystemExit:\n    pass\n"
        f"print([m for m in {heavy!r} if m in sys.modules])"
    )
    env = {**os.environ, "ATELIER_HOME": str(tmp_path)}
    env.pop("DATABASE_URL", None)

    for args in (["--help"], ["status"], ["ingest", "--help"], ["train", "--help"]):
        command = [sys.executable, "-c", script, *args]
        result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
        assert result.stdout.strip().splitlines()[-1] == "[]", (args, result.stdout[-500:])


def test_a_mistyped_command_is_a_usage_error_with_a_suggestion(tmp_path: Path) -> None:
    result = atelier("ingst", home=tmp_path)

    assert result.returncode == 2
    assert "No such command 'ingst'. Did you mean 'ingest'?" in result.stderr
    assert "unexpected" not in result.stderr


def test_a_bad_option_value_is_a_usage_error_naming_the_option(tmp_path: Path) -> None:
    result = atelier("evaluate", "--k", "twelve", home=tmp_path)

    assert result.returncode == 2
    assert "Invalid value for '--k'" in result.stderr
    assert "Usage: atelier evaluate" in result.stderr


@pytest.mark.parametrize("command", ["hm", "myntra", "items", "interactions", "customers"])
def test_every_ingest_command_has_help(tmp_path: Path, command: str) -> None:
    result = atelier("ingest", command, "--help", home=tmp_path)

    assert result.returncode == 0
    assert "--strict" in result.stdout


def test_ingest_prints_a_summary_and_status_counts(tmp_path: Path) -> None:
    folder = tmp_path / "hm"
    write(folder / "articles.csv", HM_ARTICLES)
    write(folder / "transactions.csv", HM_TRANSACTIONS)

    ingest = atelier("ingest", "hm", str(folder), home=tmp_path / "home")
    status = atelier("status", "--json", home=tmp_path / "home")

    assert ingest.returncode == 0, ingest.stderr
    assert "events" in ingest.stdout and "written" in ingest.stdout
    assert '"events": 5' in status.stdout


def test_errors_are_one_line_with_a_non_zero_exit(tmp_path: Path) -> None:
    result = atelier("ingest", "hm", str(tmp_path / "nowhere"), home=tmp_path)

    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"error: {tmp_path / 'nowhere'}: no articles.parquet or articles.csv (H&M format)"
    ]


def test_verbose_shows_the_traceback(tmp_path: Path) -> None:
    result = atelier("--verbose", "ingest", "hm", str(tmp_path), home=tmp_path)

    assert result.returncode == 1
    assert "Traceback" in result.stderr


def test_strict_failure_exits_non_zero_naming_the_line(tmp_path: Path) -> None:
    folder = tmp_path / "hm"
    write(folder / "articles.csv", HM_ARTICLES)
    write(folder / "transactions.csv", HM_TRANSACTIONS + "2020-09-09,c1,0000000001,0.1,2\n")

    result = atelier("ingest", "hm", str(folder), "--strict", home=tmp_path / "home")

    assert result.returncode == 1
    assert "transactions.csv, line 7: unknown article '0000000001'" in result.stderr
    assert "nothing stored" in result.stderr


def test_bad_database_url_is_a_clear_error(tmp_path: Path) -> None:
    env = {**os.environ, "DATABASE_URL": "mysql://x@y/z"}
    result = subprocess.run(
        [sys.executable, "-c", "from service.cli import main; main()", "status"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )

    assert result.returncode == 1
    assert "unsupported database backend 'mysql'" in result.stderr


def test_demo_generates_and_loads_a_world_idempotently(tmp_path: Path) -> None:
    args = ("demo", "--styles", "12", "--shoppers", "15", "--days", "40", "--no-serve")

    first = atelier(*args, home=tmp_path)
    second = atelier(*args, home=tmp_path)
    status = atelier("status", "--json", home=tmp_path)

    assert first.returncode == 0, first.stderr
    counts = json.loads((tmp_path / "demo-world" / "world.json").read_text())["counts"]
    summary = json.loads(status.stdout)
    assert summary["articles"] == counts["articles"] > 12
    assert summary["images"] == counts["images"]
    assert summary["events"] == sum(counts["events"].values())
    assert second.returncode == 0, second.stderr
    assert summary["ingest_runs"] == 2
    assert "Demo world (seed" in first.stdout
