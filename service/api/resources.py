"""What the app opens at start and closes at shutdown: the store, the model, the caches.

:class:`Resources` is built in the app's lifespan and kept on ``app.state.resources``; routes
reach it through :data:`service.api.deps.ResourcesDep`. Nothing here fails the start-up: a
store or model that is not available yet makes ``/ready`` answer 503 with the reason until it
is, and requests recover by themselves when it comes back.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text

from service.api.catalogue import CardCache
from service.api.heap import settle_heap
from service.api.metrics import Metrics
from service.api.model_slot import ModelSlot
from service.api.popular import PopularInStore
from service.api.problems import reason_line
from service.api.shoppers import ShopperList
from service.errors import AtelierError, UnavailableError
from service.events import EventRecorder
from service.settings import Settings
from service.store import create_store_engine, upgrade

log = logging.getLogger(__name__)

#: Seconds between attempts to migrate a store that could not be migrated at start.
SCHEMA_RETRY_SECONDS = 5.0

#: Builds the model held by the slot from an artifact folder.
ModelLoader = Callable[[Path], Any]


@dataclass
class StoreHandle:
    """The catalogue store's engine and whether its schema is known to be current."""

    engine: Engine
    schema_ready: bool = False
    problem: str | None = None
    _next_try: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def check(self) -> None:
        """Make sure the store answers and has the current schema.

        Raises:
            UnavailableError: The store cannot be reached or migrated (with the reason).
        """
        if not self.schema_ready:
            self._migrate()
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except Exception as exc:
            raise UnavailableError(f"catalogue store unavailable: {reason_line(exc)}") from exc

    def _migrate(self) -> None:
        with self._lock:
            if self.schema_ready:
                return
            if time.monotonic() < self._next_try:
                raise UnavailableError(f"catalogue store unavailable: {self.problem}")
            try:
                upgrade(self.engine)
            except (AtelierError, OSError) as exc:
                self.problem = reason_line(exc)
                self._next_try = time.monotonic() + SCHEMA_RETRY_SECONDS
                raise UnavailableError(f"catalogue store unavailable: {self.problem}") from exc
            self.schema_ready, self.problem = True, None


@dataclass
class Resources:
    """Everything the routes share."""

    settings: Settings
    store: StoreHandle
    cards: CardCache
    recorder: EventRecorder
    models: ModelSlot[Any]
    metrics: Metrics
    popular: PopularInStore
    shoppers: ShopperList
    stopping: threading.Event = field(default_factory=threading.Event)
    warmer: threading.Thread = field(init=False)
    follower: threading.Thread = field(init=False)
    #: The one thread that computes shelves (see :mod:`service.api.shelves`).
    shelf_lane: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(max_workers=1, thread_name_prefix="shelves")
    )

    def __post_init__(self) -> None:
        self.warmer = threading.Thread(target=_keep_cards_warm, args=(self,), daemon=True)
        self.follower = threading.Thread(target=_follow_published_model, args=(self,), daemon=True)

    @property
    def engine(self) -> Engine:
        """The catalogue store."""
        return self.store.engine

    def close(self) -> None:
        """Stop the background work and release connections."""
        self.stopping.set()
        self.shelf_lane.shutdown(wait=True, cancel_futures=True)
        for thread in (self.warmer, self.follower):
            if thread.is_alive():
                thread.join(timeout=30)
        self.store.engine.dispose()


def open_resources(settings: Settings, metrics: Metrics, model_loader: ModelLoader) -> Resources:
    """Open the store and load the current model, tolerating either being unavailable."""
    engine = create_store_engine(settings.catalogue_url)
    store = StoreHandle(engine)
    try:
        store.check()
    except UnavailableError as exc:
        log.warning("starting without the catalogue store: %s", exc)

    def swapped(version: str) -> None:
        metrics.model_loaded(version)
        settle_heap()  # the new model's objects: out of the collector's way

    models: ModelSlot[Any] = ModelSlot(settings.atelier_home / "models", model_loader, swapped)
    resources = Resources(
        settings=settings,
        store=store,
        cards=CardCache(engine),
        recorder=EventRecorder(engine),
        models=models,
        metrics=metrics,
        popular=PopularInStore(engine),
        shoppers=ShopperList(engine),
    )
    reload_model(resources)
    resources.warmer.start()
    if settings.atelier_model_poll_s > 0:
        resources.follower.start()
    return resources


def _keep_cards_warm(resources: Resources) -> None:
    """Preload every product card now and again before the cached ones expire."""
    while not resources.stopping.is_set():
        try:
            count = resources.cards.warm(resources.stopping)
        except Exception as exc:  # a store that is down now: cards are then read on demand
            log.warning("product cards not preloaded: %s", reason_line(exc))
        else:
            log.info("preloaded %d product cards", count)
            settle_heap()  # the new cards: out of the collector's way (service.api.heap)
        resources.stopping.wait(resources.cards.ttl / 2)


def _follow_published_model(resources: Resources) -> None:
    """Swap in each model ``atelier train`` publishes, without being asked.

    Every worker of every replica runs this, so one ``models/current`` on shared storage
    reaches them all within a poll; ``POST /admin/reload`` reaches only the worker that
    answers it. A rejected artifact is reported once, not at every poll.
    """
    reported: str | None = None
    while not resources.stopping.wait(resources.settings.atelier_model_poll_s):
        try:
            outcome = resources.models.reload()
        except UnavailableError as exc:
            if str(exc) != reported:
                log.warning("%s", exc)
                reported = str(exc)
        else:
            reported = None
            if outcome.changed:
                log.info("serving model %s (published)", outcome.version)


def reload_model(resources: Resources, force: bool = False) -> str | None:
    """Load the current model version if it changed; returns the version serving after.

    A failure is logged and leaves the serving model in place (see :class:`ModelSlot`).
    """
    try:
        outcome = resources.models.reload(force)
    except UnavailableError as exc:
        log.warning("%s", exc)
    else:
        if outcome.changed:
            log.info("serving model %s", outcome.version)
    loaded = resources.models.loaded
    return loaded.version if loaded else None
