"""Adding a few-shot attribute value to a saved tagger, as a new activated model version."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from service.errors import FewShotError
from service.tagging.files import image_files
from service.tagging.home import activate, card_of, publish, staging_copy
from vision.tagger.cache import decode_photos
from vision.tagger.checkpoint import load_checkpoint
from vision.tagger.fewshot import load_probes, make_probe, save_probes
from vision.tagger.images import read_image
from vision.tagger.inference import embed
from vision.texture import TEXTURE_FEATURES, garment_texture


def _examples(net_folder: Path, folder: Path, size: int) -> tuple[np.ndarray, np.ndarray, int]:
    """Embeddings and texture descriptors of a folder's readable photos, and the unreadable
    count.
    """
    net, _ = load_checkpoint(net_folder)
    files = image_files(folder)
    pixels, errors = decode_photos(files, size)
    readable = [i for i in range(len(files)) if i not in errors]
    textures = np.zeros((len(readable), len(TEXTURE_FEATURES)), np.float32)
    for row, i in enumerate(readable):
        textures[row] = garment_texture(read_image(files[i]))
    return embed(net, pixels[readable]), textures, len(errors)


def add_fewshot_label(
    atelier_home: Path, folder: Path, group: str, label: str, images: Path,
    negatives: Path | None,
) -> dict[str, Any]:  # fmt: skip
    """Fit a probe for ``label``, store it with a copy of the model, activate the copy.

    Raises:
        FewShotError: If a folder is missing or has fewer than 3 readable photos.
    """
    for path in (images, negatives):
        if path is not None and not path.is_dir():
            raise FewShotError(f"{path} is not a folder")
    card = card_of(folder)
    positives, positive_textures, bad_pos = _examples(folder, images, card.image_size)
    negative_emb, negative_textures, bad_neg = (
        _examples(folder, negatives, card.image_size) if negatives else (None, None, 0)
    )
    textures = None
    if negative_textures is not None and len(negative_textures):
        textures = (positive_textures, negative_textures)
    try:
        probe = make_probe(group, label, positives, negative_emb, textures=textures)
    except ValueError as exc:
        raise FewShotError(str(exc)) from exc
    existing = load_probes(folder, card)
    kept = [
        p for p in (existing.probes if existing else []) if (p.group, p.label) != (group, label)
    ]
    staging = staging_copy(atelier_home, folder)
    new_card = save_probes(staging, card, [*kept, probe])
    target = publish(atelier_home, staging, new_card)
    activate(atelier_home, new_card.version)
    return {
        "model": new_card.version, "folder": str(target), **probe.describe(),
        "unreadable_photos": bad_pos + bad_neg,
    }  # fmt: skip
