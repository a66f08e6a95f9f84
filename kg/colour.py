"""Colour arithmetic for mapping colours across views: sRGB hex → CIELAB (D65) and CIEDE2000.

Kept inside ``kg`` (rather than borrowed from ``vision``) because ``kg`` is a leaf package; the
formulas are the standard ones (IEC 61966-2-1 for sRGB, Sharma, Wu & Dalal 2005 for CIEDE2000).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]

_D65 = np.array([0.95047, 1.0, 1.08883])
_SRGB_TO_XYZ = np.array(
    [
        [0.4124564, 0.3575761, 0.1804375],
        [0.2126729, 0.7151522, 0.0721750],
        [0.0193339, 0.1191920, 0.9503041],
    ]
)


def hex_to_lab(hex_colour: str) -> tuple[float, float, float]:
    """CIELAB (D65) of an sRGB colour written ``#rrggbb``.

    Raises:
        ValueError: If the text is not a 6-digit hex colour.
    """
    text = hex_colour.strip().lstrip("#")
    if len(text) != 6:
        raise ValueError(f"not a #rrggbb colour: {hex_colour!r}")
    rgb = np.array([int(text[i : i + 2], 16) for i in (0, 2, 4)], dtype=np.float64) / 255.0
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    xyz = (_SRGB_TO_XYZ @ linear) / _D65
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    lab = (116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2]))
    return (float(lab[0]), float(lab[1]), float(lab[2]))


def delta_e_2000(lab: FloatArray, references: FloatArray) -> FloatArray:
    """CIEDE2000 distance from one Lab colour (3,) to each of ``references`` (N, 3)."""
    l1, a1, b1 = lab
    l2, a2, b2 = references[:, 0], references[:, 1], references[:, 2]
    c_bar = (np.hypot(a1, b1) + np.hypot(a2, b2)) / 2
    g = 0.5 * (1 - np.sqrt(c_bar**7 / (c_bar**7 + 25.0**7)))
    a1p, a2p = a1 * (1 + g), a2 * (1 + g)
    c1p, c2p = np.hypot(a1p, b1), np.hypot(a2p, b2)
    h1p = np.degrees(np.arctan2(b1, a1p)) % 360
    h2p = np.degrees(np.arctan2(b2, a2p)) % 360
    dlp, dcp = l2 - l1, c2p - c1p
    dh = h2p - h1p
    dh = np.where(dh > 180, dh - 360, np.where(dh < -180, dh + 360, dh))
    dh = np.where(c1p * c2p == 0, 0.0, dh)
    dhp = 2 * np.sqrt(c1p * c2p) * np.sin(np.radians(dh / 2))
    l_bar, c_bar_p = (l1 + l2) / 2, (c1p + c2p) / 2
    h_sum = h1p + h2p
    h_bar = np.where(
        np.abs(h1p - h2p) > 180,
        np.where(h_sum < 360, (h_sum + 360) / 2, (h_sum - 360) / 2),
        h_sum / 2,
    )
    h_bar = np.where(c1p * c2p == 0, h_sum, h_bar)
    t = (
        1
        - 0.17 * np.cos(np.radians(h_bar - 30))
        + 0.24 * np.cos(np.radians(2 * h_bar))
        + 0.32 * np.cos(np.radians(3 * h_bar + 6))
        - 0.20 * np.cos(np.radians(4 * h_bar - 63))
    )
    s_l = 1 + 0.015 * (l_bar - 50) ** 2 / np.sqrt(20 + (l_bar - 50) ** 2)
    s_c = 1 + 0.045 * c_bar_p
    s_h = 1 + 0.015 * c_bar_p * t
    r_t = (
        -2
        * np.sqrt(c_bar_p**7 / (c_bar_p**7 + 25.0**7))
        * np.sin(np.radians(60 * np.exp(-(((h_bar - 275) / 25) ** 2))))
    )
    terms = (dlp / s_l, dcp / s_c, dhp / s_h)
    result: FloatArray = np.sqrt(
        terms[0] ** 2 + terms[1] ** 2 + terms[2] ** 2 + r_t * terms[1] * terms[2]
    )
    return result


def nearest(lab: tuple[float, float, float], references: FloatArray) -> tuple[int, float]:
    """Index of the reference nearest ``lab`` under CIEDE2000, and its distance."""
    distances = delta_e_2000(np.asarray(lab, dtype=np.float64), references)
    index = int(np.argmin(distances))
    return index, float(distances[index])
