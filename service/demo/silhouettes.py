"""Flat-lay garment outlines per category, as shapes in a unit frame.

Coordinates are fractions of the photo's width (x) and height (y), with the garment centred on
x = 0.5. Shapes are painted in order, later over earlier, like a painter would: sleeves before the
torso that covers their seams, the inside of a neckline over the torso. Each shape says what it is
made of (:data:`Role`): the garment's fabric (shaded by ``tone``, below 1 for insides and seams),
trim (shoe soles), hardware (buttons, clasps) or contrast stitching.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

Point = tuple[float, float]
Role = Literal["fabric", "trim", "hardware", "stitch"]
Kind = Literal["polygon", "ellipse", "line"]


@dataclass(frozen=True)
class Shape:
    """One painted region or stroke."""

    kind: Kind
    points: tuple[Point, ...]
    """Polygon vertices, line vertices, or an ellipse's bounding box corners."""
    role: Role = "fabric"
    tone: float = 1.0
    """Brightness relative to the lit fabric (fabric only): insides ~0.7, seams ~0.6."""
    width: float = 0.0
    """Stroke width of a line, as a fraction of the photo width."""


@dataclass(frozen=True)
class Silhouette:
    """Everything drawn for one garment, plus where a chest print would go."""

    shapes: tuple[Shape, ...]
    print_box: tuple[float, float, float, float] | None = None
    """``(x0, y0, x1, y1)`` of a placed graphic; ``None``: prints repeat all over."""


def silhouette(category: str, sleeve: str, neckline: str) -> Silhouette:
    """The outline of a garment of ``category`` with the given sleeve and neckline.

    Raises:
        KeyError: ``category`` has no drawing.
    """
    return _DRAWINGS[category](sleeve, neckline)


# -- shape helpers -------------------------------------------------------------------------


def _poly(points: Sequence[Point], tone: float = 1.0, role: Role = "fabric") -> Shape:
    return Shape("polygon", tuple(points), role, tone)


def _line(points: Sequence[Point], width: float, tone: float = 0.6, role: Role = "fabric") -> Shape:
    return Shape("line", tuple(points), role, tone, width)


def _ellipse(
    cx: float, cy: float, rx: float, ry: float, tone: float = 1.0, role: Role = "fabric"
) -> Shape:
    return Shape("ellipse", ((cx - rx, cy - ry), (cx + rx, cy + ry)), role, tone)


def _flip(points: Iterable[Point]) -> list[Point]:
    """The mirror image about the centre line x = 0.5."""
    return [(1 - x, y) for x, y in points]


def _mirror(right: Sequence[Point]) -> list[Point]:
    """A symmetric polygon from its right half, listed top to bottom."""
    return [*right, *_flip(reversed(right))]


def _both(shape: Shape) -> list[Shape]:
    """A shape and its mirror image."""
    return [
        shape,
        Shape(shape.kind, tuple(_flip(shape.points)), shape.role, shape.tone, shape.width),
    ]


def _arc(
    cx: float, cy: float, rx: float, ry: float, start: float, end: float, n: int = 9
) -> list[Point]:
    """Points along an elliptical arc; angles in degrees, 0 = right, 90 = down."""
    angles = [math.radians(start + (end - start) * i / (n - 1)) for i in range(n)]
    return [(cx + rx * math.cos(a), cy + ry * math.sin(a)) for a in angles]


def _placed(points: Sequence[Point], box: tuple[float, float, float, float]) -> list[Point]:
    """Points from a local unit frame into ``box`` = (x0, y0, x1, y1) of the photo."""
    x0, y0, x1, y1 = box
    return [(x0 + x * (x1 - x0), y0 + y * (y1 - y0)) for x, y in points]


# -- tops, dresses and outerwear -------------------------------------------------------------

_NECK_Y = 0.15


def _sleeves(shoulder: Point, armpit: Point, sleeve: str, bottom: float) -> list[Shape]:
    sx, sy = shoulder
    if sleeve == "short":
        right = [shoulder, (sx + 0.12, sy + 0.12), (sx + 0.05, sy + 0.19), armpit]
        return _both(_poly(right))
    if sleeve == "long":
        cuff = min(bottom, 0.78)
        right = [shoulder, (sx + 0.12, cuff), (sx + 0.035, cuff + 0.015), armpit]
        band = [
            (sx + 0.108, cuff - 0.05),
            (sx + 0.12, cuff),
            (sx + 0.035, cuff + 0.015),
            (sx + 0.03, cuff - 0.035),
        ]
        return [*_both(_poly(right)), *_both(_poly(band, 0.9))]
    return []


def _neckline(neckline: str, neck: float) -> list[Shape]:
    """The opening at the neck: the inside back of the garment shows through it."""
    if neckline == "none":  # drawn by the caller (lapels)
        return []
    back = _arc(0.5, _NECK_Y, neck, 0.018, 180, 360)
    if neckline == "v-neck":
        front = [(0.5 + neck, _NECK_Y), (0.5, _NECK_Y + 0.11), (0.5 - neck, _NECK_Y)]
        return [_poly([*back, *front], 0.68), _line(front, 0.012, 0.85)]
    if neckline == "collar":
        return _collar(neck, back)
    front = _arc(0.5, _NECK_Y, neck, 0.045, 0, 180)
    return [_poly([*back, *front], 0.68), _line(front, 0.014, 0.85)]


def _collar(neck: float, back: list[Point]) -> list[Shape]:
    stand = [*back, (0.5 + neck, _NECK_Y + 0.01), (0.5 - neck, _NECK_Y + 0.01)]
    leaf = [
        (0.505, _NECK_Y + 0.05),
        (0.5 + neck + 0.004, _NECK_Y - 0.012),
        (0.5 + neck + 0.03, _NECK_Y + 0.065),
        (0.52, _NECK_Y + 0.09),
    ]
    return [_poly(stand, 0.7), *_both(_poly(leaf, 0.97)), *_both(_line([*leaf, leaf[0]], 0.006))]


def _hood() -> list[Shape]:
    return [
        _ellipse(0.5, _NECK_Y - 0.035, 0.13, 0.085),
        _ellipse(0.5, _NECK_Y - 0.02, 0.075, 0.055, 0.62),
        *_both(_line([(0.53, _NECK_Y + 0.02), (0.535, _NECK_Y + 0.16)], 0.01, 0.8)),
    ]


def _torso(
    sleeve: str,
    neckline: str,
    profile: Sequence[Point],
    *,
    neck: float = 0.08,
    shoulder: float = 0.245,
) -> list[Shape]:
    """A top-like garment: sleeves, body down the given right-hand profile, neckline.

    Args:
        sleeve: ``"sleeveless"``, ``"short"`` or ``"long"``.
        neckline: The neckline's kind (``"v-neck"``, ``"collar"``, ``"hooded"``, ...).
        profile: ``(x, y)`` points of the right side from the armpit down to the hem.
        neck: Half-width of the neck opening.
        shoulder: Half-width at the shoulders.
    """
    hem_y = profile[-1][1]
    if sleeve == "sleeveless":
        strap = (0.5 + neck + 0.045, _NECK_Y - 0.005)
        right = [(0.5 + neck, _NECK_Y), strap, (profile[0][0] - 0.03, 0.24), *profile]
        shapes: list[Shape] = []
    else:
        shoulder_pt = (0.5 + shoulder, _NECK_Y + 0.035)
        right = [(0.5 + neck, _NECK_Y), shoulder_pt, *profile]
        shapes = _sleeves(shoulder_pt, profile[0], sleeve, hem_y)
    if neckline == "hooded":
        shapes = [*_hood()[:1], *shapes]
    shapes.append(_poly(_mirror(right)))
    if neckline == "hooded":
        shapes.extend(_hood()[1:])
    else:
        shapes.extend(_neckline(neckline, neck))
    hem_x = profile[-1][0] - 0.01
    shapes.append(_line([(hem_x, hem_y - 0.02), (1 - hem_x, hem_y - 0.02)], 0.005, 0.8))
    return shapes


def _placket(top: float, bottom: float, buttons: int, offset: float = 0.0) -> list[Shape]:
    x = 0.5 + offset
    shapes = [_line([(x, top), (x, bottom)], 0.006, 0.7)]
    step = (bottom - top) / max(buttons, 1)
    for i in range(buttons):
        y = top + step * (i + 0.5)
        shapes.append(_ellipse(x + 0.012, y, 0.011, 0.0075, role="hardware"))
    return shapes


_CHEST = (0.41, 0.27, 0.59, 0.42)


def _tshirt(sleeve: str, neckline: str) -> Silhouette:
    profile = [(0.71, 0.33), (0.705, 0.55), (0.715, 0.8)]
    return Silhouette(tuple(_torso(sleeve, neckline, profile)), _CHEST)


def _tank_top(sleeve: str, neckline: str) -> Silhouette:
    profile = [(0.69, 0.32), (0.68, 0.55), (0.7, 0.8)]
    return Silhouette(tuple(_torso("sleeveless", neckline, profile, neck=0.095)), _CHEST)


def _shirt(sleeve: str, neckline: str) -> Silhouette:
    profile = [(0.715, 0.33), (0.71, 0.6), (0.72, 0.8), (0.66, 0.84), (0.5, 0.82)]
    shapes = _torso(sleeve, "collar", profile)
    shapes += _placket(_NECK_Y + 0.09, 0.8, 6)
    shapes.append(
        _line([(0.58, 0.3), (0.66, 0.3), (0.66, 0.38), (0.58, 0.38), (0.58, 0.3)], 0.005, 0.75)
    )
    return Silhouette(tuple(shapes))


def _blouse(sleeve: str, neckline: str) -> Silhouette:
    profile = [(0.7, 0.33), (0.69, 0.5), (0.73, 0.76)]
    shapes = _torso(sleeve, neckline, profile, neck=0.085)
    if neckline == "collar":
        shapes += _placket(_NECK_Y + 0.09, 0.74, 4)
    return Silhouette(tuple(shapes))


def _sweater(sleeve: str, neckline: str) -> Silhouette:
    profile = [(0.725, 0.34), (0.72, 0.6), (0.71, 0.79)]
    shapes = _torso("long", neckline, profile)
    shapes.append(_poly(_mirror([(0.71, 0.74), (0.71, 0.79)]), 0.88))
    return Silhouette(tuple(shapes), _CHEST)


def _hoodie(sleeve: str, neckline: str) -> Silhouette:
    profile = [(0.73, 0.34), (0.725, 0.6), (0.715, 0.8)]
    shapes = _torso("long", "hooded", profile)
    shapes.append(_poly(_mirror([(0.715, 0.75), (0.715, 0.8)]), 0.88))
    pocket = [(0.37, 0.6), (0.63, 0.6), (0.66, 0.72), (0.34, 0.72), (0.37, 0.6)]
    shapes.append(_line(pocket, 0.007, 0.7))
    return Silhouette(tuple(shapes), (0.41, 0.32, 0.59, 0.46))


def _dress(sleeve: str, neckline: str) -> Silhouette:
    profile = [(0.675, 0.31), (0.655, 0.43), (0.72, 0.7), (0.8, 0.93)]
    shapes = _torso(sleeve, neckline, profile, neck=0.075, shoulder=0.2)
    shapes.append(_line([(0.655, 0.43), (0.345, 0.43)], 0.007, 0.72))
    return Silhouette(tuple(shapes))


def _lapels(neck: float, bottom: float) -> list[Shape]:
    gap = [(0.5 - neck, _NECK_Y), (0.5 + neck, _NECK_Y), (0.5, bottom)]
    lapel = [
        (0.5 + neck, _NECK_Y),
        (0.5 + 0.015, bottom),
        (0.5 + 0.1, _NECK_Y + 0.09),
        (0.5 + neck + 0.04, _NECK_Y + 0.02),
    ]
    return [
        _poly(gap, 0.6),
        *_both(_poly(lapel, 0.9)),
        *_both(_line([*lapel, lapel[0]], 0.006, 0.6)),
    ]


def _coat(sleeve: str, neckline: str) -> Silhouette:
    profile = [(0.735, 0.34), (0.73, 0.6), (0.76, 0.93)]
    shapes = _torso("long", "none", profile, shoulder=0.25)
    shapes += _lapels(0.08, 0.36)
    shapes += [_line([(0.5, 0.36), (0.5, 0.93)], 0.006, 0.65)]
    for y in (0.44, 0.56, 0.68):
        shapes += _both(_ellipse(0.555, y, 0.014, 0.0095, role="hardware"))
    shapes += _both(_line([(0.6, 0.66), (0.69, 0.64)], 0.008, 0.65))
    return Silhouette(tuple(shapes))


def _jacket(sleeve: str, neckline: str) -> Silhouette:
    profile = [(0.735, 0.34), (0.73, 0.55), (0.725, 0.7)]
    if neckline == "hooded":
        shapes = _torso("long", "hooded", profile)
    else:
        shapes = _torso("long", "collar", profile)
    shapes.append(_line([(0.5, _NECK_Y + 0.06), (0.5, 0.7)], 0.01, role="hardware"))
    shapes.append(_poly(_mirror([(0.725, 0.66), (0.725, 0.7)]), 0.85))
    shapes += _both(_line([(0.58, 0.5), (0.63, 0.62)], 0.007, 0.65))
    return Silhouette(tuple(shapes))


# -- bottoms ---------------------------------------------------------------------------------


def _legs(hem_y: float, hem_out: float, hem_in: float, crotch: float) -> list[Point]:
    return [(0.7, 0.06), (0.72, 0.26), (hem_out, hem_y), (hem_in, hem_y), (0.5, crotch)]


def _waistband() -> list[Shape]:
    band = [(0.3, 0.06), (0.7, 0.06), (0.702, 0.1), (0.298, 0.1)]
    loops = [_line([(x, 0.055), (x, 0.105)], 0.012, 0.85) for x in (0.34, 0.45, 0.55, 0.66)]
    return [_poly(band, 0.9), *loops]


def _trousers_shapes(hem_y: float, hem_out: float, hem_in: float, crotch: float) -> list[Shape]:
    right = _legs(hem_y, hem_out, hem_in, crotch)
    body = _poly([*right, *_flip(reversed(right[:-1]))])
    fly = _line([(0.52, 0.1), (0.52, crotch - 0.09), (0.5, crotch - 0.05)], 0.006, 0.65)
    pocket = _line(_arc(0.72, 0.1, 0.1, 0.09, 90, 180, 6), 0.006, 0.65)
    return [body, *_waistband(), fly, *_both(pocket)]


def _jeans(sleeve: str, neckline: str) -> Silhouette:
    shapes = _trousers_shapes(0.95, 0.715, 0.535, 0.37)
    seams = [(0.52, 0.1), (0.52, 0.27)], [(0.715, 0.93), (0.535, 0.93)]
    for seam in seams:
        shapes += _both(_line(seam, 0.005, role="stitch"))
    shapes.append(_ellipse(0.5, 0.08, 0.012, 0.01, role="hardware"))
    return Silhouette(tuple(shapes))


def _trousers(sleeve: str, neckline: str) -> Silhouette:
    shapes = _trousers_shapes(0.95, 0.73, 0.53, 0.37)
    shapes += _both(_line([(0.63, 0.3), (0.63, 0.95)], 0.005, 0.85))
    return Silhouette(tuple(shapes))


def _shorts(sleeve: str, neckline: str) -> Silhouette:
    right = [(0.74, 0.22), (0.8, 0.38), (0.86, 0.72), (0.53, 0.74), (0.5, 0.5)]
    body = _poly([*right, *_flip(reversed(right[:-1]))])
    band = _poly([(0.26, 0.22), (0.74, 0.22), (0.745, 0.27), (0.255, 0.27)], 0.9)
    fly = _line([(0.525, 0.27), (0.525, 0.42), (0.5, 0.46)], 0.007, 0.65)
    hem = _line([(0.855, 0.69), (0.535, 0.71)], 0.006, 0.75)
    return Silhouette((body, band, fly, *_both(hem)))


def _skirt(sleeve: str, neckline: str) -> Silhouette:
    hem = _arc(0.5, 0.76, 0.32, 0.04, 0, 180)
    body = _poly([(0.32, 0.18), (0.68, 0.18), *hem])
    band = _poly([(0.32, 0.18), (0.68, 0.18), (0.685, 0.23), (0.315, 0.23)], 0.9)
    pleats = [_line([(x, 0.23), (0.5 + (x - 0.5) * 1.8, 0.78)], 0.005, 0.8) for x in (0.42, 0.58)]
    return Silhouette((body, band, *pleats))


# -- shoes, basics, accessories --------------------------------------------------------------

_SNEAKER_SOLE = [(0.02, 0.72), (0.04, 0.66), (0.95, 0.66), (0.98, 0.72), (0.94, 0.8), (0.05, 0.8)]
_SNEAKER_UPPER = [
    (0.05, 0.67), (0.06, 0.32), (0.12, 0.22), (0.3, 0.2), (0.42, 0.32),
    (0.62, 0.42), (0.84, 0.5), (0.95, 0.6), (0.95, 0.67),
]  # fmt: skip
_BOOT_UPPER = [
    (0.08, 0.86), (0.1, 0.0), (0.46, 0.0), (0.48, 0.52), (0.72, 0.62),
    (0.92, 0.72), (0.95, 0.86),
]  # fmt: skip
_BOOT_SOLE = [(0.06, 0.86), (0.97, 0.86), (0.97, 0.93), (0.3, 0.93), (0.3, 1.0), (0.06, 1.0)]


def _sneaker(box: tuple[float, float, float, float], tone: float) -> list[Shape]:
    laces = [
        _line(
            _placed([(0.38 + 0.06 * i, 0.3 + 0.04 * i), (0.46 + 0.06 * i, 0.27 + 0.04 * i)], box),
            0.012,
            tone * 0.55,
        )
        for i in range(4)
    ]
    return [
        _poly(_placed(_SNEAKER_UPPER, box), tone),
        _ellipse(*_placed([(0.2, 0.24)], box)[0], 0.06, 0.012, tone * 0.55),
        _line(_placed([(0.62, 0.44), (0.68, 0.64)], box), 0.006, tone * 0.7),
        _poly(_placed(_SNEAKER_SOLE, box), role="trim"),
        *laces,
    ]


def _sneakers(sleeve: str, neckline: str) -> Silhouette:
    back = _sneaker((0.1, 0.22, 0.94, 0.52), 0.82)
    front = _sneaker((0.04, 0.42, 0.9, 0.74), 1.0)
    return Silhouette((*back, *front))


def _boot(box: tuple[float, float, float, float], tone: float) -> list[Shape]:
    return [
        _poly(_placed(_BOOT_UPPER, box), tone),
        _ellipse(*_placed([(0.28, 0.0)], box)[0], 0.09, 0.008, tone * 0.5),
        _line(_placed([(0.46, 0.05), (0.48, 0.5)], box), 0.006, tone * 0.65),
        _poly(_placed(_BOOT_SOLE, box), role="trim"),
    ]


def _boots(sleeve: str, neckline: str) -> Silhouette:
    return Silhouette((*_boot((0.22, 0.1, 0.92, 0.72), 0.82), *_boot((0.08, 0.28, 0.8, 0.9), 1.0)))


_SOCK = [
    (0.18, 0.0), (0.62, 0.0), (0.62, 0.6), (0.92, 0.76), (0.96, 0.9), (0.84, 1.0),
    (0.42, 0.96), (0.18, 0.78),
]  # fmt: skip
_SOCK_CUFF = [(0.18, 0.0), (0.62, 0.0), (0.62, 0.12), (0.18, 0.12)]
_SOCK_TOE = [(0.84, 0.78), (0.94, 0.84), (0.96, 0.9), (0.84, 1.0), (0.76, 0.99)]
_BRIEFS = [
    (0.2, 0.32), (0.8, 0.32), (0.82, 0.56), (0.84, 0.68), (0.6, 0.7), (0.5, 0.62),
    (0.4, 0.7), (0.16, 0.68), (0.18, 0.56),
]  # fmt: skip


def _socks(sleeve: str, neckline: str) -> Silhouette:
    shapes: list[Shape] = []
    for box, tone in (((0.3, 0.1, 0.92, 0.82), 0.85), ((0.08, 0.18, 0.7, 0.9), 1.0)):
        shapes.append(_poly(_placed(_SOCK, box), tone))
        shapes.append(_poly(_placed(_SOCK_CUFF, box), tone * 0.88))
        shapes.append(_poly(_placed(_SOCK_TOE, box), tone * 0.9))
    return Silhouette(tuple(shapes))


def _briefs(sleeve: str, neckline: str) -> Silhouette:
    band = _poly([(0.2, 0.32), (0.8, 0.32), (0.805, 0.39), (0.195, 0.39)], 0.78)
    pouch = [(0.44, 0.4), (0.45, 0.58), (0.5, 0.62), (0.55, 0.58), (0.56, 0.4)]
    return Silhouette((_poly(_BRIEFS), band, _line(pouch, 0.006, 0.7)))


def _bag(sleeve: str, neckline: str) -> Silhouette:
    handle = _line(_arc(0.5, 0.42, 0.17, 0.22, 180, 360, 13), 0.035, 0.9)
    body = _poly([(0.2, 0.4), (0.8, 0.4), (0.86, 0.82), (0.14, 0.82)])
    flap = [(0.2, 0.4), (0.8, 0.4), (0.78, 0.56), (0.5, 0.62), (0.22, 0.56)]
    clasp = _poly([(0.47, 0.57), (0.53, 0.57), (0.53, 0.63), (0.47, 0.63)], role="hardware")
    return Silhouette(
        (handle, body, _poly(flap, 0.94), _line([*flap, flap[0]], 0.006, 0.65), clasp)
    )


def _scarf(sleeve: str, neckline: str) -> Silhouette:
    loop = _poly([(0.3, 0.1), (0.7, 0.1), (0.66, 0.24), (0.34, 0.24)], 0.9)
    back = _poly([(0.34, 0.2), (0.5, 0.2), (0.47, 0.8), (0.31, 0.8)], 0.88)
    front = _poly([(0.5, 0.2), (0.66, 0.2), (0.69, 0.86), (0.53, 0.86)])
    fringe = [_line([(x, 0.86), (x + 0.005, 0.9)], 0.008, 0.9) for x in (0.55, 0.59, 0.63, 0.67)]
    return Silhouette((loop, back, front, *fringe))


_DRAWINGS: dict[str, Callable[[str, str], Silhouette]] = {
    "t-shirt": _tshirt,
    "tank top": _tank_top,
    "shirt": _shirt,
    "blouse": _blouse,
    "sweater": _sweater,
    "hoodie": _hoodie,
    "dress": _dress,
    "coat": _coat,
    "jacket": _jacket,
    "jeans": _jeans,
    "trousers": _trousers,
    "shorts": _shorts,
    "skirt": _skirt,
    "sneakers": _sneakers,
    "boots": _boots,
    "socks": _socks,
    "briefs": _briefs,
    "bag": _bag,
    "scarf": _scarf,
}
