"""Atelier's domain errors, in one place.

The hierarchy::

    AtelierError                 anything Atelier reports to a user as one clear line
    ├── ConfigurationError       settings that cannot work (bad URL, missing folder)
    ├── StoreError               the catalogue store cannot be reached or migrated
    ├── NotFoundError            a request names an article, customer or file that does not exist
    ├── UnavailableError         a store, the graph or the model cannot serve right now (HTTP 503)
    ├── IngestError              an input file cannot be ingested
    │   ├── MissingFileError     an expected file is absent
    │   ├── SchemaError          a file lacks required columns or cannot be parsed at all
    │   └── StrictModeError      a bad row was found while ``--strict`` was on
    ├── GraphError               the knowledge graph cannot be built, queried or exported as asked
    ├── VisionError              the attribute tagger cannot be used or trained as asked
    │   ├── VisionModelError     no usable tagger model
    │   ├── TrainingDataError    the labelled photos cannot be read
    │   └── FewShotError         the example photos cannot teach the new label
    └── RecommenderError         the recommender cannot be trained or evaluated as asked
        ├── TrainingError        the store holds nothing to learn from
        └── EvaluationError      the evaluation files cannot be read

Every user-facing error is one of these, defined here and nowhere else. The CLI prints them as
one line with an exit code, the API turns them into problem responses; nothing below the entry
points prints or exits. The packages below the service (``kg``, ``vision``, ``recommender``)
cannot import this module; their own errors (``recommender.artifacts.ArtifactError``,
``recommender.base.UnknownSettingError``, ``vision.tagger.checkpoint.CheckpointError``, ...)
are ``ValueError`` or ``RuntimeError`` subclasses that the service catches and re-raises as
one of the classes above where a user can cause them.
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


class GraphError(AtelierError):
    """The knowledge graph cannot be built, queried or exported as asked."""


class VisionError(AtelierError):
    """The attribute tagger cannot be used or trained as asked."""


class VisionModelError(VisionError):
    """No usable tagger model."""


class TrainingDataError(VisionError):
    """The labelled photos for training or evaluation cannot be read."""


class FewShotError(VisionError):
    """The example photos cannot teach the new label."""


class RecommenderError(AtelierError):
    """The recommender cannot be trained or evaluated as asked."""


class TrainingError(RecommenderError):
    """The recommender cannot be trained on what the store holds."""


class EvaluationError(RecommenderError):
    """The evaluation input cannot be read or holds nothing to evaluate."""
