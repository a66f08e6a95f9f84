"""The tagger's CNN: a small ResNet with one linear head per attribute group.

Plain 3×3 convolutions run far better on CPU than depthwise ones: measured on two shared cores at
64 px, this net (widths 16-32-64-128) trains at ≈110 photos/s where a MobileNetV3-small-like net of
similar size managed ≈50, because depthwise convolutions are memory-bound in PyTorch's CPU
kernels. The net takes raw ``uint8`` NHWC pixels and normalises them itself, so a checkpoint is
all a caller needs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import torch
from torch import Tensor, nn

#: Narrowest layer allowed (see :meth:`NetConfig.__post_init__`).
MIN_WIDTH = 16


@dataclass(frozen=True, slots=True)
class NetConfig:
    """Shape of the net.

    Attributes:
        widths: Channels of the stem and of each stage; every stage after the first halves the
            resolution.
        blocks: Residual blocks per stage.
        dropout: Dropout before the heads.
    """

    widths: tuple[int, ...] = (16, 32, 64, 128)
    blocks: int = 1
    dropout: float = 0.2

    def __post_init__(self) -> None:
        # Measured: with 2 threads, torch 2.13's CPU convolution backward corrupts the heap
        # ("double free or corruption", segfaults) when a layer has 8 channels; 16 and up ran clean.
        if not self.widths or min(self.widths) < MIN_WIDTH or self.blocks < 1:
            raise ValueError(f"widths must be >= {MIN_WIDTH} and blocks >= 1, got {self}")

    @property
    def embedding(self) -> int:
        """Width of the pooled embedding the heads (and few-shot probes) read."""
        return self.widths[-1]

    def to_json(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> NetConfig:
        """Rebuild from :meth:`to_json` output."""
        return cls(
            tuple(int(w) for w in data["widths"]), int(data["blocks"]), float(data["dropout"])
        )


def _conv_bn(cin: int, cout: int, stride: int, kernel: int = 3) -> list[nn.Module]:
    return [nn.Conv2d(cin, cout, kernel, stride, kernel // 2, bias=False), nn.BatchNorm2d(cout)]


class BasicBlock(nn.Module):
    """Two 3×3 convolutions with a shortcut (projected when the shape changes)."""

    def __init__(self, cin: int, cout: int, stride: int) -> None:
        super().__init__()
        self.body = nn.Sequential(
            *_conv_bn(cin, cout, stride), nn.ReLU(inplace=True), *_conv_bn(cout, cout, 1)
        )
        same = cin == cout and stride == 1
        self.shortcut = nn.Identity() if same else nn.Sequential(*_conv_bn(cin, cout, stride, 1))

    def forward(self, x: Tensor) -> Tensor:
        """Apply the block."""
        return torch.relu(self.body(x) + self.shortcut(x))


def build_backbone(config: NetConfig) -> nn.Sequential:
    """Stem (stride 2) and residual stages, ending in a pooled ``(N, embedding)`` vector."""
    layers: list[nn.Module] = [*_conv_bn(3, config.widths[0], 2), nn.ReLU(inplace=True)]
    cin = config.widths[0]
    for stage, width in enumerate(config.widths):
        for block in range(config.blocks):
            stride = 2 if stage > 0 and block == 0 else 1
            layers.append(BasicBlock(cin, width, stride))
            cin = width
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten()]
    return nn.Sequential(*layers)


class TaggerNet(nn.Module):
    """Backbone + one linear head per attribute group.

    Args:
        config: Shape of the backbone.
        heads: (group, number of outputs) per head, in order.
    """

    mean: Tensor
    scale: Tensor

    def __init__(self, config: NetConfig, heads: Sequence[tuple[str, int]]) -> None:
        super().__init__()
        self.config = config
        self.backbone = build_backbone(config)
        self.dropout = nn.Dropout(config.dropout)
        self.heads = nn.ModuleDict({g: nn.Linear(config.embedding, n) for g, n in heads})
        self.register_buffer("mean", torch.full((1, 3, 1, 1), 127.5))
        self.register_buffer("scale", torch.full((1, 3, 1, 1), 64.0))

    def embed(self, pixels: Tensor) -> Tensor:
        """Pooled embeddings ``(N, embedding)`` of ``uint8`` (or float 0..255) NHWC pixels."""
        x = pixels.permute(0, 3, 1, 2).float()
        features: Tensor = self.backbone((x - self.mean) / self.scale)
        return features

    def forward(self, pixels: Tensor) -> dict[str, Tensor]:
        """Logits per group for a batch of NHWC pixels."""
        features = self.dropout(self.embed(pixels))
        return {group: head(features) for group, head in self.heads.items()}
