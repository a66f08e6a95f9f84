"""Bundled vocabularies: SKOS schemes, the ontology, SHACL shapes and their source tables."""
