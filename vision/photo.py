"""Turning untrusted product photos into clean RGB arrays.

Everything downstream assumes an ``(H, W, 3)`` ``uint8`` array in RGB order. This module is the
one gate: it accepts PIL images and numpy arrays in the common layouts and rejects anything
unusable with a :class:`ValueError` that says why, so that a bad upload never fails deep inside
OpenCV.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from PIL import Image

#: Smallest side, in pixels, a photo may have; smaller images have no usable border or interior.
MIN_SIDE = 8
#: Largest side accepted; guards against decompression bombs reaching the pipeline.
MAX_SIDE = 20_000

PhotoInput = NDArray[np.generic] | Image.Image


def _composite_on_white(rgba: NDArray[np.float64]) -> NDArray[np.float64]:
    # Transparent cut-outs are shown on white in shops, so white is the backdrop they imply.
    alpha = rgba[..., 3:4]
    return rgba[..., :3] * alpha + (1.0 - alpha)


def _from_pil(image: Image.Image) -> NDArray[np.uint8]:
    try:
        if image.mode in ("RGBA", "LA", "PA") or (
            image.mode == "P" and "transparency" in image.info
        ):
            rgba = np.asarray(image.convert("RGBA"), dtype=np.float64) / 255.0
            return np.rint(_composite_on_white(rgba) * 255.0).astype(np.uint8)
        return np.asarray(image.convert("RGB"), dtype=np.uint8)
    except (OSError, ValueError) as exc:
        raise ValueError(f"unreadable image: {exc}") from exc


def _from_array(array: NDArray[np.generic]) -> NDArray[np.uint8]:
    if array.ndim == 3 and array.shape[2] == 1:
        array = array[..., 0]
    if array.ndim == 2:
        array = np.repeat(array[..., None], 3, axis=2)
    if array.ndim != 3 or array.shape[2] not in (3, 4):
        raise ValueError(f"expected an (H, W), (H, W, 3) or (H, W, 4) image, got {array.shape}")
    values = _unit_values(array)
    if values.shape[2] == 4:
        values = _composite_on_white(values)
    return np.rint(values * 255.0).astype(np.uint8)


def _unit_values(array: NDArray[np.generic]) -> NDArray[np.float64]:
    """Channel values scaled to [0, 1], refusing values outside the dtype's documented range."""
    if array.dtype == np.uint8:
        return array.astype(np.float64) / 255.0
    if np.issubdtype(array.dtype, np.floating):
        values = array.astype(np.float64)
        if not np.all(np.isfinite(values)):
            raise ValueError("image contains NaN or infinite values")
        if values.min() < 0.0 or values.max() > 1.0:
            raise ValueError("float images must hold values in [0, 1]")
        return values
    if np.issubdtype(array.dtype, np.integer) or array.dtype == np.bool_:
        values = array.astype(np.float64)
        if values.min() < 0.0 or values.max() > 255.0:
            raise ValueError("integer images must hold values in [0, 255]")
        return values / (1.0 if array.dtype == np.bool_ else 255.0)
    raise ValueError(f"unsupported image dtype {array.dtype}")


def as_rgb(image: PhotoInput) -> NDArray[np.uint8]:
    """Validate a photo and return it as a contiguous RGB ``uint8`` array.

    Args:
        image: A PIL image (any mode) or a numpy array ``(H, W)``, ``(H, W, 1)``, ``(H, W, 3)`` or
            ``(H, W, 4)`` in RGB(A) order, either ``uint8`` / integer in [0, 255] or float in
            [0, 1]. Transparent pixels are composited on white.

    Returns:
        ``(H, W, 3)`` ``uint8`` RGB array.

    Raises:
        ValueError: If the input is not an image, is empty, smaller than :data:`MIN_SIDE` or
            larger than :data:`MAX_SIDE` on a side, or holds out-of-range values.
    """
    if isinstance(image, Image.Image):
        width, height = image.size
        if min(width, height) < MIN_SIDE or max(width, height) > MAX_SIDE:
            raise ValueError(f"image of {width}×{height} px is outside {MIN_SIDE}..{MAX_SIDE} px")
        rgb = _from_pil(image)
    elif isinstance(image, np.ndarray):
        if image.size == 0:
            raise ValueError("image is empty")
        height, width = image.shape[:2] if image.ndim >= 2 else (image.size, 1)
        if min(height, width) < MIN_SIDE or max(height, width) > MAX_SIDE:
            raise ValueError(f"image of {width}×{height} px is outside {MIN_SIDE}..{MAX_SIDE} px")
        rgb = _from_array(image)
    else:
        raise ValueError(f"expected a PIL image or a numpy array, got {type(image).__name__}")
    return np.ascontiguousarray(rgb)
