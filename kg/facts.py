"""Product facts as N-Quads, each source in its own named graph.

- ``graph/retailer/<source>``: the article, its style, the retailer concepts its feed gave it
  (``atl:retailerConcept``) and the platform facts those translate to (``atl:category``, ...);
- ``graph/manufacturer/<source>``: dye code, fabric composition, fibres, construction;
- ``graph/vision/<model version>``: colours with their share, tags with score and confidence;
- ``graph/sales/<source>``: units sold per season.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from kg import nquads as nq
from kg.namespaces import (
    ATL,
    RDF_TYPE,
    SCHEMA,
    SKOS,
    article_iri,
    attribute_iri,
    category_iri,
    colour_iri,
    graph_iri,
    manufacturer_iri,
    style_iri,
)
from kg.records import ArticleRecord, FeedRecord, SalesRecord, VisionRecord

Emit = Callable[[str, str, str, str], None]

TYPE = nq.iri(RDF_TYPE)
PRODUCT, PRODUCT_GROUP = nq.iri(SCHEMA + "Product"), nq.iri(SCHEMA + "ProductGroup")
NAME, PRODUCT_ID = nq.iri(SCHEMA + "name"), nq.iri(SCHEMA + "productID")
GROUP_ID, VARIANT_OF = nq.iri(SCHEMA + "productGroupID"), nq.iri(SCHEMA + "isVariantOf")
PREF_LABEL, IN_SCHEME = nq.iri(SKOS + "prefLabel"), nq.iri(SKOS + "inScheme")
_FIBRE = re.compile(r"(\d+(?:\.\d+)?)\s*%\s*([A-Za-z][A-Za-z \-]*)")


def p(term: object) -> str:
    """An ``atl:`` term as an N-Quads IRI."""
    return nq.iri(str(term))


def article_facts(
    record: ArticleRecord,
    feed: FeedRecord,
    emit: Emit,
    styles_written: set[tuple[str, ...]],
) -> None:
    """The article and its style, in the graph of the feed that described it.

    Args:
        record: The article.
        feed: The feed whose graph the facts go to.
        emit: Where the statements go.
        styles_written: The styles whose facts are written already, as (catalogue, style,
            view, source), added to here: every colourway of a style would repeat them
            otherwise (2% of a catalogue's statements, each one loaded again for nothing).
    """
    graph = nq.iri(graph_iri(feed.view, feed.source))
    article, style = (
        nq.iri(article_iri(record.external_id)),
        nq.iri(style_iri(record.catalogue, record.style_code)),
    )
    emit(article, TYPE, PRODUCT, graph)
    emit(article, PRODUCT_ID, nq.text(record.external_id), graph)
    emit(article, VARIANT_OF, style, graph)
    if record.name:
        emit(article, NAME, nq.text(record.name), graph)
    if (key := (record.catalogue, record.style_code, feed.view, feed.source)) in styles_written:
        return
    styles_written.add(key)
    emit(style, TYPE, PRODUCT_GROUP, graph)
    emit(style, GROUP_ID, nq.text(record.style_code), graph)


def manufacturer_facts(
    record: ArticleRecord, feed: FeedRecord, emit: Emit
) -> list[tuple[str, str, str]]:
    """Dye code, composition, fibres (largest share first) and construction.

    Returns:
        The manufacturer concepts used, as (source, kind, label): kinds ``dye``, ``fibre``,
        ``construction``.
    """
    graph = nq.iri(graph_iri("manufacturer", feed.source))
    article, data = nq.iri(article_iri(record.external_id)), feed.data
    used: list[tuple[str, str, str]] = []
    if dye := (data.get("dye_code") or "").strip():
        used.append((feed.source, "dye", dye))
    if composition := (data.get("fabric_composition") or "").strip():
        emit(article, p(ATL.fabricComposition), nq.text(composition), graph)
        used += [(feed.source, "fibre", f.strip().lower()) for _, f in _FIBRE.findall(composition)]
    if construction := (data.get("construction") or "").strip():
        used.append((feed.source, "construction", construction))
    for source, kind, label in used:
        predicate = _MANUFACTURER_PREDICATES[kind]
        emit(article, predicate, nq.iri(manufacturer_iri(source, kind, label)), graph)
    return used


_MANUFACTURER_PREDICATES = {
    "dye": p(ATL.dyeCode),
    "fibre": p(ATL.fibre),
    "construction": p(ATL.construction),
}


def dye_lab(data: Mapping[str, str]) -> tuple[float, float, float] | None:
    """The Lab of a manufacturer row's dye, when its three columns parse as numbers."""
    try:
        return (float(data["dye_lab_l"]), float(data["dye_lab_a"]), float(data["dye_lab_b"]))
    except (KeyError, TypeError, ValueError):
        return None


def vision_facts(record: VisionRecord, fine_iris: dict[str, str], emit: Emit) -> None:
    """Colours (with share and rank) and tags (with score and confidence) of one model version.

    Colours stay on their ``atl:ColourShare`` nodes: an article's own ``atl:colour`` and
    ``atl:basicColour`` are the catalogue's (translated) statement, what vision saw is
    ``atl:hasColour/atl:basicColour`` (rank 0 = dominant), so the two can be told apart cheaply.
    """
    graph = nq.iri(graph_iri("vision", record.model_version))
    base = article_iri(record.external_id)
    article = nq.iri(base)
    for colour in record.colours:
        node = nq.iri(f"{base}/vision/{record.model_version}/colour/{colour.rank}")
        fine = fine_iris.get(colour.fine_name.strip().lower())
        emit(article, p(ATL.hasColour), node, graph)
        emit(node, TYPE, p(ATL.ColourShare), graph)
        emit(node, p(ATL.rank), nq.number(colour.rank), graph)
        emit(node, p(ATL.share), nq.number(float(colour.share)), graph)
        emit(node, p(ATL.basicColour), nq.iri(colour_iri("basic", colour.basic)), graph)
        if fine:
            emit(node, p(ATL.colour), nq.iri(fine), graph)
    best: set[str] = set()
    for tag in sorted(record.tags, key=lambda t: -t.score):
        concept = nq.iri(vision_concept(tag.group, tag.label))
        node = nq.iri(f"{base}/vision/{record.model_version}/tag/{tag.group}/{tag.label}")
        emit(article, p(ATL.hasTag), node, graph)
        emit(node, TYPE, p(ATL.AttributeTag), graph)
        emit(node, p(ATL.attribute), concept, graph)
        emit(node, p(ATL.score), nq.number(float(tag.score)), graph)
        emit(node, p(ATL.confident), nq.boolean(tag.confident), graph)
        if tag.confident and tag.group in _VISION_FACTS and tag.group not in best:
            best.add(tag.group)
            emit(article, p(_VISION_FACTS[tag.group]), concept, graph)


def vision_category(record: VisionRecord) -> str | None:
    """The platform category a vision result states of its article (:func:`vision_facts`:
    its most likely confident category tag), or None.
    """
    tags = sorted(record.tags, key=lambda t: -t.score)
    return next(
        (category_iri(t.label) for t in tags if t.confident and t.group == "category"), None
    )


_VISION_FACTS = {
    "category": ATL.category,
    "pattern": ATL.pattern,
    "material": ATL.material,
    "neckline": ATL.attribute,
    "sleeve": ATL.attribute,
    "style": ATL.attribute,
    "gender": ATL.gender,
}


def vision_concept(group: str, label: str) -> str:
    """The platform concept a vision label names: a garment category or an attribute."""
    return category_iri(label) if group == "category" else attribute_iri(group, label)


def sales_facts(record: SalesRecord, emit: Emit) -> None:
    """Units one source's shoppers bought of an article in one season."""
    graph = nq.iri(graph_iri("sales", record.source))
    base = article_iri(record.external_id)
    node = nq.iri(f"{base}/sales/{record.source}/{record.season}")
    emit(nq.iri(base), p(ATL.sales), node, graph)
    emit(node, TYPE, p(ATL.SalesFigure), graph)
    emit(node, p(ATL.season), nq.text(record.season), graph)
    emit(node, p(ATL.salesCount), nq.number(record.units), graph)
