"""``atelier kg``: build, query (every output format), validate, export and one-line errors."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
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
    # each step told on the terminal as it ends, in order
    told = [
        built.stderr.index(step)
        for step in (
            "statements written and bulk-loaded in",
            "complements mined",
            "colour names linked",
        )
    ]
    assert told == sorted(told), built.stderr
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


RETAILER = "https://w3id.org/atelier/graph/retailer/hm"


@pytest.mark.parametrize(
    ("output", "rdf_format"),
    [
        ("turtle", ox.RdfFormat.TURTLE),
        ("ntriples", ox.RdfFormat.N_TRIPLES),
        ("nquads", ox.RdfFormat.N_QUADS),
        ("trig", ox.RdfFormat.TRIG),
        ("rdfxml", ox.RdfFormat.RDF_XML),
        ("jsonld", ox.RdfFormat.JSON_LD),
    ],
)
def test_export_writes_one_graph_in_every_format(
    home: Path, output: str, rdf_format: ox.RdfFormat
) -> None:
    result = subprocess_bytes("kg", "export", "--graph", RETAILER, "--format", output, home=home)
    statements = list(ox.parse(result, rdf_format))
    assert statements
    assert all(q.graph_name in (ox.DefaultGraph(), ox.NamedNode(RETAILER)) for q in statements)


def test_a_triples_only_format_needs_a_graph(home: Path) -> None:
    result = atelier("kg", "export", "--format", "turtle", home=home)
    assert result.returncode == 1
    assert "name a graph" in result.stderr


def test_export_then_import_restores_the_dataset(home: Path, tmp_path: Path) -> None:
    dump = tmp_path / "all.nq"
    assert atelier("kg", "export", "--out", str(dump), home=home).returncode == 0
    fresh = tmp_path / "fresh"
    loaded = atelier("kg", "import", str(dump), "--replace", home=fresh)
    assert loaded.returncode == 0, loaded.stderr
    count = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    counts = [
        json.loads(atelier("kg", "query", count, "--format", "json", home=h).stdout)[0]["n"]
        for h in (home, fresh)
    ]
    assert counts[0] == counts[1] and int(counts[0]) == len(dump.read_text().splitlines())


def test_import_into_a_graph_and_a_file_that_does_not_parse_changes_nothing(
    tmp_path: Path,
) -> None:
    home = tmp_path / "home"
    notes = tmp_path / "notes.ttl"
    notes.write_text('<urn:a> <urn:says> "hello" .\n', encoding="utf-8")
    assert atelier("kg", "import", str(notes), "--graph", "urn:notes", home=home).returncode == 0
    broken = tmp_path / "broken.ttl"
    broken.write_text("<urn:a> <urn:says> .\n", encoding="utf-8")
    failed = atelier("kg", "import", str(broken), "--graph", "urn:notes", "--replace", home=home)
    assert failed.returncode == 1
    assert failed.stderr.startswith("error:") and "line 1" in failed.stderr
    kept = atelier("kg", "export", "--graph", "urn:notes", "--format", "ntriples", home=home)
    assert kept.stdout == '<urn:a> <urn:says> "hello" .\n'


def subprocess_bytes(*args: str, home: Path) -> bytes:
    env = {**os.environ, "ATELIER_HOME": str(home)}
    env.pop("SPARQL_QUERY_URL", None)
    return subprocess.run(
        [sys.executable, "-c", "from service.cli import main; main()", *args],
        capture_output=True,
        env=env,
        timeout=120,
        check=True,
    ).stdout


def _statements(home: Path, target: Path) -> list[str]:
    """The graph's statements, without build times and the learned graph (mined anew)."""
    exported = atelier("kg", "export", "--format", "nquads", "--out", str(target), home=home)
    assert exported.returncode == 0, exported.stderr
    lines = target.read_text().splitlines()
    return sorted(line for line in lines if "generatedAtTime" not in line and "learned" not in line)


def test_ingest_refreshes_a_built_graph_with_the_articles_a_feed_changed(tmp_path: Path) -> None:
    rows = ["item_id,name,category,color,style_code"] + [
        f"A{i:02d},Item {i},{'jeans' if i % 2 else 'shirt'},{'blue' if i % 3 else 'black'},S{i}"
        for i in range(20)
    ]
    first = write(tmp_path / "items.csv", "\n".join(rows) + "\n")
    rows[1] = rows[1].replace("shirt", "shorts")  # A00 changes category
    rows.append("A20,New coat,coat,black,S20")  # and one article is new
    second = write(tmp_path / "items2.csv", "\n".join(rows) + "\n")
    home = tmp_path / "home"
    assert atelier("ingest", "items", str(first), "--source", "shop", home=home).returncode == 0
    assert atelier("kg", "build", home=home).returncode == 0

    changed = atelier("ingest", "items", str(second), "--source", "shop", home=home)
    again = atelier("ingest", "items", str(second), "--source", "shop", home=home)

    said = " ".join(changed.stderr.split())
    assert "graph: the facts of 2 articles the feed added or changed replaced" in said, said
    assert "graph:" not in again.stderr  # nothing changed, nothing to refresh
    refreshed = _statements(home, tmp_path / "refreshed.nq")
    assert any("/category/shorts>" in line for line in refreshed)
    assert atelier("kg", "build", home=home).returncode == 0
    assert refreshed == _statements(home, tmp_path / "rebuilt.nq")
