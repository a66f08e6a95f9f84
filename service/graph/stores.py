"""Opening the graph store the settings select."""

from __future__ import annotations

from kg.store import EmbeddedStore, GraphStoreError, RemoteConfig, RemoteStore
from service.errors import ConfigurationError, StoreError

# GraphError is defined with every user-facing error; service.cli.kg imports it from here.
from service.errors import GraphError as GraphError
from service.settings import Settings


def open_graph_store(settings: Settings) -> EmbeddedStore | RemoteStore:
    """The remote store when ``SPARQL_QUERY_URL`` is set, else pyoxigraph under ATELIER_HOME.

    Raises:
        StoreError: If the embedded store cannot be opened (e.g. a server holds it).
    """
    if settings.sparql_query_url:
        return RemoteStore(remote_config(settings))
    settings.graph_path.parent.mkdir(parents=True, exist_ok=True)
    try:
        return EmbeddedStore(settings.graph_path)
    except GraphStoreError as exc:
        raise StoreError(f"{exc} (is `atelier serve` running on it?)") from exc


def remote_config(settings: Settings) -> RemoteConfig:
    """The remote store's endpoints from the settings.

    Raises:
        ConfigurationError: If no query URL is configured.
    """
    if not settings.sparql_query_url:
        raise ConfigurationError("SPARQL_QUERY_URL is not set")
    return RemoteConfig(
        query_url=settings.sparql_query_url,
        update_url=settings.sparql_update_url,
        store_url=settings.sparql_store_url,
        token=settings.sparql_update_token,
    )
