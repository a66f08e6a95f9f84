"""Atelier's fashion knowledge graph: one vocabulary across manufacturer, platform and retailers.

A leaf package: it imports nothing from Atelier's other top-level packages. ``service`` reads the
catalogue store and hands plain records (:mod:`kg.records`) to :func:`kg.build.build_graph`.

Modules::

    namespaces   IRIs: the closed ``ATL`` vocabulary class and minting of resource IRIs
    vocab/       Turtle: ontology, categories, platform and colour schemes, SHACL shapes
    colour       sRGB/Lab conversion and CIEDE2000
    schemes      retailer concept schemes read from feed records
    mappings     cross-view mappings (declared tables, colour by CIEDE2000)
    facts        product facts, one named graph per source
    build        full build into a store (bulk N-Quads), incremental updates
    store        embedded pyoxigraph or remote SPARQL 1.1 stores behind one interface
    validation   SHACL validation with a readable report
    projection   the networkx view the recommender uses
    protocol     the SPARQL 1.1 Protocol, request to response (used by ``service.api``)
    worker       query execution in a killable process
"""
