"""Analyst queries (``*.rq``), bundled with the package and run by ``atelier kg query``.

A query's free variables can be bound from outside: :func:`bind` adds a SPARQL ``VALUES``
block, which every SPARQL 1.1 store supports (the values are never spliced into the pattern's
text): at the start of the query's pattern where that gives the same answer
(:mod:`kg.prebinding`), so the store starts from the bound values, and otherwise as a
trailing clause.
"""

from __future__ import annotations

import json
import re
from importlib import resources

from kg.prebinding import pattern_start

_VARIABLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def names() -> list[str]:
    """The bundled queries' names (file names without ``.rq``)."""
    files = resources.files(__name__).iterdir()
    return sorted(f.name.removesuffix(".rq") for f in files if f.name.endswith(".rq"))


def load(name: str) -> str:
    """The text of a bundled query.

    Raises:
        KeyError: If there is no such query.
    """
    if name not in names():
        raise KeyError(f"no bundled query {name!r}; known: {', '.join(names())}")
    return resources.files(__name__).joinpath(name + ".rq").read_text(encoding="utf-8")


def bind(query: str, bindings: dict[str, str]) -> str:
    """``query`` with a ``VALUES`` block binding variables to values.

    Values written ``<...>`` are IRIs, anything else a plain string literal. The block goes
    where :func:`kg.prebinding.pattern_start` says it keeps the answer, else at the end.

    Raises:
        ValueError: For a variable name that is not a SPARQL variable.
    """
    if not bindings:
        return query
    for name in bindings:
        if not _VARIABLE.match(name):
            raise ValueError(f"not a SPARQL variable name: {name!r}")
    variables = " ".join(f"?{name}" for name in bindings)
    values = " ".join(_term(value) for value in bindings.values())
    block = f"VALUES ({variables}) {{ ({values}) }}"
    start = pattern_start(query, bindings)
    if start is None:
        return f"{query.rstrip()}\n{block}\n"
    return f"{query[:start]}\n  {block}{query[start:]}"


def _term(value: str) -> str:
    if (
        value.startswith("<")
        and value.endswith(">")
        and not re.search(r"[<>\s\"{}|^`\\]", value[1:-1])
    ):
        return value
    return json.dumps(value, ensure_ascii=False)
