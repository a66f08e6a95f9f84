"""The SPARQL 1.1 Protocol's update dataset, written into the update as ``USING`` clauses.

``using-graph-uri`` and ``using-named-graph-uri`` act exactly like ``USING`` and ``USING NAMED``
on every operation that has a ``WHERE`` (SPARQL 1.1 Protocol 2.2.3). pyoxigraph has no
parameter for them, so they are added to the text: before each top-level ``WHERE`` of a
``DELETE``/``INSERT`` operation, and a ``DELETE WHERE { P }`` becomes the equivalent
``DELETE { P } USING ... WHERE { P }`` (the short form admits no ``USING``). The text is
scanned with strings, IRIs and comments blanked out, so keywords inside them are never touched.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

# Strings, IRIs and comments: blanked (length kept) before looking for keywords, so that
# "SERVICE" or "WHERE" in a literal or an IRI is not mistaken for the operator.
_OPAQUE = re.compile(
    r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\''
    r"|<[^<>\"{}|^`\\\s]*>|#[^\n]*"
)
_TOKEN = re.compile(r"[{}]|(?<![\w:?$])(WHERE|DELETE|USING|WITH)(?![\w:-])", re.IGNORECASE)


def blank_opaque(text: str) -> str:
    """``text`` with strings, IRIs and comments replaced by spaces of the same length."""
    return _OPAQUE.sub(lambda found: " " * len(found.group()), text)


def declares_dataset(update: str) -> bool:
    """Whether any operation names its own dataset (``USING``, ``USING NAMED`` or ``WITH``)."""
    return any(
        keyword.upper() in ("USING", "WITH") for _, keyword, depth in _keywords(update) if not depth
    )


def with_using(update: str, graphs: Sequence[str], named_graphs: Sequence[str]) -> str:
    """``update`` with the protocol's dataset as ``USING`` clauses on each ``WHERE``.

    Args:
        update: The update text (without ``USING`` or ``WITH``: see :func:`declares_dataset`).
        graphs: IRIs of ``using-graph-uri``: the default graph of every ``WHERE``.
        named_graphs: IRIs of ``using-named-graph-uri``: its named graphs.

    Returns:
        The rewritten update; operations without a ``WHERE`` are left as they are.
    """
    clauses = " ".join(
        [f"USING <{iri}>" for iri in graphs] + [f"USING NAMED <{iri}>" for iri in named_graphs]
    )
    code = blank_opaque(update)
    edits: list[tuple[int, str]] = []
    delete_end = -1
    for start, keyword, depth in _keywords(update):
        word = keyword.upper()
        if depth == 0 and word == "WHERE":
            if delete_end >= 0 and not code[delete_end:start].strip():
                # DELETE WHERE { P }: the short form of DELETE { P } WHERE { P }.
                after = start + len(word)
                pattern = update[after : _block_end(code, after)].strip()
                edits.append((start, f"{pattern} {clauses} "))
            else:
                edits.append((start, f"{clauses} "))
        delete_end = start + len(word) if depth == 0 and word == "DELETE" else -1
    for start, text in reversed(edits):
        update = update[:start] + text + update[start:]
    return update


def _keywords(update: str) -> list[tuple[int, str, int]]:
    """(offset, keyword, brace depth) of the dataset keywords; braces yield an empty keyword."""
    found: list[tuple[int, str, int]] = []
    depth = 0
    for match in _TOKEN.finditer(blank_opaque(update)):
        token = match.group()
        if token == "{":
            depth += 1
        elif token == "}":
            depth = max(depth - 1, 0)
        else:
            found.append((match.start(), token, depth))
    return found


def _block_end(code: str, offset: int) -> int:
    """The offset just past the ``{ ... }`` block that starts at or after ``offset``."""
    depth = 0
    for position in range(code.index("{", offset), len(code)):
        if code[position] == "{":
            depth += 1
        elif code[position] == "}":
            depth -= 1
            if depth == 0:
                return position + 1
    return len(code)
