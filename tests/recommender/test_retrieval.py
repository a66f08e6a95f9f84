"""Candidate retrieval: the cluster index and the reference sample."""

from __future__ import annotations

import numpy as np

from recommender.retrieval import ClusterIndex, ClusterIndexConfig, nearest, reference_rows


def _clustered(n_per: int = 50, dim: int = 8, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Vectors around four far-apart centres (one per axis), and each vector's centre."""
    rng = np.random.default_rng(seed)
    centres = np.eye(4, dim) * 10.0
    labels = np.repeat(np.arange(4), n_per)
    return centres[labels] + rng.normal(0, 0.5, (labels.size, dim)), labels


def test_every_item_sits_in_exactly_one_cluster() -> None:
    vectors, _ = _clustered()
    index = ClusterIndex(vectors, ClusterIndexConfig(items_per_cluster=50))
    assert index.clusters == 4
    assert sorted(index.order.tolist()) == list(range(len(vectors)))
    assert index.offsets[-1] == len(vectors)


def test_candidates_are_the_best_clusters_members_and_enough_of_them() -> None:
    vectors, labels = _clustered()
    index = ClusterIndex(vectors, ClusterIndexConfig(items_per_cluster=50))
    query = np.eye(1, 8, 2)[0]  # points at centre 2
    rows, scores = index.search(query, size=10)
    assert set(rows.tolist()) == set(np.flatnonzero(labels == 2).tolist())
    assert np.unique(rows).size == rows.size
    np.testing.assert_allclose(scores, vectors[rows] @ query, rtol=1e-5)
    more, _ = index.search(query, size=60)  # one cluster is not enough: take the next best
    assert more.size >= 60 and set(rows.tolist()) <= set(more.tolist())
    best = np.argsort(-(vectors @ query))[:12]
    assert set(best.tolist()) <= set(rows.tolist())


def test_a_tiny_catalogue_is_one_cluster() -> None:
    vectors = np.arange(12, dtype=np.float64).reshape(6, 2)
    index = ClusterIndex(vectors)
    assert index.clusters == 1
    assert sorted(index.search(np.ones(2), size=100)[0].tolist()) == list(range(6))


def test_reference_rows_are_a_fixed_sorted_sample() -> None:
    assert reference_rows(5, size=10).tolist() == [0, 1, 2, 3, 4]
    sample = reference_rows(10_000, size=100)
    assert sample.size == 100 and np.all(np.diff(sample) > 0)
    assert np.array_equal(sample, reference_rows(10_000, size=100))


def test_nearest_centroid_in_chunks_matches_every_distance_at_once() -> None:
    rng = np.random.default_rng(1)
    vectors = rng.normal(size=(1000, 8)).astype(np.float32)
    centroids = rng.normal(size=(13, 8)).astype(np.float32)
    distances = ((vectors[:, None, :] - centroids[None, :, :]) ** 2).sum(axis=2)
    assert (nearest(vectors, centroids, chunk=97) == distances.argmin(axis=1)).all()
