"""Fabric prints: stripes, checks, dots, florals and graphics in a second colour.

A :class:`PatternLayout` is drawn once per style, so that every colourway of a style shows the
same print in its own colours. Stripes, checks and dots are computed analytically with soft
edges (cheap anti-aliasing); florals and graphics are drawn at twice the size and reduced.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from PIL import Image, ImageDraw

Rgb = tuple[int, int, int]
Box = tuple[float, float, float, float]

_FLOWER_HEART: Rgb = (242, 200, 70)


@dataclass(frozen=True)
class PatternLayout:
    """The geometry of one style's print, independent of its colours."""

    kind: str
    """One of solid, striped, checked, dotted, floral, printed."""
    period: float
    """Repeat distance in pixels."""
    fraction: float
    """Share of each repeat in the second colour (stripe width, dot radius)."""
    vertical: bool
    """Stripes run top to bottom rather than across."""
    seed: int
    """Seed of the scatter of flowers and graphic motifs."""


def draw_layout(kind: str, rng: np.random.Generator) -> PatternLayout:
    """A random print geometry of the given kind."""
    periods = {"striped": (6, 12), "checked": (8, 14), "dotted": (7, 11), "floral": (15, 22)}
    low, high = periods.get(kind, (12, 18))
    period = float(rng.uniform(low, high))
    # At least two pixels of print colour: thinner lines blur into a tint in a small JPEG.
    fraction = max(float(rng.uniform(0.22, 0.4)), 2.2 / period)
    return PatternLayout(
        kind=kind,
        period=period,
        fraction=fraction,
        vertical=bool(rng.random() < 0.35),
        seed=int(rng.integers(2**31)),
    )


def fabric(
    layout: PatternLayout,
    base: Rgb,
    second: Rgb | None,
    size: tuple[int, int],
    print_box: Box | None,
) -> np.ndarray:
    """The unshaded fabric colour at every pixel.

    Args:
        layout: The print geometry.
        base: The dominant colour.
        second: The print colour (ignored for solid fabric).
        size: ``(width, height)`` in pixels.
        print_box: Where a placed graphic goes, as fractions of the photo; ``None``: all over.

    Returns:
        Array of shape ``(height, width, 3)``, float32 in 0..255.
    """
    width, height = size
    base_rgb = np.array(base, dtype=np.float32)
    if layout.kind == "solid" or second is None:
        return np.broadcast_to(base_rgb, (height, width, 3)).copy()
    cover, heart = _coverage(layout, size, print_box)
    out = base_rgb + cover[..., None] * (np.array(second, dtype=np.float32) - base_rgb)
    if heart is not None:
        out += heart[..., None] * (np.array(_FLOWER_HEART, dtype=np.float32) - out)
    return np.asarray(out, dtype=np.float32)


def _coverage(
    layout: PatternLayout, size: tuple[int, int], print_box: Box | None
) -> tuple[np.ndarray, np.ndarray | None]:
    """Per-pixel share (0..1) of the print colour, and of flower hearts for florals."""
    width, height = size
    ys, xs = pixel_grid(width, height)
    if layout.kind == "striped":
        return _bands(xs if layout.vertical else ys, layout.period, layout.fraction), None
    if layout.kind == "checked":
        across = _bands(ys, layout.period, 0.5)
        down = _bands(xs, layout.period, 0.5)
        return 0.45 * across + 0.45 * down, None
    if layout.kind == "dotted":
        return _dots(xs, ys, layout.period, layout.fraction * layout.period * 0.55), None
    if layout.kind == "floral":
        return _florals(layout, size)
    return _graphic(layout, size, print_box), None


@lru_cache(maxsize=4)
def pixel_grid(width: int, height: int) -> tuple[np.ndarray, np.ndarray]:
    """Row and column coordinates of every pixel, as float32 arrays (read-only, shared)."""
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    ys.flags.writeable = xs.flags.writeable = False
    return ys, xs


def _bands(u: np.ndarray, period: float, fraction: float) -> np.ndarray:
    """Parallel bands of the given width share, with one-pixel soft edges."""
    distance = np.abs((u / period) % 1.0 - 0.5) * period  # from the band's centre line
    return np.clip(fraction * period / 2 - distance + 0.5, 0.0, 1.0)


def _dots(xs: np.ndarray, ys: np.ndarray, period: float, radius: float) -> np.ndarray:
    """Polka dots on a grid whose alternate rows are offset by half a repeat."""
    row = np.floor(ys / period)
    dx = ((xs + (row % 2) * period / 2) % period) - period / 2
    dy = (ys % period) - period / 2
    return np.clip(radius - np.hypot(dx, dy) + 0.5, 0.0, 1.0)


def _florals(layout: PatternLayout, size: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """Five-petal flowers scattered on a jittered grid, drawn at double size."""
    rng = np.random.default_rng(layout.seed)
    width, height = size
    petals = Image.new("L", (2 * width, 2 * height))
    hearts = Image.new("L", (2 * width, 2 * height))
    draw_petals, draw_hearts = ImageDraw.Draw(petals), ImageDraw.Draw(hearts)
    step = 2 * layout.period
    radius = step * 0.17
    for cy in np.arange(0, 2 * height + step, step):
        for cx in np.arange(0, 2 * width + step, step):
            x, y = cx + rng.uniform(-0.3, 0.3) * step, cy + rng.uniform(-0.3, 0.3) * step
            turn = rng.uniform(0, 2 * np.pi)
            for k in range(5):
                angle = turn + k * 2 * np.pi / 5
                px, py = x + radius * np.cos(angle), y + radius * np.sin(angle)
                draw_petals.ellipse((px - radius, py - radius, px + radius, py + radius), fill=255)
            draw_hearts.ellipse(
                (x - radius * 0.6, y - radius * 0.6, x + radius * 0.6, y + radius * 0.6), fill=255
            )
    return _reduce(petals), _reduce(hearts)


def _graphic(layout: PatternLayout, size: tuple[int, int], print_box: Box | None) -> np.ndarray:
    """A chest graphic (ring and lettering bars) or, without a box, scattered motifs."""
    rng = np.random.default_rng(layout.seed)
    width, height = size
    canvas = Image.new("L", (2 * width, 2 * height))
    draw = ImageDraw.Draw(canvas)
    if print_box is not None:
        x0, y0, x1, _ = (
            v * 2 * d for v, d in zip(print_box, (width, height, width, height), strict=True)
        )
        cx, ring = (x0 + x1) / 2, (x1 - x0) * rng.uniform(0.28, 0.4)
        top = y0 + ring
        draw.ellipse(
            (cx - ring, top - ring, cx + ring, top + ring), outline=255, width=max(2, int(ring / 3))
        )
        for k, share in enumerate(rng.uniform(0.5, 1.0, size=2)):
            bar_y = top + ring * 1.5 + k * ring * 0.7
            half = (x1 - x0) / 2 * share
            draw.rectangle((cx - half, bar_y, cx + half, bar_y + ring * 0.4), fill=255)
        return _reduce(canvas)
    step = 2 * layout.period
    for cy in np.arange(0, 2 * height + step, step):
        for cx in np.arange(0, 2 * width + step, step):
            x, y, r = (
                cx + rng.uniform(-0.25, 0.25) * step,
                cy + rng.uniform(-0.25, 0.25) * step,
                step * 0.18,
            )
            points = [
                (x + r * np.cos(a), y + r * np.sin(a))
                for a in rng.uniform(0, 2 * np.pi) + np.arange(3) * 2.094
            ]
            draw.polygon(points, fill=255)
    return _reduce(canvas)


def _reduce(canvas: Image.Image) -> np.ndarray:
    """A double-size 8-bit mask averaged down to the photo size, as 0..1 floats."""
    return np.asarray(canvas.reduce(2), dtype=np.float32) / 255
