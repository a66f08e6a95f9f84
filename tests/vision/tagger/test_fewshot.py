"""Few-shot probes that read the texture descriptor: fitted, cut off by cross-validation,
saved and loaded, and refused without textures.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from vision.tagger.checkpoint import TaggerCard
from vision.tagger.fewshot import (
    EMBEDDING,
    WITH_TEXTURE,
    FewShotProbes,
    cross_validated_cutoff,
    load_probes,
    make_probe,
    normalise,
    save_probes,
)
from vision.tagger.net import NetConfig
from vision.tagger.schema import Vocabulary


def examples(rng: np.random.Generator, n: int, striped: bool) -> tuple[np.ndarray, np.ndarray]:
    """Embeddings that know nothing about stripes, textures whose first entry does."""
    embeddings = rng.normal(size=(n, 16)).astype(np.float32)
    textures = rng.normal(size=(n, 6)).astype(np.float32)
    textures[:, 0] += 2.5 if striped else -2.5
    return embeddings, textures


def test_a_probe_reading_textures_carries_to_new_photos() -> None:
    rng = np.random.default_rng(0)
    pos, pos_tex = examples(rng, 50, True)
    neg, neg_tex = examples(rng, 50, False)
    probe = make_probe("pattern", "stripe", pos, neg, textures=(pos_tex, neg_tex))
    assert probe.uses_texture and probe.inputs == WITH_TEXTURE and probe.kind == "linear"
    new_pos, new_pos_tex = examples(rng, 200, True)
    new_neg, new_neg_tex = examples(rng, 200, False)
    scores = probe.score(
        normalise(np.concatenate([new_pos, new_neg])), np.concatenate([new_pos_tex, new_neg_tex])
    )
    flagged = scores >= probe.threshold
    precision = flagged[:200].sum() / max(1, flagged.sum())
    assert precision >= 0.9 and flagged[:200].mean() >= 0.8
    # the embedding alone cannot tell: the same examples without textures do no better than chance
    blind = make_probe("pattern", "stripe", pos, neg)
    blind_scores = blind.score(normalise(np.concatenate([new_pos, new_neg])))
    assert blind.inputs == EMBEDDING
    assert abs(blind_scores[:200].mean() - blind_scores[200:].mean()) < 0.15


def test_the_cutoff_reaches_the_target_precision_out_of_fold() -> None:
    rng = np.random.default_rng(1)
    x = rng.normal(size=(100, 4)).astype(np.float32)
    y = np.r_[np.ones(50), np.zeros(50)].astype(np.float32)
    x[:50, 0] += 1.0  # overlapping classes: a high cut-off is needed for 90% precision
    strict, loose = cross_validated_cutoff(x, y, 0.9), cross_validated_cutoff(x, y, 0.6)
    assert 0.0 < loose <= strict < 1.0


def test_probes_with_textures_round_trip_and_need_textures(tmp_path: Path) -> None:
    rng = np.random.default_rng(2)
    pos, pos_tex = examples(rng, 20, True)
    neg, neg_tex = examples(rng, 20, False)
    probe = make_probe("pattern", "stripe", pos, neg, textures=(pos_tex, neg_tex))
    card = TaggerCard("v1", 24, NetConfig(), Vocabulary.from_json({}), {})
    saved = save_probes(tmp_path, card, [probe])
    loaded = load_probes(tmp_path, saved)
    assert loaded is not None and loaded.use_texture
    (back,) = loaded.probes
    assert back.inputs == WITH_TEXTURE and back.centre is not None and back.scale is not None
    x = normalise(pos[:3])
    np.testing.assert_allclose(back.score(x, pos_tex[:3]), probe.score(x, pos_tex[:3]), rtol=1e-6)
    with pytest.raises(ValueError, match="needs the photos' textures"):
        back.score(x)
    assert not FewShotProbes([make_probe("pattern", "stripe", pos, neg)]).use_texture


def test_textures_that_do_not_match_the_photos_are_refused() -> None:
    rng = np.random.default_rng(3)
    pos, pos_tex = examples(rng, 10, True)
    neg, neg_tex = examples(rng, 10, False)
    with pytest.raises(ValueError, match="one texture descriptor"):
        make_probe("pattern", "stripe", pos, neg, textures=(pos_tex[:5], neg_tex))
