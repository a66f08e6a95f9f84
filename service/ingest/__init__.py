"""Ingestion of real catalogue and interaction formats into the catalogue store."""

from service.ingest.generic import (
    ingest_generic_customers,
    ingest_generic_interactions,
    ingest_items,
)
from service.ingest.hm import ingest_hm
from service.ingest.myntra import ingest_myntra
from service.ingest.report import BadRow, IngestReport
from service.ingest.run import IngestContext, IngestOptions, run_ingest

__all__ = [
    "BadRow",
    "IngestContext",
    "IngestOptions",
    "IngestReport",
    "ingest_generic_customers",
    "ingest_generic_interactions",
    "ingest_hm",
    "ingest_items",
    "ingest_myntra",
    "run_ingest",
]
