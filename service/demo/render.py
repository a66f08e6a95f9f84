"""Product photos: a garment silhouette in its colour and print, lit, on a light studio backdrop.

The drawing is deterministic from the seeds in :class:`PhotoSpec`. Outlines are drawn at twice
the photo size as a map of labels (which shape covers each pixel) and averaged down, which gives
anti-aliased edges at the cost of one small array reduction per layer.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from service.demo.patterns import Rgb, draw_layout, fabric, pixel_grid
from service.demo.silhouettes import Point, Shape, Silhouette, silhouette

_SUPERSAMPLE = 2
# Labels in the double-size label map: fabric tone t is stored as 1 + round(100 t).
_BODY_LABEL = 101
_TRIM, _HARDWARE, _STITCH = 250, 251, 252
_SOLES: dict[str, Rgb] = {"sneakers": (236, 234, 228), "boots": (44, 38, 34)}
_METAL: Rgb = (158, 158, 162)
_DENIM_THREAD: Rgb = (204, 150, 72)


@dataclass(frozen=True)
class PhotoSpec:
    """Everything that decides what one product photo looks like."""

    category: str
    sleeve: str
    neckline: str
    pattern: str
    material: str
    colour: Rgb
    pattern_colour: Rgb | None
    style_entropy: tuple[int, ...]
    """Seeds the garment's pose and print geometry: the same for every colourway of a style."""
    shot_entropy: tuple[int, ...]
    """Seeds the backdrop, folds and sensor noise of this one photo."""


@dataclass(frozen=True)
class Photo:
    """A rendered photo and where the garment's main fabric is, for checking the colours."""

    image: Image.Image
    body: np.ndarray
    """``(height, width)`` share of each pixel covered by fully lit main fabric (0..1)."""


def render(spec: PhotoSpec, size: tuple[int, int]) -> Photo:
    """Draw the product photo described by ``spec`` at ``size`` = (width, height)."""
    style_rng = np.random.default_rng(np.random.SeedSequence(spec.style_entropy))
    shot_rng = np.random.default_rng(np.random.SeedSequence(spec.shot_entropy))
    outline = _posed(silhouette(spec.category, spec.sleeve, spec.neckline), style_rng)
    layout = draw_layout(spec.pattern, style_rng)
    labels = _label_map(outline, size)
    layers = _layers(labels)
    cover = layers["cover"]
    soft = _blur(cover, radius=max(2.0, size[0] / 40))
    shade = _shading(soft, layers["body"], spec.material, shot_rng)
    cloth = fabric(layout, spec.colour, spec.pattern_colour, size, outline.print_box)
    garment = cloth * (shade * layers["tone"])[..., None]
    for name, colour in (
        ("trim", _SOLES.get(spec.category, (230, 228, 224))),
        ("hardware", _hardware_colour(spec)),
        ("stitch", _stitch_colour(spec)),
    ):
        if name in layers:
            garment += (layers[name] * shade)[..., None] * np.array(colour, dtype=np.float32)
    pixels = _backdrop(soft, shot_rng) * (1 - cover)[..., None] + garment
    pixels *= (1 - 0.3 * _edges(cover))[..., None]  # a thin dark rim keeps white-on-white visible
    pixels += 1.2 * shot_rng.standard_normal(size=(size[1], size[0], 1), dtype=np.float32)
    image = Image.fromarray(np.clip(pixels + 0.5, 0, 255).astype(np.uint8), "RGB")
    return Photo(image, layers["body"])


def _posed(outline: Silhouette, rng: np.random.Generator) -> Silhouette:
    """The outline slightly scaled and shifted, as no two product shots are framed alike."""
    scale = rng.uniform(0.93, 1.02)
    dx, dy = rng.uniform(-0.015, 0.015, size=2)

    def move(p: Point) -> Point:
        return 0.5 + (p[0] - 0.5) * scale + dx, 0.5 + (p[1] - 0.5) * scale + dy

    shapes = tuple(
        Shape(s.kind, tuple(move(p) for p in s.points), s.role, s.tone, s.width * scale)
        for s in outline.shapes
    )
    box = outline.print_box
    if box is not None:
        (x0, y0), (x1, y1) = move((box[0], box[1])), move((box[2], box[3]))
        box = (x0, y0, x1, y1)
    return Silhouette(shapes, box)


def _label_map(outline: Silhouette, size: tuple[int, int]) -> Image.Image:
    """Which shape covers each pixel of a double-size canvas (0: backdrop)."""
    width, height = size[0] * _SUPERSAMPLE, size[1] * _SUPERSAMPLE
    canvas = Image.new("L", (width, height))
    draw = ImageDraw.Draw(canvas)
    for shape in outline.shapes:
        label = _label(shape)
        points = [(x * width, y * height) for x, y in shape.points]
        if shape.kind == "polygon":
            draw.polygon(points, fill=label)
        elif shape.kind == "ellipse":
            (x0, y0), (x1, y1) = points  # corners; a mirrored ellipse lists them swapped
            draw.ellipse((min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)), fill=label)
        else:
            draw.line(points, fill=label, width=max(1, round(shape.width * width)), joint="curve")
    return canvas


def _label(shape: Shape) -> int:
    if shape.role == "fabric":
        return 1 + round(100 * min(shape.tone, 1.0))
    return {"trim": _TRIM, "hardware": _HARDWARE, "stitch": _STITCH}[shape.role]


def _layers(labels: Image.Image) -> dict[str, np.ndarray]:
    """Per-pixel coverage of each material at photo size, from the double-size label map.

    Layers that nothing is made of (most garments have no sole) are left out. Both steps run in
    Pillow's C code (a point table, a box reduction), far faster than numpy on the double-size
    map.
    """
    present = labels.histogram()
    return {
        name: np.asarray(labels.point(table).reduce(_SUPERSAMPLE), dtype=np.float32) / 255
        for name, table in _LAYER_TABLES.items()
        if any(present[code] for code in range(256) if table[code])
    }


def _layer_tables() -> dict[str, list[int]]:
    """For each layer, the 0..255 coverage (or tone) of each label."""
    codes = np.arange(256)
    tone = np.zeros(256)
    tone[1 : _BODY_LABEL + 1] = (codes[1 : _BODY_LABEL + 1] - 1) / 100
    shares = {
        "tone": tone,
        "cover": codes > 0,
        "body": codes == _BODY_LABEL,
        "trim": codes == _TRIM,
        "hardware": codes == _HARDWARE,
        "stitch": codes == _STITCH,
    }
    return {name: np.round(share * 255).astype(int).tolist() for name, share in shares.items()}


_LAYER_TABLES = _layer_tables()


def _shading(
    soft: np.ndarray, body: np.ndarray, material: str, rng: np.random.Generator
) -> np.ndarray:
    """Light on cloth: rounded falloff at the edges, a key light from above, soft folds.

    Normalised so that the main fabric's mean brightness is 1, which keeps a garment's average
    colour at its catalogue colour.
    """
    height, width = soft.shape
    ys, xs = pixel_grid(width, height)
    shade = 0.8 + 0.2 * soft
    shade *= 1.05 - 0.1 * ys / height - 0.04 * np.abs(xs / width - 0.5)
    angle, wavelength, phase = rng.uniform(0, np.pi), rng.uniform(25, 55), rng.uniform(0, 6.3)
    folds = np.sin((xs * np.cos(angle) + ys * np.sin(angle)) * (2 * np.pi / wavelength) + phase)
    shade *= 1 + 0.035 * folds + _weave(xs, ys, material)
    weight = body.sum()
    if weight > 0:
        shade /= float((shade * body).sum() / weight)
    return shade.astype(np.float32)


def _weave(xs: np.ndarray, ys: np.ndarray, material: str) -> np.ndarray | float:
    """Surface texture of the material: denim twill, knit ribs, leather sheen."""
    if material == "denim":
        return np.asarray(0.05 * np.sin((xs + ys) * (2 * np.pi / 3.0)))
    if material in ("knit", "wool"):
        return np.asarray(0.035 * np.sin(xs * (2 * np.pi / 3.0)))
    if material == "leather":
        height, width = xs.shape
        spot = ((xs / width - 0.38) ** 2 + (ys / height - 0.3) ** 2) / 0.02
        return np.asarray(0.12 * np.exp(-spot))
    return 0.0


def _backdrop(soft: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A light grey-to-white sweep with a soft shadow below and right of the garment.

    Args:
        soft: The garment's coverage, blurred.
        rng: Draws the backdrop's brightness and tint.
    """
    height, width = soft.shape
    level = rng.uniform(236, 252)
    tint = rng.uniform(-2.5, 2.5, size=3)
    ys = np.linspace(0.0, 1.0, height, dtype=np.float32)[:, None, None]
    backdrop = (level + tint).astype(np.float32) * (1.0 - 0.035 * ys)
    shift_y, shift_x = max(1, height // 40), max(1, width // 40)
    shadow = np.zeros_like(soft)
    shadow[shift_y:, shift_x:] = soft[:-shift_y, :-shift_x]
    return backdrop * (1 - 0.13 * shadow)[..., None]


def _edges(cover: np.ndarray) -> np.ndarray:
    """The garment's rim: coverage minus its erosion by the four nearest neighbours."""
    padded = np.pad(cover, 1)
    eroded = np.minimum.reduce(
        [cover, padded[:-2, 1:-1], padded[2:, 1:-1], padded[1:-1, :-2], padded[1:-1, 2:]]
    )
    return cover - eroded  # type: ignore[no-any-return]


def _blur(values: np.ndarray, radius: float) -> np.ndarray:
    mask = Image.fromarray(np.clip(values * 255 + 0.5, 0, 255).astype(np.uint8), "L")
    return np.asarray(mask.filter(ImageFilter.GaussianBlur(radius)), dtype=np.float32) / 255


def _hardware_colour(spec: PhotoSpec) -> Rgb:
    """Metal on denim, jackets and bags; elsewhere buttons a shade off the cloth."""
    if spec.category in ("jeans", "jacket", "bag"):
        return _METAL
    r, g, b = spec.colour
    return (int(r * 0.55 + 30), int(g * 0.55 + 30), int(b * 0.55 + 30))


def _stitch_colour(spec: PhotoSpec) -> Rgb:
    if spec.material == "denim":
        return _DENIM_THREAD
    r, g, b = spec.colour
    return (int(r * 0.7), int(g * 0.7), int(b * 0.7))
