"""Where trained taggers live: ``ATELIER_HOME/vision/<version>/`` and the ``current`` pointer.

Every checkpoint folder is immutable once written; ``ATELIER_HOME/vision/current`` is a text
file naming the version in use, replaced atomically, so a running tag stage never sees a
half-written model. Adding a few-shot label copies the checkpoint to a new version folder.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from service.errors import VisionModelError
from vision.color_namer import DEFAULT_MODEL
from vision.tagger.checkpoint import CheckpointError, TaggerCard, read_card, write_card

POINTER = "current"
#: The colour namer ``atelier vision train-colours`` trained, beside the taggers.
COLOR_NAMER = "color_namer.txt"


def models_dir(atelier_home: Path) -> Path:
    """``ATELIER_HOME/vision``."""
    return atelier_home / "vision"


def color_namer_path(atelier_home: Path) -> Path:
    """Where ``atelier vision train-colours`` writes its colour namer."""
    return models_dir(atelier_home) / COLOR_NAMER


def color_namer_in_use(atelier_home: Path) -> Path:
    """The colour namer tagging uses: the one trained here, else the package's own."""
    own = color_namer_path(atelier_home)
    return own if own.exists() else DEFAULT_MODEL


def current_version(atelier_home: Path) -> str | None:
    """The version ``current`` names, or None when no model was activated."""
    pointer = models_dir(atelier_home) / POINTER
    if not pointer.exists():
        return None
    return pointer.read_text().strip() or None


def model_folder(atelier_home: Path, version: str | None = None) -> Path:
    """Folder of ``version`` (default: the current one).

    Raises:
        VisionModelError: If there is no such model.
    """
    chosen = version or current_version(atelier_home)
    if chosen is None:
        raise VisionModelError(
            f"no tagger model under {models_dir(atelier_home)}: run `atelier vision train` first"
        )
    folder = models_dir(atelier_home) / chosen
    if not folder.is_dir():
        raise VisionModelError(f"tagger model {chosen} not found under {models_dir(atelier_home)}")
    return folder


def activate(atelier_home: Path, version: str) -> None:
    """Point ``current`` at ``version`` (atomic replace)."""
    pointer = models_dir(atelier_home) / POINTER
    tmp = pointer.with_suffix(".tmp")
    tmp.write_text(version + "\n")
    os.replace(tmp, pointer)


def card_of(folder: Path) -> TaggerCard:
    """The card of a model folder, as a user error when broken."""
    try:
        return read_card(folder)
    except CheckpointError as exc:
        raise VisionModelError(str(exc)) from exc


def staging_copy(atelier_home: Path, source: Path) -> Path:
    """A private copy of a checkpoint folder to derive a new version from."""
    staging = models_dir(atelier_home) / f".staging-{os.getpid()}"
    if staging.exists():
        shutil.rmtree(staging)
    shutil.copytree(source, staging)
    return staging


def publish(atelier_home: Path, staging: Path, card: TaggerCard) -> Path:
    """Write ``card`` into a staged folder and move it to its version's place."""
    write_card(staging, card)
    target = models_dir(atelier_home) / card.version
    if target.exists():
        shutil.rmtree(target)
    staging.rename(target)
    return target
