"""Self-describing tagger checkpoints: a folder with safetensors weights and a JSON card.

Layout of a checkpoint folder::

    weights.safetensors   the net's state dict
    tagger.json           format, version, net and training config, vocabulary, thresholds,
                          metrics, creation time
    fewshot.safetensors   (optional) few-shot probes added later, described in tagger.json

The version names the training time and a hash of the weights, so two different models never
share a version and results in the store can say which model produced them.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import torch
from safetensors.torch import load_file, save_file

from vision.tagger.calibration import Thresholds
from vision.tagger.net import NetConfig, TaggerNet
from vision.tagger.schema import Vocabulary
from vision.tagger.train import new_net

FORMAT = "atelier-tagger/1"
CARD, WEIGHTS = "tagger.json", "weights.safetensors"


class CheckpointError(ValueError):
    """A checkpoint folder that is missing, incomplete or of another format."""


@dataclass(frozen=True, slots=True)
class TaggerCard:
    """Everything about a trained tagger except its weights."""

    version: str
    image_size: int
    net: NetConfig
    vocabulary: Vocabulary
    thresholds: Thresholds
    metrics: dict[str, Any] = field(default_factory=dict)
    training: dict[str, Any] = field(default_factory=dict)
    fewshot: dict[str, Any] = field(default_factory=dict)
    created_at: str = ""

    def to_json(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "format": FORMAT,
            "version": self.version,
            "created_at": self.created_at,
            "image_size": self.image_size,
            "net": self.net.to_json(),
            "vocabulary": self.vocabulary.to_json(),
            "thresholds": self.thresholds,
            "metrics": self.metrics,
            "training": self.training,
            "fewshot": self.fewshot,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> TaggerCard:
        """Rebuild from :meth:`to_json` output."""
        if data.get("format") != FORMAT:
            raise CheckpointError(f"not a {FORMAT} checkpoint (format {data.get('format')!r})")
        return cls(
            version=str(data["version"]),
            image_size=int(data["image_size"]),
            net=NetConfig.from_json(data["net"]),
            vocabulary=Vocabulary.from_json(data["vocabulary"]),
            thresholds={g: [float(t) for t in ts] for g, ts in data["thresholds"].items()},
            metrics=dict(data.get("metrics", {})),
            training=dict(data.get("training", {})),
            fewshot=dict(data.get("fewshot", {})),
            created_at=str(data.get("created_at", "")),
        )


def new_version(net: TaggerNet, now: datetime | None = None) -> str:
    """``tagger-<UTC time>-<8 hex of the weights' hash>``."""
    digest = hashlib.sha256()
    for name, tensor in sorted(net.state_dict().items()):
        digest.update(name.encode())
        digest.update(tensor.detach().contiguous().numpy().tobytes())
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%S")
    return f"tagger-{stamp}-{digest.hexdigest()[:8]}"


def save_checkpoint(folder: Path, net: TaggerNet, card: TaggerCard) -> None:
    """Write weights and card into ``folder`` (created if needed)."""
    folder.mkdir(parents=True, exist_ok=True)
    state = {k: v.detach().contiguous() for k, v in net.state_dict().items()}
    save_file(state, str(folder / WEIGHTS))
    write_card(folder, card)


def write_card(folder: Path, card: TaggerCard) -> None:
    """(Re)write the JSON card atomically."""
    tmp = folder / (CARD + ".tmp")
    tmp.write_text(json.dumps(card.to_json(), indent=2, sort_keys=False))
    tmp.replace(folder / CARD)


def read_card(folder: Path) -> TaggerCard:
    """The card of a checkpoint folder.

    Raises:
        CheckpointError: If the card is missing or malformed.
    """
    try:
        return TaggerCard.from_json(json.loads((folder / CARD).read_text()))
    except (OSError, json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, CheckpointError):
            raise
        raise CheckpointError(f"unreadable tagger checkpoint {folder}: {exc}") from exc


def load_checkpoint(folder: Path) -> tuple[TaggerNet, TaggerCard]:
    """The net (in eval mode) and card of a checkpoint folder.

    Raises:
        CheckpointError: If files are missing or do not fit the card.
    """
    card = read_card(folder)
    net = new_net(card.vocabulary, card.net)
    try:
        net.load_state_dict(load_file(str(folder / WEIGHTS)))
    except (OSError, RuntimeError, ValueError) as exc:
        raise CheckpointError(f"weights of {folder} do not load: {exc}") from exc
    net.eval()
    return net, card


def load_backbone(net: TaggerNet, path: Path) -> int:
    """Copy a pretrained backbone's matching tensors (by name and shape) from a safetensors file.

    Lets a locally provided, pretrained backbone of the same architecture start training;
    returns how many tensors were copied.

    Raises:
        CheckpointError: If the file is unreadable, ONNX (no ONNX runtime ships with Atelier),
            or shares no tensor with the net.
    """
    if path.suffix.lower() == ".onnx":
        raise CheckpointError("ONNX backbones need onnxruntime, which is not installed")
    try:
        tensors = load_file(str(path))
    except (OSError, ValueError, RuntimeError) as exc:
        raise CheckpointError(f"cannot read backbone {path}: {exc}") from exc
    own = net.state_dict()
    prefix = "backbone."
    matching = {
        name: tensor
        for name, tensor in tensors.items()
        if (key := name if name.startswith(prefix) else prefix + name) in own
        and own[key].shape == tensor.shape
    }
    if not matching:
        raise CheckpointError(f"{path} holds no tensor that fits the tagger's backbone")
    with torch.no_grad():
        for name, tensor in matching.items():
            key = name if name.startswith(prefix) else prefix + name
            own[key].copy_(tensor)
    return len(matching)
