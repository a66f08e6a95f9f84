"""Reading RDF request bodies: the formats we take, multipart uploads, and safety limits.

A body is parsed whole before anything is written (a store never sees half of it), in any of
the formats :data:`GRAPH_FORMATS` names, or as ``multipart/form-data`` with one file per part.
RDF/XML is the one format whose parser can be made to allocate far more than the body's size
(DTD entities), so its entities are checked first (:func:`refuse_entity_bombs`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from email.parser import BytesParser
from email.policy import HTTP

import pyoxigraph as ox

from kg.protocol import ProtocolError, media_type_of, refuse_other_charsets

#: Media types a graph is written in, alias → canonical; the first is the default.
GRAPH_FORMATS = {
    "text/turtle": "text/turtle",
    "application/x-turtle": "text/turtle",
    "application/n-triples": "application/n-triples",
    "text/plain": "application/n-triples",
    "application/n-quads": "application/n-quads",
    "text/x-nquads": "application/n-quads",
    "application/trig": "application/trig",
    "application/rdf+xml": "application/rdf+xml",
    "application/ld+json": "application/ld+json",
}
#: Media types the whole dataset is written in (they keep graph names); the first is the default.
DATASET_FORMATS = {
    "application/n-quads": "application/n-quads",
    "text/x-nquads": "application/n-quads",
    "application/trig": "application/trig",
    "application/ld+json": "application/ld+json",
}
MULTIPART = "multipart/form-data"


def read_body(content_type: str | None, method: str, body: bytes, base: str) -> list[ox.Quad]:
    """The statements of a request body.

    Args:
        content_type: The Content-Type header (``multipart/form-data`` for POST uploads).
        method: The HTTP method (multipart is only taken by POST, as the protocol has it).
        body: The bytes.
        base: The IRI relative IRIs in the body resolve against.

    Raises:
        ProtocolError: 415 for a format we cannot read or a charset other than UTF-8, 400 for
            a body that does not parse (with the parser's line and column) or an entity bomb.
    """
    media_type = media_type_of(content_type)
    if media_type == MULTIPART:
        if method.upper() != "POST":
            raise ProtocolError(415, "multipart/form-data bodies are only taken by POST")
        parts = _multipart(content_type or "", body)
        return [quad for kind, part in parts for quad in _parse(kind, part, base)]
    refuse_other_charsets(content_type)
    return _parse(media_type, body, base)


def _multipart(content_type: str, body: bytes) -> Iterator[tuple[str, bytes]]:
    head = f"Content-Type: {content_type}\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(head + body)
    if not message.is_multipart():
        raise ProtocolError(400, "the multipart/form-data body has no parts: check the boundary")
    for part in message.iter_parts():
        payload = part.get_payload(decode=True)
        yield part.get_content_type(), payload if isinstance(payload, bytes) else b""


def _parse(content_type: str, body: bytes, base: str) -> list[ox.Quad]:
    media = GRAPH_FORMATS.get(content_type)
    rdf_format = ox.RdfFormat.from_media_type(media) if media else None
    if rdf_format is None:
        offered = ", ".join(sorted(set(GRAPH_FORMATS.values())))
        raise ProtocolError(
            415, f"cannot read {content_type or 'an untyped body'}; send one of: {offered}"
        )
    if rdf_format == ox.RdfFormat.RDF_XML:
        refuse_entity_bombs(body)
    try:
        return list(ox.parse(body, rdf_format, base_iri=base))
    except (SyntaxError, ValueError) as exc:
        raise ProtocolError(400, f"the body is not valid {rdf_format.name}: {exc}") from exc


#: Most characters the entities of an RDF/XML body may expand to (the parser expands them all
#: in memory: a 600-byte "billion laughs" body becomes a 10 MB literal, one level more 100 MB).
MAX_ENTITY_EXPANSION = 4_000_000
_ENTITY = re.compile(rb"<!ENTITY\s+([\w.:-]+)\s+(?:\"([^\"&%]*)\"|'([^'&%]*)')\s*>")


def refuse_entity_bombs(body: bytes) -> None:
    """Refuse an RDF/XML body whose DTD entities could expand past a few megabytes.

    Plain entities (Protégé writes them for namespaces) are fine; parameter, external and
    nested entities are refused, and so is a body whose references would expand past
    :data:`MAX_ENTITY_EXPANSION` characters.

    Raises:
        ProtocolError: 400 saying which.
    """
    declared = body.count(b"<!ENTITY")
    if not declared:
        return
    entities = [(m.group(1), m.group(2) or m.group(3) or b"") for m in _ENTITY.finditer(body)]
    if len(entities) != declared:
        raise ProtocolError(
            400, "RDF/XML bodies may declare only plain internal entities (no %, SYSTEM or &)"
        )
    expansion = sum(len(value) * body.count(b"&" + name + b";") for name, value in entities)
    if expansion > MAX_ENTITY_EXPANSION:
        raise ProtocolError(
            400, f"the RDF/XML body's entities expand to {expansion:,} characters: too many"
        )
