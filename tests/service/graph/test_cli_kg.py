"""``atelier kg``: build, query (every output format), validate, export and one-line errors."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from ingest_samples import HM_ARTICLES, write


def atelier(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ATELIER_HOME": str(home), "COLUMNS": "200"}
    env.pop("DATABASE_URL", None)
    env.pop("SPARQL_QUERY_URL", None)
    return subprocess.run(
        [sys.executable, "-c", "from service.cli import main; main()", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store with the H&M sample ingested and its graph built."""
    home = tmp_path_factory.mktemp("home")
    folder = home / "hm"
    folder.mkdir()
    write(folder / "articles.csv", HM_ARTICLES)
    assert atelier("ingest", "hm", str(folder), home=home).returncode == 0
    built = atelier("kg", "build", home=home)
    assert built.returncode == 0, built.stderr
    assert "statements" in built.stdout
    return home


def test_query_prints_csv_json_and_tables(home: Path) -> None:
    query = "SELECT ?id WHERE { ?a <https://schema.org/productID> ?id } ORDER BY ?id"
    as_csv = atelier("kg", "query", query, "--format", "csv", home=home)
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert rows and all(row["id"] for row in rows)
    as_json = json.loads(atelier("kg", "query", query, "--format", "json", home=home).stdout)
    assert [row["id"] for row in as_json] == [row["id"] for row in rows]
    table = atelier("kg", "query", "mapping-coverage", home=home)
    assert "hm product_type_name" in table.stdout


def test_bundled_queries_take_bindings(home: Path) -> None:
    result = atelier(
        "kg", "query", "complements", "--bind", "category=jeans", "--format", "json", home=home
    )
    complements = {row["complement"] for row in json.loads(result.stdout)}
    assert complements == {"t-shirt", "shirt", "sneakers", "boots"}


def test_validate_and_export(home: Path, tmp_path: Path) -> None:
    validated = atelier("kg", "validate", home=home)
    assert validated.returncode == 0 and "conforms" in validated.stdout
    target = tmp_path / "graph.nq"
    assert (
        atelier("kg", "export", "--format", "nquads", "--out", str(target), home=home).returncode
        == 0
    )
    assert "<https://w3id.org/atelier/graph/retailer/hm>" in target.read_text()


def test_a_bad_query_is_one_line_and_exit_1(home: Path) -> None:
    result = atelier("kg", "query", "SELEC ?x WHERE {}", home=home)
    assert result.returncode == 1
    assert result.stderr.startswith("error:") and "Traceback" not in result.stderr
