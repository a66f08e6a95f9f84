"""The catalogue store: styles, articles, their feeds, images, customers and events."""

# Registers the vision tables on Base.metadata (migrations compare against it).
from service.store import vision_models  # noqa: F401
from service.store.engine import create_store_engine, session_factory
from service.store.migrate import upgrade
from service.store.models import (
    Article,
    ArticleAttributes,
    Base,
    Customer,
    Event,
    EventType,
    IngestRun,
    ProductImage,
    Style,
)

__all__ = [
    "Article",
    "ArticleAttributes",
    "Base",
    "Customer",
    "Event",
    "EventType",
    "IngestRun",
    "ProductImage",
    "Style",
    "create_store_engine",
    "session_factory",
    "upgrade",
]
