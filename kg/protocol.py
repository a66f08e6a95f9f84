"""The SPARQL 1.1 Protocol, from HTTP request parts to a query or update request and back.

Pure logic (no I/O): ``service.api.sparql`` hands in the method, headers, URL parameters and
body; :mod:`kg.endpoint` executes what comes out. Status codes:

- 400 malformed request: no or several ``query``/``update`` strings, a body that is not UTF-8,
  a query the parser rejects (with the parser's message), ``using-graph-uri`` /
  ``using-named-graph-uri`` beside an update's own ``USING`` or ``WITH``;
- 403 a query or update that would reach the network (``SERVICE``, ``LOAD``), or an update
  while updates are disabled; 401 an update without the right bearer token;
- 405 a method the operation does not define (only GET and POST for queries, POST for
  updates), with ``Allow``; 415 a POST body that is neither form-encoded nor
  ``application/sparql-query`` (``application/sparql-update`` for updates), or one declaring
  a charset other than UTF-8;
- 406 when no serialisation the client accepts fits the query form;
- 503 a query that ran past the timeout (and was killed); 500 a result over the size limit
  (the protocol's "query request refused").

Relative IRIs resolve against the request URL without its query string (the protocol lets the
service choose the base IRI, and "MAY be the service endpoint").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

import pyoxigraph as ox

from kg.update_dataset import blank_opaque, declares_dataset

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
    base_iri: str | None = None


@dataclass(frozen=True, slots=True)
class UpdateRequest:
    """An update operation with the protocol's dataset (``using-graph-uri`` and its kin).

    The embedded store writes the dataset into the text as ``USING`` clauses
    (:func:`kg.update_dataset.with_using`); a remote store gets them as parameters, since a
    store serving the union of its graphs may refuse ``USING`` in the text (oxigraph does).
    """

    update: str
    using_graphs: tuple[str, ...] = ()
    using_named_graphs: tuple[str, ...] = ()
    base_iri: str | None = None


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
    url: str | None = None


def base_iri(parts: HttpParts) -> str | None:
    """The request URL without its query string: the base IRI of the request's text.

    None when there is no URL or it is not a valid IRI (the Host header is the client's).
    """
    url = parts.url.split("?", 1)[0] if parts.url else None
    try:
        return ox.NamedNode(url).value if url else None
    except ValueError:
        return None


def wants_description(parts: HttpParts) -> bool:
    """A GET without any parameter asks for the service description (SPARQL 1.1 SD, 2)."""
    return parts.method.upper() == "GET" and not parts.url_params


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
        graph_iris(params, "default-graph-uri"),
        graph_iris(params, "named-graph-uri"),
        media_type,
        base_iri(parts),
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
    using = graph_iris(params, "using-graph-uri")
    using_named = graph_iris(params, "using-named-graph-uri")
    if (using or using_named) and declares_dataset(update):
        raise ProtocolError(
            400,
            "using-graph-uri / using-named-graph-uri cannot be combined with an update "
            "that has its own USING, USING NAMED or WITH (SPARQL 1.1 Protocol 2.2.3)",
        )
    return UpdateRequest(update, using, using_named, base_iri(parts))


def _operation_params(
    parts: HttpParts, direct_type: str, name: str, methods: tuple[str, ...]
) -> dict[str, list[str]]:
    method = parts.method.upper()
    if method not in methods:
        raise ProtocolError(405, f"{method} is not allowed here", {"Allow": ", ".join(methods)})
    params = _group(parts.url_params)
    if method == "GET":
        return params
    content_type = media_type_of(parts.content_type)
    refuse_other_charsets(parts.content_type)
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


def graph_iris(params: dict[str, list[str]], name: str) -> tuple[str, ...]:
    """The values of a dataset parameter, each checked to be an absolute IRI.

    Raises:
        ProtocolError: 400 naming the parameter and the value that is not an IRI.
    """
    for value in params.get(name, []):
        check_iri(value, name)
    return tuple(params.get(name, []))


def check_iri(value: str, name: str) -> None:
    """Refuse a value that is not an absolute IRI (it would otherwise reach the query text).

    Raises:
        ProtocolError: 400 naming the parameter and the value.
    """
    try:
        ox.NamedNode(value)
    except ValueError as exc:
        raise ProtocolError(400, f"{name}={value!r} is not an absolute IRI: {exc}") from exc


def media_type_of(content_type: str | None) -> str:
    """The media type of a Content-Type header, lower-cased, without its parameters."""
    return (content_type or "").split(";")[0].strip().lower()


def refuse_other_charsets(content_type: str | None) -> None:
    """Refuse a body declared in a charset other than UTF-8 (the protocol's only encoding).

    Raises:
        ProtocolError: 415 naming the declared charset.
    """
    for parameter in (content_type or "").split(";")[1:]:
        key, _, value = parameter.partition("=")
        charset = value.strip().strip('"').lower()
        if key.strip().lower() == "charset" and charset not in ("utf-8", "utf8"):
            raise ProtocolError(415, f"bodies must be UTF-8, not {value.strip()}")


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


_KEYWORD = re.compile(r"(?<![\w:?$])(SERVICE|LOAD)(?![\w:-])", re.IGNORECASE)
_FORM = re.compile(r"(?<![\w:?$])(SELECT|ASK|CONSTRUCT|DESCRIBE)(?![\w:-])", re.IGNORECASE)


def _code(text: str) -> str:
    return blank_opaque(text)


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
    return negotiate_among(accept, table, f"{form} query")


def negotiate_among(accept: str | None, table: dict[str, str], what: str) -> str:
    """The type of ``table`` (alias → canonical type, first = default) the client prefers.

    Raises:
        ProtocolError: 406 naming what was asked for and the types offered.
    """
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
    raise ProtocolError(406, f"none of the accepted types fits a {what}; offered: {offered}")


def content_type(media_type: str) -> str:
    """The Content-Type header of an answer: textual types say they are UTF-8."""
    textual = media_type.startswith("text/") or media_type.endswith(("json", "xml", "trig"))
    textual = textual or media_type in ("application/n-triples", "application/n-quads")
    return f"{media_type}; charset=utf-8" if textual else media_type


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
