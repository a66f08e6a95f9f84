"""A garment's palette: its pixels clustered in CIELAB into a few perceptually distinct colours.

The number of colours is not guessed up front. The pixels are over-clustered with k-means
(Euclidean distance in CIELAB, where k-means' squared-error objective is roughly perceptual),
then clusters are merged agglomeratively, closest pair first, while the CIEDE2000 distance
between their centres stays under a threshold. The result is the smallest set of colours that
are pairwise distinguishable by that threshold, which is the question being asked ("how many
colours does this garment have?"), rather than a model-selection score. Lightness is weighted
down with the textile-industry parametric factor k_L = 2 (CIE 142-2001, as in CMC 2:1): folds and
shading change lightness far more than they change the colour of a fabric.

Finally clusters holding less than a minimum share are dropped and their pixels handed to the
nearest surviving colour, so shares always describe the whole garment and sum to one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from vision.colorspace import FloatArray, delta_e_2000

IntArray = NDArray[np.intp]


@dataclass(frozen=True, slots=True)
class PaletteConfig:
    """Settings of :func:`build_palette`.

    Attributes:
        initial_clusters: k of the over-clustering k-means.
        merge_delta_e: Clusters whose centres are closer than this CIEDE2000 (with k_L below)
            are merged.
        lightness_weight: CIEDE2000 parametric factor k_L used when merging.
        min_share: Clusters with a smaller share of the pixels are dropped.
        max_colors: At most this many colours are kept (largest shares first).
        iterations: Lloyd iterations of k-means.
        seed: Seed of the k-means++ initialisation, for reproducible palettes.
        fit_pixels: k-means is fitted on about this many evenly spaced pixels, for speed.
    """

    initial_clusters: int = 8
    merge_delta_e: float = 9.0
    lightness_weight: float = 2.0
    min_share: float = 0.04
    max_colors: int = 5
    iterations: int = 12
    seed: int = 0
    fit_pixels: int = 1500

    def __post_init__(self) -> None:
        """Reject settings that cannot produce a palette."""
        if self.initial_clusters < 1 or self.max_colors < 1:
            raise ValueError("PaletteConfig needs initial_clusters ≥ 1 and max_colors ≥ 1")
        if not 0.0 <= self.min_share < 1.0:
            raise ValueError("PaletteConfig.min_share must lie in [0, 1)")


@dataclass(frozen=True, slots=True)
class Palette:
    """Clustered colours of a set of pixels.

    Attributes:
        centers: CIELAB centre of each colour, shape ``(K, 3)``, largest share first.
        shares: Fraction of the pixels in each colour, shape ``(K,)``, summing to 1.
        labels: Colour index of every input pixel, shape ``(N,)``.
    """

    centers: FloatArray
    shares: FloatArray
    labels: IntArray


def _nearest(pixels: FloatArray, centers: FloatArray) -> IntArray:
    # (N, K) squared distances via the expansion |p|² − 2 p·c + |c|², cheaper than broadcasting.
    d2 = (pixels**2).sum(1)[:, None] - 2.0 * pixels @ centers.T + (centers**2).sum(1)[None, :]
    nearest: IntArray = np.argmin(d2, axis=1)
    return nearest


def _kmeans_plus_plus(pixels: FloatArray, k: int, rng: np.random.Generator) -> FloatArray:
    centers = [pixels[rng.integers(len(pixels))]]
    closest = ((pixels - centers[0]) ** 2).sum(1)
    for _ in range(1, k):
        total = closest.sum()
        if total <= 0.0:
            break  # every pixel coincides with a centre: fewer distinct colours than k
        centers.append(pixels[rng.choice(len(pixels), p=closest / total)])
        closest = np.minimum(closest, ((pixels - centers[-1]) ** 2).sum(1))
    return np.array(centers)


def kmeans(
    pixels: FloatArray,
    k: int,
    iterations: int = 12,
    seed: int = 0,
    weights: FloatArray | None = None,
) -> tuple[FloatArray, IntArray]:
    """Lloyd's k-means with k-means++ seeding.

    Args:
        pixels: Points, shape ``(N, D)``.
        k: Requested number of clusters (fewer are returned if the points have fewer distinct
            values).
        iterations: Maximum Lloyd iterations; stops early when assignments settle.
        seed: Seed of the initialisation.
        weights: Optional non-negative weight of each point, shape ``(N,)``.

    Returns:
        ``(centers, labels)`` with ``centers`` ``(K, D)`` and ``labels`` ``(N,)``; every cluster
        is non-empty.
    """
    rng = np.random.default_rng(seed)
    centers = _kmeans_plus_plus(pixels, min(k, len(pixels)), rng)
    labels = _nearest(pixels, centers)
    w = np.ones(len(pixels)) if weights is None else weights
    for _ in range(iterations):
        counts = np.bincount(labels, w, minlength=len(centers))
        keep = counts > 0
        sums = np.stack(
            [np.bincount(labels, w * pixels[:, d], len(centers)) for d in range(pixels.shape[1])], 1
        )
        centers = sums[keep] / counts[keep, None]
        new_labels = _nearest(pixels, centers)
        if np.array_equal(new_labels, labels) and keep.all():
            break
        labels = new_labels
    counts = np.bincount(labels, minlength=len(centers))
    keep = counts > 0
    remap = np.cumsum(keep) - 1
    return centers[keep], remap[labels]


def _compact(labels: IntArray, keep: NDArray[np.bool_]) -> IntArray:
    remap: IntArray = np.cumsum(keep) - 1
    return remap[labels]


def _merge_close(
    centers: FloatArray, counts: FloatArray, threshold: float, k_l: float
) -> tuple[FloatArray, FloatArray, IntArray]:
    groups = [[i] for i in range(len(centers))]
    centers = centers.copy()
    counts = counts.copy()
    while len(centers) > 1:
        distances = delta_e_2000(centers[:, None, :], centers[None, :, :], k_l=k_l)
        np.fill_diagonal(distances, np.inf)
        i, j = np.unravel_index(np.argmin(distances), distances.shape)
        if distances[i, j] >= threshold:
            break
        i, j = min(i, j), max(i, j)
        total = counts[i] + counts[j]
        centers[i] = (centers[i] * counts[i] + centers[j] * counts[j]) / total
        counts[i] = total
        groups[i] += groups.pop(j)
        centers = np.delete(centers, j, axis=0)
        counts = np.delete(counts, j)
    old_to_new = np.empty(sum(len(g) for g in groups), dtype=np.intp)
    for new, members in enumerate(groups):
        old_to_new[members] = new
    return centers, counts, old_to_new


def build_palette(
    lab_pixels: FloatArray, config: PaletteConfig | None = None, weights: FloatArray | None = None
) -> Palette:
    """Cluster CIELAB pixels into a palette of perceptually distinct colours.

    Args:
        lab_pixels: CIELAB pixels, shape ``(N, 3)``, N ≥ 1.
        config: Settings; defaults to :class:`PaletteConfig`.
        weights: Optional importance of each pixel, shape ``(N,)``, non-negative with a positive
            sum; shares are then fractions of the total weight rather than of the pixel count.

    Returns:
        The palette, at most ``config.max_colors`` colours, largest share first.

    Raises:
        ValueError: If there are no pixels or they are not finite.
    """
    cfg = config or PaletteConfig()
    pixels = np.asarray(lab_pixels, dtype=np.float64).reshape(-1, 3)
    if len(pixels) == 0 or not np.all(np.isfinite(pixels)):
        raise ValueError("build_palette needs at least one finite CIELAB pixel")
    w = np.ones(len(pixels)) if weights is None else np.asarray(weights, dtype=np.float64)
    if w.shape != (len(pixels),) or not np.all(np.isfinite(w)) or w.min() < 0 or w.sum() <= 0:
        raise ValueError("build_palette weights must be finite, non-negative, one per pixel")
    # k-means on an even subsample (it only has to find the centres); every pixel is then
    # assigned to its nearest centre so counts and labels cover the whole garment.
    stride = max(1, len(pixels) // cfg.fit_pixels)
    centers, _ = kmeans(
        pixels[::stride], cfg.initial_clusters, cfg.iterations, cfg.seed, w[::stride]
    )
    labels = _nearest(pixels, centers)
    weight_sums: FloatArray = np.bincount(labels, w, minlength=len(centers)).astype(np.float64)
    occupied = weight_sums > 0
    centers, weight_sums, old_to_new = _merge_close(
        centers[occupied], weight_sums[occupied], cfg.merge_delta_e, cfg.lightness_weight
    )
    counts = weight_sums
    labels = old_to_new[_compact(labels, occupied)]
    order = np.argsort(-counts, kind="stable")
    shares = counts[order] / counts.sum()
    kept = order[(shares >= cfg.min_share) | (np.arange(len(order)) == 0)][: cfg.max_colors]
    # Pixels of dropped colours go to the nearest kept colour, so shares describe the whole garment.
    kept_centers = centers[kept]
    final_labels = _nearest(pixels, kept_centers)
    final_counts = np.bincount(final_labels, w, minlength=len(kept))
    while not final_counts.all():
        # A merged centre can lose all its pixels to a neighbour; it is then no colour at all.
        kept_centers = kept_centers[final_counts > 0]
        final_labels = _nearest(pixels, kept_centers)
        final_counts = np.bincount(final_labels, w, minlength=len(kept_centers))
    # The reassignment can reorder shares slightly; keep the "largest first" promise.
    order = np.argsort(-final_counts, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    final_centers = np.stack(
        [np.average(pixels[final_labels == i], axis=0, weights=w[final_labels == i]) for i in order]
    )
    return Palette(
        centers=final_centers,
        shares=final_counts[order] / final_counts.sum(),
        labels=rank[final_labels],
    )
