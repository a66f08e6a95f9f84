"""SHACL validation of a built graph (pySHACL), with a report a person can read.

pySHACL works in memory, so the graph is read back from the store: every vocabulary, scheme,
mapping and provenance statement, plus the facts of a sample of articles (all of them when the
catalogue is small). The report groups violations by shape and message and shows a few examples.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from importlib import resources

import pyshacl
import rdflib
from rdflib.namespace import SH

from kg.namespaces import GRAPH
from kg.store import GraphStore

_STRUCTURE = f"""
CONSTRUCT {{ ?s ?p ?o }} WHERE {{
  GRAPH ?g {{ ?s ?p ?o }}
  FILTER (!STRSTARTS(STR(?g), "{GRAPH}retailer/") && !STRSTARTS(STR(?g), "{GRAPH}manufacturer/")
          && !STRSTARTS(STR(?g), "{GRAPH}vision/") && !STRSTARTS(STR(?g), "{GRAPH}sales/"))
}}"""

_SAMPLE = """
PREFIX schema: <https://schema.org/>
SELECT DISTINCT ?a WHERE { ?a a schema:Product } ORDER BY ?a LIMIT %d"""

_FACTS = """
CONSTRUCT { ?s ?p ?o } WHERE {
  VALUES ?a { %s }
  { ?a ?p ?o BIND(?a AS ?s) }
  UNION { ?a ?link ?s . FILTER(STRSTARTS(STR(?s), CONCAT(STR(?a), "/"))) ?s ?p ?o }
  UNION { ?a <https://schema.org/isVariantOf> ?s . ?s ?p ?o }
}"""


@dataclass
class ValidationReport:
    """The outcome of a validation: conformance, counts and grouped messages."""

    conforms: bool
    articles_checked: int
    statements_checked: int
    violations: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=dict)

    def text(self) -> str:
        """A readable summary: one line per kind of violation, with up to three examples."""
        head = "conforms" if self.conforms else f"{sum(self.violations.values())} violation(s)"
        lines = [
            f"SHACL: {head} ({self.statements_checked:,} statements, "
            f"{self.articles_checked:,} articles checked)"
        ]
        for message, count in self.violations.most_common():
            lines.append(f"  {count:>6} × {message}")
            lines += [f"           e.g. {node}" for node in self.examples[message][:3]]
        return "\n".join(lines)


def shapes_graph() -> rdflib.Graph:
    """The bundled SHACL shapes."""
    text = resources.files("kg.vocab").joinpath("shapes.ttl").read_text(encoding="utf-8")
    return rdflib.Graph().parse(data=text, format="turtle")


def validate(store: GraphStore, sample: int | None = 5_000) -> ValidationReport:
    """Validate the structure and the facts of up to ``sample`` articles (None: all)."""
    data = _construct(store, _STRUCTURE)
    limit = sample if sample is not None else 10**12
    articles = [row["a"] for row in store.select(_SAMPLE % limit)]
    for start in range(0, len(articles), 500):
        values = " ".join(f"<{iri}>" for iri in articles[start : start + 500])
        data += _construct(store, _FACTS % values)
    conforms, results, _ = pyshacl.validate(data, shacl_graph=shapes_graph(), inference="none")
    report = ValidationReport(bool(conforms), len(articles), len(data))
    assert isinstance(results, rdflib.Graph)
    for result in results.subjects(rdflib.RDF.type, SH.ValidationResult):
        message = str(results.value(result, SH.resultMessage) or "constraint violated")
        path = results.value(result, SH.resultPath)
        key = f"{path.n3(results.namespace_manager) if path else ''}: {message}".strip(": ")
        report.violations[key] += 1
        report.examples.setdefault(key, []).append(str(results.value(result, SH.focusNode)))
    return report


def _construct(store: GraphStore, query: str) -> rdflib.Graph:
    return rdflib.Graph().parse(data=store.construct(query), format="nt")
