"""Training the tagger net on cached pixels and encoded targets.

One pass per epoch over shuffled mini-batches, AdamW with a one-cycle learning rate, light
augmentation (mirror and a few pixels of shift: product photos are centred and upright, so
heavier geometric augmentation only teaches poses the catalogue never shows), and the sum of
the per-group losses of :mod:`vision.tagger.weighting`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import torch
from numpy.typing import NDArray
from torch import Tensor

from vision.tagger.dataset import Targets, label_counts
from vision.tagger.net import NetConfig, TaggerNet
from vision.tagger.schema import GroupKind, Vocabulary
from vision.tagger.weighting import Weighting, class_weights, multi_label_loss, single_choice_loss

#: Called after every epoch with (epoch, epochs, mean training loss, photos/s).
EpochCallback = Callable[[int, int, float, float], None]


@dataclass(frozen=True, slots=True)
class TrainConfig:
    """Settings of one training run."""

    image_size: int = 64
    epochs: int = 12
    batch_size: int = 128
    learning_rate: float = 4e-3
    weight_decay: float = 5e-4
    weighting: Weighting = Weighting.SQRT_INVERSE
    shift: int = 4
    seed: int = 0
    threads: int = 2

    def to_json(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {**asdict(self), "weighting": str(self.weighting)}


def augment(batch: Tensor, shift: int, generator: torch.Generator) -> Tensor:
    """Mirror half the photos and shift the batch by up to ``shift`` pixels (white fill)."""
    flip = torch.rand(batch.shape[0], generator=generator) < 0.5
    batch = torch.where(flip[:, None, None, None], batch.flip(2), batch)
    if shift <= 0:
        return batch
    dy, dx = (int(v) for v in torch.randint(-shift, shift + 1, (2,), generator=generator))
    padded = torch.nn.functional.pad(batch.permute(0, 3, 1, 2), (shift,) * 4, value=255)
    size_h, size_w = batch.shape[1], batch.shape[2]
    crop = padded[:, :, shift + dy : shift + dy + size_h, shift + dx : shift + dx + size_w]
    return crop.permute(0, 2, 3, 1)


def _weights(targets: Targets, vocabulary: Vocabulary, weighting: Weighting) -> dict[str, Tensor]:
    if weighting in (Weighting.NONE, Weighting.FOCAL):
        return {}
    counts = label_counts(targets, vocabulary)
    return {
        g: torch.tensor(class_weights(c, weighting), dtype=torch.float32) for g, c in counts.items()
    }


def batch_loss(
    logits: dict[str, Tensor],
    targets: Targets,
    vocabulary: Vocabulary,
    weights: dict[str, Tensor],
    weighting: Weighting,
) -> Tensor:
    """Sum of the groups' losses on one batch."""
    total = torch.zeros(())
    for group in vocabulary.names:
        w = weights.get(group)
        if vocabulary.kind(group) is GroupKind.SINGLE:
            y = torch.from_numpy(targets.single[group])
            total = total + single_choice_loss(logits[group], y, w, weighting)
        else:
            y = torch.from_numpy(targets.multi[group])
            known = torch.from_numpy(targets.known[group])
            total = total + multi_label_loss(logits[group], y, known, w, weighting)
    return total


def new_net(vocabulary: Vocabulary, net_config: NetConfig, seed: int = 0) -> TaggerNet:
    """An untrained net with one head per vocabulary group, its weights drawn from ``seed``.

    Drawn from torch's global generator, unseeded, the first weights differed from run to run,
    and so did the trained tagger (category top-1 79.3–83.4% on one demo world).
    """
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return TaggerNet(net_config, [(g, len(labels)) for g, labels in vocabulary.groups])


def train_net(
    net: TaggerNet,
    pixels: NDArray[np.uint8],
    targets: Targets,
    vocabulary: Vocabulary,
    config: TrainConfig,
    on_epoch: EpochCallback | None = None,
) -> TaggerNet:
    """Train ``net`` in place on ``(N, S, S, 3)`` pixels and their targets; returns it."""
    torch.manual_seed(config.seed)
    torch.set_num_threads(config.threads)
    generator = torch.Generator().manual_seed(config.seed)
    n = pixels.shape[0]
    steps = max(1, -(-n // config.batch_size)) * config.epochs
    optimiser = torch.optim.AdamW(
        net.parameters(), lr=config.learning_rate, weight_decay=config.weight_decay
    )
    schedule = torch.optim.lr_scheduler.OneCycleLR(
        optimiser, config.learning_rate, total_steps=steps
    )
    weights = _weights(targets, vocabulary, config.weighting)
    images = torch.from_numpy(pixels)
    net.train()
    for epoch in range(config.epochs):
        start, losses = time.perf_counter(), []
        order = torch.randperm(n, generator=generator).numpy()
        for begin in range(0, n, config.batch_size):
            idx = order[begin : begin + config.batch_size]
            batch = augment(images[idx], config.shift, generator)
            loss = batch_loss(
                net(batch), targets.subset(idx), vocabulary, weights, config.weighting
            )
            optimiser.zero_grad(set_to_none=True)
            loss.backward()  # type: ignore[no-untyped-call]
            optimiser.step()
            schedule.step()
            losses.append(float(loss.detach()))
        if on_epoch is not None:
            on_epoch(
                epoch + 1, config.epochs, float(np.mean(losses)), n / (time.perf_counter() - start)
            )
    net.eval()
    return net
