"""The service: store, ingestion, tagging, graph and training stages, the CLI and the API."""
