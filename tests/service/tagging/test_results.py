"""Vision results round-trip through the store on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import Engine, insert

from service.store import Article, Style
from service.tagging.results import ArticleVision, VisionColour, VisionTag, load_vision_results
from service.tagging.writer import TaggedArticle, write_results


def _articles(engine: Engine, n: int) -> list[int]:
    with engine.begin() as connection:
        connection.execute(insert(Style), [{"catalogue": "t", "style_code": "s1"}])
        rows = [{"external_id": f"a{i}", "style_id": 1} for i in range(n)]
        connection.execute(insert(Article), rows)
    return list(range(1, n + 1))


def _vision(version: str, label: str) -> ArticleVision:
    navy = VisionColour("#1f2a44", (17.0, 2.0, -20.0), 0.75, "dark grayish blue", "blue", "blue")
    white = VisionColour("#f5f5f5", (96.0, 0.0, 0.0), 0.25, "white", "white", "white")
    tags = {
        "category": (VisionTag(label, 0.9, True), VisionTag("dress", 0.05, False)),
        "pattern": (VisionTag("striped", 0.4, False),),
    }
    return ArticleVision(colours=(navy, white), tags=tags, model_version=version)


def test_written_results_read_back_ordered(engine: Engine) -> None:
    ids = _articles(engine, 2)
    write_results(engine, [TaggedArticle(ids[0], "x.jpg", 10, _vision("v1", "coat"))])

    results = load_vision_results(engine)

    assert set(results) == {"a0"}
    assert results["a0"] == _vision("v1", "coat")
    assert results["a0"].colours[0].share == 0.75
    assert [t.label for t in results["a0"].tags["category"]] == ["coat", "dress"]


def test_rewriting_replaces_results_and_filters_by_id(engine: Engine) -> None:
    ids = _articles(engine, 3)
    write_results(engine, [TaggedArticle(i, "x.jpg", 10, _vision("v1", "coat")) for i in ids])
    write_results(engine, [TaggedArticle(ids[1], "y.jpg", 11, _vision("v2", "jeans"))])

    results = load_vision_results(engine, ["a1", "a2", "missing"])

    assert set(results) == {"a1", "a2"}
    assert results["a1"].model_version == "v2"
    assert results["a1"].tags["category"][0].label == "jeans"
    assert len(results["a1"].colours) == 2
    assert results["a2"].model_version == "v1"
