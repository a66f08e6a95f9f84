"""The model the service answers with, and its replacement without downtime.

``atelier train`` writes each model to ``ATELIER_HOME/models/<version>/`` and then replaces
``ATELIER_HOME/models/current`` (a text file naming the version) atomically. :class:`ModelSlot`
loads the version ``current`` names; a reload builds the new model completely beside the one
serving and swaps a single reference, so requests in flight finish on the model they started
with and no request ever sees a half-loaded one. A model that fails to load is rejected and
the old one keeps serving.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from service.errors import UnavailableError

M = TypeVar("M")

#: How long after a failed load a request may trigger another attempt.
RETRY_SECONDS = 5.0


@dataclass(frozen=True)
class Loaded(Generic[M]):
    """A model and the version it was loaded as."""

    model: M
    version: str
    path: Path


@dataclass(frozen=True)
class ReloadOutcome:
    """What a reload did: the version serving now and whether it changed."""

    version: str
    changed: bool


class ModelSlot(Generic[M]):
    """Holds the serving model and swaps in newer ones.

    Args:
        models_dir: ``ATELIER_HOME/models``.
        load: Builds a model from its artifact folder; raises on a bad artifact.
        on_swap: Called with the new version after each swap (e.g. to update a metric).
    """

    def __init__(
        self,
        models_dir: Path,
        load: Callable[[Path], M],
        on_swap: Callable[[str], None] | None = None,
    ) -> None:
        self.models_dir = models_dir
        self._load = load
        self._on_swap = on_swap
        self._loaded: Loaded[M] | None = None
        self._problem: str | None = "no model loaded yet"
        self._lock = threading.Lock()  # one load at a time; readers never take it
        self._next_try = 0.0

    @property
    def loaded(self) -> Loaded[M] | None:
        """The serving model, or ``None`` when no model could be loaded yet."""
        return self._loaded

    @property
    def problem(self) -> str | None:
        """Why the last load failed (``None`` after a success)."""
        return self._problem

    def get(self) -> Loaded[M]:
        """The serving model, loading one first if none is loaded and it is time to retry.

        Raises:
            UnavailableError: No model is loaded and none can be loaded now.
        """
        loaded = self._loaded
        if loaded is not None:
            return loaded
        if time.monotonic() >= self._next_try:
            with contextlib.suppress(UnavailableError):
                self.reload()
        if self._loaded is None:
            raise UnavailableError(f"no recommendation model: {self._problem}")
        return self._loaded

    def reload(self, force: bool = False) -> ReloadOutcome:
        """Load the version ``models/current`` names and swap it in.

        Args:
            force: Reload even when that version is already serving.

        Raises:
            UnavailableError: The version cannot be read or its artifact is rejected; the
                model serving before (if any) keeps serving.
        """
        with self._lock:
            try:
                return self._reload(force)
            except UnavailableError as exc:
                self._problem = str(exc)
                self._next_try = time.monotonic() + RETRY_SECONDS
                raise

    def _reload(self, force: bool) -> ReloadOutcome:
        version, path = self._current()
        serving = self._loaded
        if serving is not None and serving.version == version and not force:
            return ReloadOutcome(version, changed=False)
        try:
            model = self._load(path)
        except Exception as exc:  # any failure of an artifact must leave the old model serving
            raise UnavailableError(
                f"model {version!r} rejected ({type(exc).__name__}: {exc})"
                + (f"; still serving {serving.version!r}" if serving else "")
            ) from exc
        self._loaded = Loaded(model, version, path)
        self._problem = None
        if self._on_swap is not None:
            self._on_swap(version)
        return ReloadOutcome(version, changed=True)

    def _current(self) -> tuple[str, Path]:
        pointer = self.models_dir / "current"
        try:
            version = pointer.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            raise UnavailableError(f"{pointer} does not exist (run `atelier train`)") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise UnavailableError(f"cannot read {pointer}: {exc}") from exc
        path = self.models_dir / version
        # The pointer is a file on disk, not user input, but a version must still be a folder
        # name inside models/, never a path that leaves it.
        if not version or "/" in version or "\\" in version or version in (".", ".."):
            raise UnavailableError(f"{pointer} names {version!r}, which is not a version")
        if not path.is_dir():
            raise UnavailableError(f"{pointer} names {version!r}, but {path} is not a folder")
        return version, path
