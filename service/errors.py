"""Atelier's domain errors, in one place.

The hierarchy::

    AtelierError                 anything Atelier reports to a user as one clear line
    ├── ConfigurationError       settings that cannot work (bad URL, missing folder)
    ├── StoreError               the catalogue store cannot be reached or migrated
    ├── NotFoundError            a request names an article, customer or file that does not exist
    ├── UnavailableError         a store, the graph or the model cannot serve right now (HTTP 503)
    └── IngestError              an input file cannot be ingested
        ├── MissingFileError     an expected file is absent
        ├── SchemaError          a file lacks required columns or cannot be parsed at all
        └── StrictModeError      a bad row was found while ``--strict`` was on

The CLI (and later the HTTP service) turns these into messages and exit codes; nothing below
the entry points prints or exits.
"""

from __future__ import annotations


class AtelierError(Exception):
    """Base class of every error Atelier reports to its user."""


class ConfigurationError(AtelierError):
    """Settings that cannot work."""


class StoreError(AtelierError):
    """The catalogue store cannot be reached, created or migrated."""


class NotFoundError(AtelierError):
    """A request names something that does not exist (the message names it)."""


class UnavailableError(AtelierError):
    """A resource the request needs is not available now; retrying later may succeed."""


class IngestError(AtelierError):
    """An input cannot be ingested."""


class MissingFileError(IngestError):
    """An expected input file is absent."""


class SchemaError(IngestError):
    """A file lacks required columns or cannot be parsed at all."""


class StrictModeError(IngestError):
    """A bad row was found while strict mode was on; nothing was stored."""
