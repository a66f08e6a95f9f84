"""The bridge from the catalogue store to the knowledge graph (``kg``).

``records`` reads articles, feed records, sales and vision results out of the store as
``kg.records``; ``stores`` opens the configured graph store; ``stage`` runs a build.
"""
