"""Skin in model photos: pixels that belong to the wearer, not the garment.

Catalogue photos often show the garment worn, so the garment mask also holds face, arms and legs.
Skin is told apart by colour alone, with a box in CIELAB lightness, chroma and hue angle that
covers light to dark skin under studio light (hue 35°–68°, warm orange-red; moderate chroma):

    40 ≤ L* ≤ 88,   9 ≤ C*ab ≤ 40,   35° ≤ h_ab ≤ 68°

Garments can be skin-coloured too (nude, peach, tan), which colour alone cannot resolve; callers
therefore only discount skin when it is a minority of the garment mask.
"""

from __future__ import annotations

import numpy as np

from vision.colorspace import FloatArray, lab_to_lch
from vision.segmentation import BoolArray

SKIN_LIGHTNESS = (40.0, 88.0)
SKIN_CHROMA = (9.0, 40.0)
SKIN_HUE_DEGREES = (35.0, 68.0)


def skin_mask(lab: FloatArray) -> BoolArray:
    """Pixels whose colour is typical of skin.

    Args:
        lab: CIELAB pixels, shape ``(..., 3)``.

    Returns:
        Boolean array of the leading shape.
    """
    lch = lab_to_lch(lab)
    lightness, chroma, hue = lch[..., 0], lch[..., 1], lch[..., 2]
    return np.asarray(
        (lightness >= SKIN_LIGHTNESS[0])
        & (lightness <= SKIN_LIGHTNESS[1])
        & (chroma >= SKIN_CHROMA[0])
        & (chroma <= SKIN_CHROMA[1])
        & (hue >= SKIN_HUE_DEGREES[0])
        & (hue <= SKIN_HUE_DEGREES[1])
    )
