"""Colour-space conversions and the CIEDE2000 colour difference, vectorised over numpy arrays.

Everything here is pure and works on arrays whose last axis holds the three channels, so a
single colour ``(3,)``, a list of colours ``(N, 3)`` and an image ``(H, W, 3)`` all go through the
same code. The reference white is CIE D65 (the sRGB white point), with the 2° observer.

Pipeline::

    sRGB (gamma-encoded, 0..1) ⇄ linear RGB ⇄ CIE XYZ ⇄ CIELAB (L* 0..100)
"""

from __future__ import annotations

import re

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]

#: D65 reference white in XYZ, normalised so that Y = 1.
D65_WHITE: FloatArray = np.array([0.95047, 1.0, 1.08883])

# IEC 61966-2-1 primaries: linear sRGB → XYZ (D65).
_RGB_TO_XYZ: FloatArray = np.array(
    [
        [0.4124564, 0.3575761, 0.1804375],
        [0.2126729, 0.7151522, 0.0721750],
        [0.0193339, 0.1191920, 0.9503041],
    ]
)
_XYZ_TO_RGB: FloatArray = np.asarray(np.linalg.inv(_RGB_TO_XYZ), dtype=np.float64)

_EPSILON = 216.0 / 24389.0  # CIE ε: below this, f(t) is linear so that L* has no infinite slope
_KAPPA = 24389.0 / 27.0  # CIE κ
_HEX_PATTERN = re.compile(r"^#?([0-9a-fA-F]{6})$")

# 8-bit sRGB → linear lookup table: decoding photos is then one gather instead of a power per pixel.
_SRGB8_TO_LINEAR: FloatArray = np.empty(256)


def srgb_to_linear(rgb: ArrayLike) -> FloatArray:
    """Remove the sRGB transfer curve.

    ``C_lin = C / 12.92`` if ``C ≤ 0.04045`` else ``((C + 0.055) / 1.055) ** 2.4``.

    Args:
        rgb: Gamma-encoded sRGB values in [0, 1].

    Returns:
        Linear-light values, same shape.
    """
    c = np.asarray(rgb, dtype=np.float64)
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def linear_to_srgb(linear: ArrayLike) -> FloatArray:
    """Apply the sRGB transfer curve (inverse of :func:`srgb_to_linear`).

    Args:
        linear: Linear-light values; clipped to [0, 1] first (out-of-gamut colours are clamped).

    Returns:
        Gamma-encoded sRGB values in [0, 1].
    """
    c = np.clip(np.asarray(linear, dtype=np.float64), 0.0, 1.0)
    return np.where(c <= 0.0031308, 12.92 * c, 1.055 * c ** (1.0 / 2.4) - 0.055)


_SRGB8_TO_LINEAR[:] = srgb_to_linear(np.arange(256) / 255.0)


def linear_to_xyz(linear: ArrayLike) -> FloatArray:
    """Linear sRGB → CIE XYZ (D65, Y of white = 1)."""
    return np.asarray(linear, dtype=np.float64) @ _RGB_TO_XYZ.T


def xyz_to_linear(xyz: ArrayLike) -> FloatArray:
    """CIE XYZ (D65) → linear sRGB, unclipped (may leave [0, 1] for out-of-gamut colours)."""
    return np.asarray(xyz, dtype=np.float64) @ _XYZ_TO_RGB.T


def xyz_to_lab(xyz: ArrayLike) -> FloatArray:
    """CIE XYZ → CIELAB relative to D65.

    ``L* = 116 f(Y/Yn) − 16``, ``a* = 500 (f(X/Xn) − f(Y/Yn))``, ``b* = 200 (f(Y/Yn) − f(Z/Zn))``
    with ``f(t) = t^(1/3)`` above ε = 216/24389 and ``(κ t + 16) / 116`` below.

    Args:
        xyz: XYZ values with Y of the white point = 1.

    Returns:
        L*, a*, b* on the last axis.
    """
    t = np.asarray(xyz, dtype=np.float64) / D65_WHITE
    f = np.where(t > _EPSILON, np.cbrt(t), (_KAPPA * t + 16.0) / 116.0)
    lab = np.empty_like(f)
    lab[..., 0] = 116.0 * f[..., 1] - 16.0
    lab[..., 1] = 500.0 * (f[..., 0] - f[..., 1])
    lab[..., 2] = 200.0 * (f[..., 1] - f[..., 2])
    return lab


def lab_to_xyz(lab: ArrayLike) -> FloatArray:
    """CIELAB (D65) → CIE XYZ, the exact inverse of :func:`xyz_to_lab`."""
    lab_arr = np.asarray(lab, dtype=np.float64)
    fy = (lab_arr[..., 0] + 16.0) / 116.0
    f = np.stack([fy + lab_arr[..., 1] / 500.0, fy, fy - lab_arr[..., 2] / 200.0], axis=-1)
    t = np.where(f**3 > _EPSILON, f**3, (116.0 * f - 16.0) / _KAPPA)
    return t * D65_WHITE


def srgb_to_lab(rgb: ArrayLike) -> FloatArray:
    """Gamma-encoded sRGB in [0, 1] → CIELAB (D65)."""
    return xyz_to_lab(linear_to_xyz(srgb_to_linear(rgb)))


def srgb8_to_lab(rgb8: NDArray[np.uint8]) -> FloatArray:
    """8-bit sRGB (e.g. decoded photo pixels) → CIELAB, via a 256-entry lookup table.

    Args:
        rgb8: ``uint8`` array with channels R, G, B on the last axis.

    Returns:
        CIELAB values, same leading shape, ``float64``.
    """
    return xyz_to_lab(linear_to_xyz(_SRGB8_TO_LINEAR[np.asarray(rgb8, dtype=np.uint8)]))


def lab_to_srgb(lab: ArrayLike) -> FloatArray:
    """CIELAB (D65) → gamma-encoded sRGB in [0, 1]; out-of-gamut colours are clipped per channel."""
    return linear_to_srgb(xyz_to_linear(lab_to_xyz(lab)))


def hex_to_srgb(hex_code: str) -> FloatArray:
    """Parse ``"#rrggbb"`` (``#`` optional, case-insensitive) into sRGB in [0, 1].

    Raises:
        ValueError: If the string is not six hexadecimal digits.
    """
    match = _HEX_PATTERN.match(hex_code.strip())
    if match is None:
        raise ValueError(f"not a #rrggbb colour: {hex_code!r}")
    digits = match.group(1)
    return np.array([int(digits[i : i + 2], 16) for i in (0, 2, 4)], dtype=np.float64) / 255.0


def srgb_to_hex(rgb: ArrayLike) -> str:
    """Format one sRGB colour in [0, 1] as ``"#rrggbb"`` (values clipped and rounded)."""
    values = np.clip(np.rint(np.asarray(rgb, dtype=np.float64) * 255.0), 0, 255).astype(int)
    if values.shape != (3,):
        raise ValueError(f"expected one RGB triple, got shape {values.shape}")
    return "#{:02x}{:02x}{:02x}".format(*values)


def hex_to_lab(hex_code: str) -> FloatArray:
    """``"#rrggbb"`` → CIELAB (D65)."""
    return srgb_to_lab(hex_to_srgb(hex_code))


def lab_to_hex(lab: ArrayLike) -> str:
    """CIELAB (D65) → ``"#rrggbb"``, clipping out-of-gamut colours."""
    return srgb_to_hex(lab_to_srgb(lab))


def lab_to_lch(lab: ArrayLike) -> FloatArray:
    """CIELAB → cylindrical L*, C*ab, h_ab (hue angle in degrees, 0..360)."""
    lab_arr = np.asarray(lab, dtype=np.float64)
    chroma = np.hypot(lab_arr[..., 1], lab_arr[..., 2])
    hue = np.degrees(np.arctan2(lab_arr[..., 2], lab_arr[..., 1])) % 360.0
    return np.stack([lab_arr[..., 0], chroma, hue], axis=-1)


def lch_to_lab(lch: ArrayLike) -> FloatArray:
    """Cylindrical L*, C*ab, h_ab (degrees) → CIELAB."""
    lch_arr = np.asarray(lch, dtype=np.float64)
    h = np.radians(lch_arr[..., 2])
    return np.stack(
        [lch_arr[..., 0], lch_arr[..., 1] * np.cos(h), lch_arr[..., 1] * np.sin(h)], axis=-1
    )


def delta_e_2000(
    lab1: ArrayLike, lab2: ArrayLike, k_l: float = 1.0, k_c: float = 1.0, k_h: float = 1.0
) -> FloatArray:
    """CIEDE2000 colour difference ΔE00, broadcasting over the leading axes.

    Implements CIE 142-2001 exactly as written up by Sharma, Wu & Dalal (2005), "The CIEDE2000
    color-difference formula: implementation notes, supplementary test data, and mathematical
    observations", including their notes on hue-angle means and differences across 0°/360°:

    1. ``C̄ = (C1 + C2)/2``, ``G = 0.5 (1 − sqrt(C̄⁷ / (C̄⁷ + 25⁷)))``, ``a' = (1 + G) a*``.
    2. ``C' = sqrt(a'² + b²)``, ``h' = atan2(b, a') mod 360°``.
    3. ``ΔL' = L2 − L1``, ``ΔC' = C2' − C1'``, ``ΔH' = 2 sqrt(C1' C2') sin(Δh'/2)``.
    4. ``ΔE00 = sqrt((ΔL'/k_L S_L)² + (ΔC'/k_C S_C)² + (ΔH'/k_H S_H)²
       + R_T (ΔC'/k_C S_C)(ΔH'/k_H S_H))`` with the weighting functions S_L, S_C, S_H and the
       rotation term R_T of the standard.

    Args:
        lab1: CIELAB colours, shape ``(..., 3)``.
        lab2: CIELAB colours, broadcastable against ``lab1``.
        k_l: Parametric lightness weight (1 for reference conditions).
        k_c: Parametric chroma weight.
        k_h: Parametric hue weight.

    Returns:
        ΔE00, the broadcast shape without the channel axis.
    """
    a = np.asarray(lab1, dtype=np.float64)
    b = np.asarray(lab2, dtype=np.float64)
    l1, a1, b1 = a[..., 0], a[..., 1], a[..., 2]
    l2, a2, b2 = b[..., 0], b[..., 1], b[..., 2]

    c_bar = (np.hypot(a1, b1) + np.hypot(a2, b2)) / 2.0
    c_bar7 = c_bar**7
    g = 0.5 * (1.0 - np.sqrt(c_bar7 / (c_bar7 + 25.0**7)))
    a1p, a2p = (1.0 + g) * a1, (1.0 + g) * a2
    c1p, c2p = np.hypot(a1p, b1), np.hypot(a2p, b2)
    # atan2(0, 0) is 0 in numpy, which is the convention the standard asks for achromatic colours.
    h1p = np.degrees(np.arctan2(b1, a1p)) % 360.0
    h2p = np.degrees(np.arctan2(b2, a2p)) % 360.0

    chroma_product = c1p * c2p
    dhp = h2p - h1p
    dhp = np.where(dhp > 180.0, dhp - 360.0, dhp)
    dhp = np.where(dhp < -180.0, dhp + 360.0, dhp)
    dhp = np.where(chroma_product == 0.0, 0.0, dhp)
    d_lp = l2 - l1
    d_cp = c2p - c1p
    d_hp = 2.0 * np.sqrt(chroma_product) * np.sin(np.radians(dhp) / 2.0)

    l_bar_p = (l1 + l2) / 2.0
    c_bar_p = (c1p + c2p) / 2.0
    h_sum = h1p + h2p
    h_bar_p = np.where(
        np.abs(h1p - h2p) <= 180.0,
        h_sum / 2.0,
        np.where(h_sum < 360.0, (h_sum + 360.0) / 2.0, (h_sum - 360.0) / 2.0),
    )
    h_bar_p = np.where(chroma_product == 0.0, h_sum, h_bar_p)

    t = (
        1.0
        - 0.17 * np.cos(np.radians(h_bar_p - 30.0))
        + 0.24 * np.cos(np.radians(2.0 * h_bar_p))
        + 0.32 * np.cos(np.radians(3.0 * h_bar_p + 6.0))
        - 0.20 * np.cos(np.radians(4.0 * h_bar_p - 63.0))
    )
    d_theta = 30.0 * np.exp(-(((h_bar_p - 275.0) / 25.0) ** 2))
    c_bar_p7 = c_bar_p**7
    r_c = 2.0 * np.sqrt(c_bar_p7 / (c_bar_p7 + 25.0**7))
    l_term = (l_bar_p - 50.0) ** 2
    s_l = 1.0 + 0.015 * l_term / np.sqrt(20.0 + l_term)
    s_c = 1.0 + 0.045 * c_bar_p
    s_h = 1.0 + 0.015 * c_bar_p * t
    r_t = -np.sin(np.radians(2.0 * d_theta)) * r_c

    dl = d_lp / (k_l * s_l)
    dc = d_cp / (k_c * s_c)
    dh = d_hp / (k_h * s_h)
    result: FloatArray = np.sqrt(np.maximum(dl**2 + dc**2 + dh**2 + r_t * dc * dh, 0.0))
    return result
