"""Atelier's fashion knowledge graph: one vocabulary across manufacturer, platform and retailers.

A leaf package: it imports nothing from Atelier's other top-level packages. ``service`` reads the
catalogue store and hands plain records (:mod:`kg.records`) to :func:`kg.loading.build_graph`.

Modules::

    namespaces   IRIs: the closed ``ATL`` vocabulary class and minting of resource IRIs
    vocab/       Turtle: ontology, categories, platform and colour schemes, SHACL shapes;
                 CSV: categories, hue → basic term, knowledge-translation merges, mappings
    generate     regenerates the Turtle schemes from the public taxonomy tables
    colour       sRGB/Lab conversion and CIEDE2000;  palette: the ISCC-NBS colours as arrays
    profiles     which columns of each retailer's feed carry which concepts
    schemes      retailer concept schemes read from feed records
    mappings     declared mappings and colour mappings by CIEDE2000
    crosswalk    writes schemes, mappings and the platform facts they imply
    facts        product facts, one named graph per source;  nquads: N-Quads terms
    build        the whole dataset as N-Quads;  loading: bulk rebuilds, incremental updates
    vocabulary   the bundled Turtle files as N-Quads
    store        embedded pyoxigraph or remote SPARQL 1.1 stores behind one interface
    validation   SHACL validation with a readable report
    projection   the networkx view the recommender uses (CatalogueKnowledge), learned stats
    learned      complements and article pairs mined from purchases, in ``graph/learned``
    protocol     the SPARQL 1.1 Protocol, request to response (used by ``service.api.sparql``)
    worker       query execution in a killable process;  endpoint: remote forwarding
    queries/     analyst queries (``*.rq``)

Named graphs (under ``https://w3id.org/atelier/graph/``): ``vocab/*``, ``scheme/retailer/<src>``,
``scheme/manufacturer/<src>``, ``mapping/<src>``, ``retailer/<src>``, ``manufacturer/<src>``,
``vision/<model version>``, ``sales/<src>``, ``learned``, ``meta`` (provenance of each graph).
Stores query the union of the named graphs as their default graph.
"""
