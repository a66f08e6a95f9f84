"""The Atelier vocabulary as a closed namespace, and the minting of resource IRIs.

``ATL.Product`` works, ``ATL.Prodcut`` raises ``AttributeError``: every term the code uses is
declared here and in ``vocab/ontology.ttl`` (a test checks both agree).
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import quote

from rdflib.namespace import DefinedNamespace, Namespace
from rdflib.term import URIRef

#: Base of everything Atelier names.
BASE = "https://w3id.org/atelier/"
#: Base of resources (articles, concepts, graphs); the vocabulary lives under ``BASE + "vocab#"``.
ID = BASE + "id/"
GRAPH = BASE + "graph/"

SCHEMA = "https://schema.org/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
PROV = "http://www.w3.org/ns/prov#"
DCT = "http://purl.org/dc/terms/"


class ATL(DefinedNamespace):
    """Terms of the Atelier ontology (``vocab/ontology.ttl``)."""

    _fail = True
    _NS = Namespace(BASE + "vocab#")

    # classes
    GarmentCategory: URIRef
    OutfitSlot: URIRef
    DurabilityClass: URIRef
    ColourShare: URIRef
    AttributeTag: URIRef
    SalesFigure: URIRef
    SourceGraph: URIRef
    ColourMapping: URIRef
    UnmappedConcept: URIRef
    DyeCode: URIRef
    Material: URIRef
    # category knowledge
    slot: URIRef
    durability: URIRef
    repurchaseDays: URIRef
    complement: URIRef
    season: URIRef
    repurchaseProbability: URIRef
    learnedRepurchaseDays: URIRef
    # relations mined from purchases (graph/learned)
    MinedComplement: URIRef
    MinedSubstitute: URIRef
    MinedArticlePair: URIRef
    RefutedComplement: URIRef
    antecedent: URIRef
    consequent: URIRef
    pairCount: URIRef
    sameBasketCount: URIRef
    antecedentCount: URIRef
    basketCount: URIRef
    windowDays: URIRef
    minedFrom: URIRef
    minedUntil: URIRef
    support: URIRef
    confidence: URIRef
    smoothedConfidence: URIRef
    lift: URIRef
    # retailer colour names linked by their photos (graph/learned)
    RetailerColour: URIRef
    LearnedColourLink: URIRef
    retailerColour: URIRef
    photoCount: URIRef
    namePhotoCount: URIRef
    confidenceLower: URIRef
    # knowledge translation
    mergedInto: URIRef
    attributeGroup: URIRef
    # product facts
    category: URIRef
    colour: URIRef
    basicColour: URIRef
    pattern: URIRef
    material: URIRef
    fabricComposition: URIRef
    fibre: URIRef
    construction: URIRef
    occasion: URIRef
    neckline: URIRef
    sleeve: URIRef
    gender: URIRef
    department: URIRef
    retailerConcept: URIRef
    dyeCode: URIRef
    hasColour: URIRef
    rank: URIRef
    share: URIRef
    hasTag: URIRef
    attribute: URIRef
    score: URIRef
    confident: URIRef
    sales: URIRef
    salesCount: URIRef
    # colours
    hex: URIRef
    labL: URIRef
    labA: URIRef
    labB: URIRef
    # provenance of graphs and mappings
    source: URIRef
    view: URIRef
    modelVersion: URIRef
    mappingDistance: URIRef
    mappedConcept: URIRef
    mappedTo: URIRef
    inScheme: URIRef
    field: URIRef
    articleCount: URIRef
    # the SPARQL service's description (kg.description)
    queryTimeoutSeconds: URIRef
    maxResultBytes: URIRef
    graphStore: URIRef


_UNSAFE = re.compile(r"[^a-z0-9]+")
_PLAIN_ID = re.compile(r"[A-Za-z0-9._~-]+")


@lru_cache(maxsize=65536)
def slug(label: str) -> str:
    """A readable, IRI-safe key of a label: ``"Dusty Light Blue"`` → ``"dusty-light-blue"``.

    Labels that slug to nothing (punctuation only) keep a percent-encoded form instead.
    """
    key = _UNSAFE.sub("-", label.strip().lower()).strip("-")
    return key or quote(label.strip(), safe="")


def article_iri(external_id: str) -> str:
    """IRI of a sellable article (one colourway)."""
    plain = _PLAIN_ID.fullmatch(external_id) is not None
    return f"{ID}article/{external_id if plain else quote(external_id, safe='')}"


@lru_cache(maxsize=262144)
def style_iri(catalogue: str, style_code: str) -> str:
    """IRI of a style (a product group), unique within its catalogue."""
    return f"{ID}style/{slug(catalogue)}/{quote(style_code, safe='')}"


def category_iri(name: str) -> str:
    """IRI of a platform garment category, e.g. ``category/t-shirt``."""
    return f"{ID}category/{slug(name)}"


def attribute_iri(group: str, label: str) -> str:
    """IRI of a platform attribute concept (iMaterialist groups), e.g. ``attr/pattern/stripes``."""
    return f"{ID}attr/{slug(group)}/{slug(label)}"


def colour_iri(kind: str, name: str) -> str:
    """IRI of a semantic colour: ``kind`` is ``fine`` (ISCC-NBS), ``hue`` or ``basic``."""
    return f"{ID}colour/{kind}/{slug(name)}"


@lru_cache(maxsize=65536)
def retailer_concept_iri(source: str, field: str, label: str) -> str:
    """IRI of a retailer's own concept: one value of one field of its feed."""
    return f"{ID}retailer/{slug(source)}/{slug(field)}/{slug(label)}"


def retailer_scheme_iri(source: str, field: str) -> str:
    """IRI of the concept scheme of one field (or hierarchy) of a retailer's feed."""
    return f"{ID}scheme/retailer/{slug(source)}/{slug(field)}"


def manufacturer_iri(source: str, kind: str, label: str) -> str:
    """IRI of a manufacturer concept: a dye code, a construction, a fibre."""
    return f"{ID}manufacturer/{slug(source)}/{slug(kind)}/{slug(label)}"


def mined_iri(kind: str, source: str, antecedent: str, consequent: str) -> str:
    """IRI of a relation mined from one source's purchases, e.g.
    ``mined/complement/hm/coat/scarf``; article ids are percent-encoded, categories slugged.
    """
    ends = [
        quote(end, safe="") if kind == "article" else slug(end) for end in (antecedent, consequent)
    ]
    return f"{ID}mined/{slug(kind)}/{slug(source)}/{ends[0]}/{ends[1]}"


def graph_iri(*parts: str) -> str:
    """IRI of a named graph, e.g. ``graph_iri("retailer", "hm")``."""
    return GRAPH + "/".join(slug(part) for part in parts)
