"""The platform's semantic colours, read from the bundled ``vocab/colours.ttl``.

Mappings need the ISCC-NBS centroids as an array (for CIEDE2000) and each fine name's basic
term; both come from the same Turtle the graph loads, so the two cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np
import pyoxigraph as ox

from kg.colour import FloatArray, nearest

_QUERY = """
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX atl: <https://w3id.org/atelier/vocab#>
SELECT ?fine ?name ?l ?a ?b ?basic WHERE {
  ?fine atl:labL ?l ; atl:labA ?a ; atl:labB ?b ; skos:prefLabel ?name ;
        skos:broader/skos:broader ?basic .
} ORDER BY ?name
"""


@dataclass(frozen=True)
class Palette:
    """ISCC-NBS fine colours: IRIs, names, Lab centroids and basic-term IRIs, index-aligned."""

    iris: tuple[str, ...]
    names: tuple[str, ...]
    labs: FloatArray
    basics: tuple[str, ...]

    def nearest(self, lab: tuple[float, float, float]) -> tuple[int, float]:
        """Index of the fine colour nearest ``lab`` (CIEDE2000) and the distance."""
        return nearest(lab, self.labs)

    def index_of_name(self, name: str) -> int | None:
        """Index of a fine colour by its ISCC-NBS name (case-insensitive), or None."""
        wanted = name.strip().lower()
        return next((i for i, known in enumerate(self.names) if known == wanted), None)


@lru_cache(maxsize=1)
def load_palette() -> Palette:
    """The 267 ISCC-NBS colours of ``vocab/colours.ttl``."""
    store = ox.Store()
    data = resources.files("kg.vocab").joinpath("colours.ttl").read_bytes()
    store.load(data, ox.RdfFormat.TURTLE)
    solutions = store.query(_QUERY)
    assert isinstance(solutions, ox.QuerySolutions)
    rows = list(solutions)
    return Palette(
        iris=tuple(row["fine"].value for row in rows),
        names=tuple(row["name"].value.lower() for row in rows),
        labs=np.array([[float(row[k].value) for k in ("l", "a", "b")] for row in rows]),
        basics=tuple(row["basic"].value for row in rows),
    )
