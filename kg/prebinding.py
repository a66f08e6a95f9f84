"""Where a ``VALUES`` block that binds a query's variables can go without changing its answer.

A trailing ``VALUES`` clause (SPARQL 1.1, 18.2.4.3) joins the bindings with the query's whole
solution, and pyoxigraph evaluates it that way: the whole pattern first, then the join. At H&M's
size an article's mined pairs took 0.85 s like that and 0.07 s with the same ``VALUES`` at the
start of the query's pattern, where the join starts from the bound article.

The two places give the same answer when every bound variable is *certainly* bound by the
query's own pattern: by a required triple pattern (or the name of a ``GRAPH``), not only in
an ``OPTIONAL``, a ``UNION`` branch, a subquery, a ``BIND`` or an aggregate. Then joining
first or last is the same join. :func:`pattern_start` finds that place in a ``SELECT`` query
and says None in every other case, and the caller keeps the trailing clause.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Any

from rdflib.plugins.sparql import prepareQuery
from rdflib.term import Variable

from kg.update_dataset import blank_opaque

# The solution modifiers between a SELECT query and its pattern; any other node on that way
# (an aggregate, a GROUP BY, a projected expression) ends the search.
_MODIFIERS = {"Project", "Distinct", "Reduced", "OrderBy", "Slice"}


def pattern_start(query: str, variables: Collection[str]) -> int | None:
    """The offset just inside the ``{`` of a ``SELECT`` query's pattern, if ``VALUES`` binding
    ``variables`` may go there; None when only a trailing ``VALUES`` keeps the answer.

    Args:
        query: The query text.
        variables: The variables to bind (names without ``?``).
    """
    try:
        parsed = prepareQuery(query)
    except Exception:  # rdflib's parser raises many kinds; pyoxigraph may still accept it
        return None
    node: Any = parsed.algebra
    if node.name != "SelectQuery":
        return None
    node = node.p
    while node.name in _MODIFIERS:
        node = node.p
    if not {Variable(name) for name in variables} <= _certain(node):
        return None
    code = blank_opaque(query)
    brace = code.find("{")
    if brace < 0 or re.search(r"\bEXISTS\b", code[:brace], re.IGNORECASE):
        return None  # the first brace is not the pattern's
    return brace + 1


def _certain(node: Any) -> set[Variable]:
    """The variables every solution of ``node`` binds (a subset where unsure)."""
    name = getattr(node, "name", None)
    if name == "BGP":
        return {term for triple in node.triples for term in triple if isinstance(term, Variable)}
    if name == "Graph":
        named = {node.term} if isinstance(node.term, Variable) else set()
        return named | _certain(node.p)
    if name == "Join":
        return _certain(node.p1) | _certain(node.p2)
    if name in ("LeftJoin", "Minus"):
        return _certain(node.p1)
    if name in ("Filter", "Extend"):
        return _certain(node.p)  # BIND's own variable is not the pattern's
    return set()  # UNION, subqueries, VALUES, SERVICE, ...: not worth proving
