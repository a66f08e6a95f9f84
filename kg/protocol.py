"""The SPARQL 1.1 Protocol, from HTTP request parts to a query or update request and back.

Pure logic (no I/O): ``service.api.sparql`` hands in the method, headers, URL parameters and
body; :mod:`kg.endpoint` executes what comes out. Status codes:

- 400 malformed request: no or several ``query``/``update`` strings, a body that is not UTF-8,
  a query the parser rejects (with the parser's message);
- 403 a query or update that would reach the network (``SERVICE``, ``LOAD``), or an update
  while updates are disabled; 401 an update without the right bearer token;
- 405 a method the operation does not define (only GET and POST for queries, POST for
  updates), with ``Allow``; 415 a POST body that is neither form-encoded nor
  ``application/sparql-query`` (``application/sparql-update`` for updates);
- 406 when no serialisation the client accepts fits the query form;
- 503 a query that ran past the timeout (and was killed); 500 a result over the size limit
  (the protocol's "query request refused").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

QUERY_TYPE = "application/sparql-query"
UPDATE_TYPE = "application/sparql-update"
FORM_TYPE = "application/x-www-form-urlencoded"

#: Media types for SELECT/ASK results, first = default; aliases map to the same format.
RESULT_TYPES = {
    "application/sparql-results+json": "application/sparql-results+json",
    "application/json": "application/sparql-results+json",
    "application/sparql-results+xml": "application/sparql-results+xml",
    "application/xml": "application/sparql-results+xml",
    "text/xml": "application/sparql-results+xml",
    "text/csv": "text/csv",
    "text/tab-separated-values": "text/tab-separated-values",
}
#: Media types for CONSTRUCT/DESCRIBE graphs, first = default.
GRAPH_TYPES = {
    "text/turtle": "text/turtle",
    "application/x-turtle": "text/turtle",
    "application/n-triples": "application/n-triples",
    "text/plain": "application/n-triples",
    "application/rdf+xml": "application/rdf+xml",
    "application/ld+json": "application/ld+json",
}


class ProtocolError(Exception):
    """A request the protocol answers with an error status."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or {}


@dataclass(frozen=True, slots=True)
class QueryRequest:
    """A query operation: the query, the protocol's dataset and the negotiated media type."""

    query: str
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    media_type: str = "application/sparql-results+json"


@dataclass(frozen=True, slots=True)
class UpdateRequest:
    """An update operation with its protocol-level ``USING`` graphs."""

    update: str
    using_graphs: tuple[str, ...] = ()
    using_named_graphs: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ProtocolResponse:
    """What goes back to the client."""

    status: int
    body: bytes
    media_type: str
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class HttpParts:
    """The parts of an HTTP request the protocol looks at."""

    method: str
    content_type: str | None
    url_params: Sequence[tuple[str, str]]
    body: bytes
    accept: str | None = None


def parse_query(parts: HttpParts) -> QueryRequest:
    """The query operation a request carries (GET, POST form, POST direct).

    Raises:
        ProtocolError: For anything the protocol rejects (see the module docstring).
    """
    params = _operation_params(parts, QUERY_TYPE, "query", ("GET", "POST"))
    if "update" in params:
        raise ProtocolError(400, "an update cannot be sent to the query endpoint")
    query = _single(params, "query")
    refuse_network_access(query)
    form = query_form(query)
    media_type = negotiate(parts.accept, form)
    return QueryRequest(
        query,
        tuple(params.get("default-graph-uri", [])),
        tuple(params.get("named-graph-uri", [])),
        media_type,
    )


def parse_update(parts: HttpParts) -> UpdateRequest:
    """The update operation a request carries (POST form or POST direct only).

    Raises:
        ProtocolError: For anything the protocol rejects.
    """
    params = _operation_params(parts, UPDATE_TYPE, "update", ("POST",))
    if "query" in params:
        raise ProtocolError(400, "a query cannot be sent to the update endpoint")
    update = _single(params, "update")
    refuse_network_access(update)
    return UpdateRequest(
        update,
        tuple(params.get("using-graph-uri", [])),
        tuple(params.get("using-named-graph-uri", [])),
    )


def _operation_params(
    parts: HttpParts, direct_type: str, name: str, methods: tuple[str, ...]
) -> dict[str, list[str]]:
    method = parts.method.upper()
    if method not in methods:
        raise ProtocolError(405, f"{method} is not allowed here", {"Allow": ", ".join(methods)})
    params = _group(parts.url_params)
    if method == "GET":
        return params
    content_type = (parts.content_type or "").split(";")[0].strip().lower()
    text = _utf8(parts.body)
    if content_type == FORM_TYPE:
        for key, values in _group(parse_qsl(text, keep_blank_values=True)).items():
            params.setdefault(key, []).extend(values)
        return params
    if content_type == direct_type:
        if name in params:
            raise ProtocolError(400, f"{name} given both in the URL and as the body")
        params[name] = [text]
        return params
    raise ProtocolError(
        415, f"POST bodies must be {FORM_TYPE} or {direct_type}, not {content_type or 'untyped'}"
    )


def _group(pairs: Sequence[tuple[str, str]]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for key, value in pairs:
        grouped.setdefault(key, []).append(value)
    return grouped


def _utf8(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProtocolError(400, f"the request body is not UTF-8: {exc}") from exc


def _single(params: dict[str, list[str]], name: str) -> str:
    values = params.get(name, [])
    if len(values) != 1:
        found = "no" if not values else str(len(values))
        raise ProtocolError(400, f"exactly one {name} string is required, {found} given")
    return values[0]


# Strings, IRIs and comments are blanked before looking for keywords, so that "SERVICE" in a
# literal or an IRI is not mistaken for the operator.
_OPAQUE = re.compile(
    r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\''
    r"|<[^<>\"{}|^`\\\s]*>|#[^\n]*"
)
_KEYWORD = re.compile(r"(?<![\w:?$])(SERVICE|LOAD)(?![\w:-])", re.IGNORECASE)
_FORM = re.compile(r"(?<![\w:?$])(SELECT|ASK|CONSTRUCT|DESCRIBE)(?![\w:-])", re.IGNORECASE)


def _code(text: str) -> str:
    return _OPAQUE.sub(" ", text)


def refuse_network_access(text: str) -> None:
    """Refuse ``SERVICE`` and ``LOAD``: they would make the store fetch remote data.

    Raises:
        ProtocolError: 403 when either keyword is used as an operator.
    """
    found = _KEYWORD.search(_code(text))
    if found:
        raise ProtocolError(403, f"{found.group(1).upper()} is not allowed on this endpoint")


def query_form(query: str) -> str | None:
    """``select``, ``ask``, ``construct`` or ``describe``; None when no form keyword is found."""
    found = _FORM.search(_code(query))
    return found.group(1).lower() if found else None


def negotiate(accept: str | None, form: str | None) -> str:
    """The media type to answer a query of ``form`` with, given the client's Accept header.

    Raises:
        ProtocolError: 406 when nothing the client accepts fits the form.
    """
    table = GRAPH_TYPES if form in ("construct", "describe") else RESULT_TYPES
    default = next(iter(table.values()))
    ranges = _accept_ranges(accept or "*/*")
    for media_range, _quality in ranges:
        if media_range in ("*/*", default.split("/")[0] + "/*"):
            return default
        if media_range in table:
            return table[media_range]
        if media_range.endswith("/*"):
            prefix = media_range[:-1]
            match = next((t for t in table.values() if t.startswith(prefix)), None)
            if match:
                return match
    offered = ", ".join(sorted(set(table.values())))
    raise ProtocolError(406, f"none of the accepted types fits a {form} query; offered: {offered}")


def _accept_ranges(accept: str) -> list[tuple[str, float]]:
    ranges: list[tuple[str, float]] = []
    for position, item in enumerate(accept.split(",")):
        media, *options = (part.strip() for part in item.split(";"))
        quality = 1.0
        for option in options:
            key, _, value = option.partition("=")
            if key.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if media and quality > 0:
            ranges.append((media.lower(), quality - position * 1e-6))
    return sorted(ranges, key=lambda r: -r[1])
