"""The garment's basic colour term, learned from how merchants name photographed garments.

The ISCC-NBS table names a CIELAB point. A photographed garment is not a point: folds shade it,
the studio light tints it, the backdrop's white sets the camera's exposure, and a black knit
photographs as dark gray while a white shirt photographs as light gray. Merchants name the
garment, not the pixels, and the fixed table's boundaries between the neutrals and the dark
colours put 36% of Myntra's photos in another basic term than the merchant's label.

So the basic term of the garment's dominant colour is decided by a small gradient-boosted
classifier over what the pipeline measures (:func:`color_features`): the palette's colours in
CIELAB and LCh with their shares, the table's basic term of each, the lightness and chroma
distribution of the garment's pixels, and the backdrop (an exposure and illuminant cue). It is
trained on merchants' own labels with splits by style (:mod:`vision.color_training`, ``atelier
vision train-colours``) and ships as package data. The fine ISCC-NBS names stay the fine level
of the hierarchy; the learned namer only decides the basic term, and abstains (keeping the
table's term) when the photo is too mixed to name with confidence.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import lightgbm as lgb
import numpy as np
from numpy.typing import NDArray

from vision.color_taxonomy import BASIC_TERMS, BasicTerm
from vision.colorspace import FloatArray
from vision.skin import skin_mask

#: The model shipped with the package (retrain with ``atelier vision train-colours``).
DEFAULT_MODEL = Path(__file__).with_name("data") / "color_namer.txt"

#: Palette colours described one by one (largest share first); the rest count in the shares.
TOP_COLORS = 3
#: Bins of the garment pixels' lightness histogram (equal steps of L* from 0 to 100).
LIGHTNESS_BINS = 8
#: Bins of the hue histogram of the garment's chromatic pixels (equal steps of hue angle).
HUE_BINS = 8
#: Chroma below which a pixel counts as neutral (not in the hue histogram).
NEUTRAL_CHROMA = 10.0

FEATURES: tuple[str, ...] = (
    *(
        f"color{i}_{part}"
        for i in range(TOP_COLORS)
        for part in ("L", "a", "b", "C", "hue_cos", "hue_sin", "share")
    ),
    *(f"share_{term}" for term in BASIC_TERMS),
    "L_p10",
    "L_p50",
    "L_p90",
    "C_p50",
    "C_p90",
    "a_p50",
    "b_p50",
    "backdrop_L",
    "backdrop_a",
    "backdrop_b",
    "garment_share",
    # the dominant colour against the backdrop: exposure and white balance in feature form
    "color0_L_vs_backdrop",
    "color0_a_vs_backdrop",
    "color0_b_vs_backdrop",
    *(f"lightness_{i}" for i in range(LIGHTNESS_BINS)),
    "neutral_share",
    *(f"hue_{i}" for i in range(HUE_BINS)),
    # where each palette colour sits on the garment, and how much of it is skin-coloured: on a
    # worn photo the garment's own colour is the central, skin-free one, not the hair at the
    # top or the arms at the sides
    *(
        f"color{i}_{part}"
        for i in range(TOP_COLORS)
        for part in ("y", "y_sd", "x_off_centre", "skin")
    ),
    "core_L",
    "core_a",
    "core_b",
    "core_C",
    "skinless_L",
    "skinless_a",
    "skinless_b",
    "skinless_C",
    "skin_share",
    "mask_top",
    "mask_bottom",
    "mask_height",
)


def color_features(
    lab: FloatArray,
    mask: NDArray[np.bool_],
    sample: NDArray[np.bool_],
    centers: FloatArray,
    shares: FloatArray,
    basics: Sequence[str],
) -> NDArray[np.float32]:
    """What the namer sees of one photo, in the order of :data:`FEATURES`.

    Args:
        lab: The photo in CIELAB at working resolution, ``(H, W, 3)``.
        mask: The garment mask, ``(H, W)``.
        sample: The pixels whose colours were measured, ``(H, W)``.
        centers: Palette colours in CIELAB, largest share first, ``(K, 3)``.
        shares: Their shares of the garment, ``(K,)``.
        basics: The table's basic term of each palette colour.
    """
    values: list[float] = []
    for i in range(TOP_COLORS):
        if i < len(centers):
            L, a, b = (float(v) for v in centers[i])
            chroma, angle = float(np.hypot(a, b)), float(np.arctan2(b, a))
            values += [L, a, b, chroma, np.cos(angle), np.sin(angle), float(shares[i])]
        else:
            values += [np.nan] * 6 + [0.0]
    by_term: dict[str, float] = dict.fromkeys(BASIC_TERMS, 0.0)
    for term, share in zip(basics, shares, strict=True):
        by_term[term] = by_term.get(term, 0.0) + float(share)
    values += [by_term[t] for t in BASIC_TERMS]
    pixels = lab[sample] if sample.any() else lab.reshape(-1, 3)
    chroma_px = np.hypot(pixels[:, 1], pixels[:, 2])
    values += [float(v) for v in np.percentile(pixels[:, 0], (10, 50, 90))]
    values += [float(v) for v in np.percentile(chroma_px, (50, 90))]
    values += [float(np.median(pixels[:, 1])), float(np.median(pixels[:, 2]))]
    backdrop = lab[~mask]
    ground = np.median(backdrop, axis=0) if len(backdrop) else np.full(3, np.nan)
    values += [float(v) for v in ground]
    values.append(float(mask.mean()))
    values += [float(v) for v in np.asarray(values[:3]) - ground]  # color0 L, a, b vs backdrop
    lightness, _ = np.histogram(pixels[:, 0], LIGHTNESS_BINS, (0.0, 100.0))
    values += [float(v) for v in lightness / max(len(pixels), 1)]
    chromatic = chroma_px >= NEUTRAL_CHROMA
    values.append(float(1.0 - chromatic.mean()))
    angles = np.arctan2(pixels[chromatic, 2], pixels[chromatic, 1])
    hues, _ = np.histogram(angles, HUE_BINS, (-np.pi, np.pi))
    values += [float(v) for v in hues / max(len(pixels), 1)]
    values += _layout(lab, mask, sample, centers)
    return np.asarray(values, dtype=np.float32)


def _layout(
    lab: FloatArray, mask: NDArray[np.bool_], sample: NDArray[np.bool_], centers: FloatArray
) -> list[float]:
    """The position and skin share of each top palette colour, the colour of the garment's
    core and of its skin-free pixels, and the garment's extent (see :data:`FEATURES`).
    """
    h, w = mask.shape
    if not sample.any():
        sample = mask if mask.any() else np.ones_like(mask)
    rows, cols = np.nonzero(sample)
    pixels = lab[sample]
    skin = skin_mask(lab)
    nearest = ((pixels[:, None, :] - centers[None, :, :]) ** 2).sum(-1).argmin(1)
    values: list[float] = []
    for i in range(TOP_COLORS):
        mine = nearest == i
        if i < len(centers) and mine.any():
            y, x = rows[mine] / h, cols[mine] / w
            values += [float(y.mean()), float(y.std()), float(np.abs(x - 0.5).mean())]
            values.append(float(skin[rows[mine], cols[mine]].mean()))
        else:
            values += [np.nan] * 4
    mask_rows, mask_cols = np.nonzero(mask) if mask.any() else (rows, cols)
    top, bottom = np.percentile(mask_rows, (25, 75))
    left, right = np.percentile(mask_cols, (25, 75))
    core = (rows >= top) & (rows <= bottom) & (cols >= left) & (cols <= right)
    skinless = ~skin[rows, cols]
    for chosen in (core, skinless):
        median = np.median(pixels[chosen] if chosen.sum() > 10 else pixels, axis=0)
        values += [float(median[0]), float(median[1]), float(median[2])]
        values.append(float(np.hypot(median[1], median[2])))
    values.append(float((skin & mask).sum() / max(1, mask.sum())))
    values += [float(mask_rows.min() / h), float(mask_rows.max() / h)]
    values.append(float((mask_rows.max() - mask_rows.min()) / h))
    return values


@dataclass(frozen=True, slots=True)
class BasicDecision:
    """The namer's decision for one garment.

    Attributes:
        term: The basic term it chose (the table's term when it abstained).
        probability: Its probability for ``term`` (0 when it abstained without a model).
        abstained: Whether the photo was too mixed to name with confidence.
    """

    term: BasicTerm
    probability: float
    abstained: bool


class ColorNamer:
    """A trained basic-term classifier over :func:`color_features`."""

    def __init__(self, booster: lgb.Booster, min_probability: float = 0.35) -> None:
        """Wrap a LightGBM multiclass booster whose classes are :data:`BASIC_TERMS`.

        Args:
            booster: The trained model.
            min_probability: Below this probability of its best term the namer abstains.

        Raises:
            ValueError: When the booster does not read :data:`FEATURES` into the 11 terms.
        """
        if booster.num_feature() != len(FEATURES) or booster.num_model_per_iteration() != len(
            BASIC_TERMS
        ):
            raise ValueError(
                f"a colour namer reads {len(FEATURES)} features into {len(BASIC_TERMS)} basic "
                f"terms; this model reads {booster.num_feature()} into "
                f"{booster.num_model_per_iteration()}"
            )
        self.booster = booster
        self.min_probability = min_probability

    @classmethod
    def load(cls, path: Path) -> ColorNamer:
        """Read a namer saved by :meth:`save`.

        Raises:
            ValueError: When the file is missing, unreadable or not a colour namer.
        """
        try:
            booster = lgb.Booster(model_file=str(path))
        except (OSError, lgb.basic.LightGBMError) as exc:
            raise ValueError(f"{path} is not a readable colour namer: {exc}") from exc
        return cls(booster)

    def save(self, path: Path) -> None:
        """Write the model as LightGBM's text format."""
        path.parent.mkdir(parents=True, exist_ok=True)
        self.booster.save_model(str(path))

    def probabilities(self, features: NDArray[np.float32]) -> NDArray[np.float64]:
        """``(N, 11)`` probabilities of the basic terms for ``(N, F)`` features."""
        rows = np.atleast_2d(features).astype(np.float64)
        return np.asarray(self.booster.predict(rows, num_threads=1), dtype=np.float64)

    def decide(self, features: NDArray[np.float32], fallback: BasicTerm) -> BasicDecision:
        """The basic term of one garment, or ``fallback`` (the table's) when unsure."""
        return self.decide_many(np.atleast_2d(features), [fallback])[0]

    def decide_many(
        self, features: NDArray[np.float32], fallbacks: Sequence[BasicTerm]
    ) -> list[BasicDecision]:
        """:meth:`decide` for ``(N, F)`` features and each garment's fallback term."""
        if not len(fallbacks):
            return []
        probs = self.probabilities(features)
        best = probs.argmax(axis=1)
        decisions = []
        for row, fallback in zip(range(len(best)), fallbacks, strict=True):
            p = float(probs[row, best[row]])
            if p < self.min_probability:
                decisions.append(BasicDecision(fallback, p, True))
            else:
                decisions.append(BasicDecision(BASIC_TERMS[int(best[row])], p, False))
        return decisions


@lru_cache(maxsize=4)
def load_namer(path: Path = DEFAULT_MODEL) -> ColorNamer | None:
    """The namer saved at ``path`` (the package's own by default); ``None`` when absent."""
    return ColorNamer.load(path) if path.exists() else None


def namer_version(path: Path | None) -> str:
    """A short name of the namer at ``path`` for results it named: ``cn`` and 8 hex digits of
    its file's SHA-256, or ``table`` when there is none (the ISCC-NBS table's terms).

    Stored beside a tagger's version, it makes colours named by another namer stale, so that
    ``atelier tag`` names them again after ``train-colours`` or an upgrade.
    """
    if path is None or not path.exists():
        return "table"
    return "cn" + hashlib.sha256(path.read_bytes()).hexdigest()[:8]
