"""Synthetic product photos with known colours, drawn the way catalogue photos look."""

from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np
from numpy.typing import NDArray

Image = NDArray[np.uint8]
Color = tuple[int, int, int]

SIZE = 224
# A T-shirt silhouette: shoulders, sleeves, body.
SHIRT = np.array(
    [[70, 30], [154, 30], [196, 72], [170, 96], [162, 204], [62, 204], [54, 96], [28, 72]],
    dtype=np.int32,
)


def shirt_mask(offset: tuple[int, int] = (0, 0), scale: float = 1.0) -> NDArray[np.bool_]:
    """Boolean mask of the shirt silhouette, optionally scaled about the centre and shifted."""
    points = (SHIRT - SIZE / 2) * scale + SIZE / 2 + np.array(offset)
    mask = np.zeros((SIZE, SIZE), np.uint8)
    cv2.fillPoly(mask, [np.round(points).astype(np.int32)], 1)
    return mask > 0


def draw_photo(
    mask: NDArray[np.bool_],
    fill: Callable[[NDArray[np.bool_]], Image] | Color,
    background: Color = (255, 255, 255),
    outline: bool = True,
    shading: bool = True,
    seed: int = 0,
) -> Image:
    """Paint a garment into a photo: fill, soft shading, faint outline and JPEG-like noise."""
    rng = np.random.default_rng(seed)
    photo = np.empty((SIZE, SIZE, 3), np.float64)
    photo[:] = background
    garment = (
        fill(mask) if callable(fill) else np.broadcast_to(np.array(fill, np.uint8), photo.shape)
    )
    photo[mask] = garment[mask]
    if shading:
        # Folds: a gentle horizontal lightness ripple of a few percent, as studio light gives.
        ripple = 1.0 - 0.05 * (0.5 + 0.5 * np.sin(np.arange(SIZE) / 9.0))
        photo[mask] *= ripple[None, :, None].repeat(SIZE, 0)[mask]
    if outline:
        edge = cv2.morphologyEx(mask.astype(np.uint8), cv2.MORPH_GRADIENT, np.ones((3, 3))) > 0
        photo[edge] *= 0.8
    photo += rng.normal(0.0, 1.0, photo.shape)
    return np.clip(np.rint(photo), 0, 255).astype(np.uint8)


def stripes(first: Color, second: Color, period: int = 24) -> Callable[[NDArray[np.bool_]], Image]:
    """Horizontal stripes, half the period each colour."""

    def fill(mask: NDArray[np.bool_]) -> Image:
        rows = (np.arange(SIZE) // (period // 2)) % 2 == 0
        image = np.empty((SIZE, SIZE, 3), np.uint8)
        image[:] = second
        image[rows] = first
        return image

    return fill


def checks(first: Color, second: Color, period: int = 28) -> Callable[[NDArray[np.bool_]], Image]:
    """Two-colour check (checkerboard)."""

    def fill(mask: NDArray[np.bool_]) -> Image:
        band = (np.arange(SIZE) // (period // 2)) % 2 == 0
        image = np.empty((SIZE, SIZE, 3), np.uint8)
        image[:] = second
        image[band[:, None] ^ band[None, :]] = first
        return image

    return fill


def dots(ground: Color, dot: Color, spacing: int = 20, radius: int = 4) -> Callable[..., Image]:
    """Polka dots on a ground colour, staggered rows."""

    def fill(mask: NDArray[np.bool_]) -> Image:
        image = np.empty((SIZE, SIZE, 3), np.uint8)
        image[:] = ground
        for row, y in enumerate(range(spacing // 2, SIZE, spacing)):
            for x in range(spacing // 2 + (row % 2) * spacing // 2, SIZE, spacing):
                cv2.circle(image, (x, y), radius, dot, -1)
        return image

    return fill


class SyntheticPhotos:
    """The drawing helpers of this module, handed to tests through the ``synth`` fixture."""

    shirt_mask = staticmethod(shirt_mask)
    draw_photo = staticmethod(draw_photo)
    stripes = staticmethod(stripes)
    checks = staticmethod(checks)
    dots = staticmethod(dots)
