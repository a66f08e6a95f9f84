"""``atelier vision train|evaluate|fewshot``, ``atelier tag`` and ``atelier tag-images``."""

from __future__ import annotations

import csv
import json
import re
import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw
from sqlalchemy import insert
from typer.testing import CliRunner, Result

from kg.namespaces import ATL, article_iri
from kg.store import EmbeddedStore
from service.cli import app
from service.settings import Settings
from service.store import (
    Article,
    ArticleAttributes,
    ProductImage,
    Style,
    create_store_engine,
    upgrade,
)
from service.tagging.home import color_namer_in_use
from service.tagging.results import load_vision_results
from vision.color_namer import DEFAULT_MODEL, ColorNamer, namer_version
from vision.tagger.weighting import Weighting

FIELDS = ["article_id", "style_code", "category", "slot", "gender", "pattern", "neckline",
          "sleeve", "material", "style"]  # fmt: skip


COLOURS = [(170, 20, 30), (30, 60, 160), (40, 140, 60)]  # red, blue, green


def _photo(category: str, striped: bool, colour: tuple[int, int, int]) -> Image.Image:
    image = Image.new("RGB", (64, 96), "white")
    draw = ImageDraw.Draw(image)
    box = (6, 20, 58, 60) if category == "sweater" else (20, 10, 44, 90)
    draw.rectangle(box, fill=colour)
    if striped:
        for y in range(box[1], box[3], 6):
            draw.line((box[0], y, box[2], y), fill="white", width=2)
    return image


def make_world(folder: Path, styles: int = 40) -> list[dict[str, str]]:
    """A miniature demo world: ground truth and photos, three colourways per style."""
    (folder / "images").mkdir(parents=True)
    (folder / "ground_truth").mkdir()
    rows = []
    for s in range(styles):
        category = "sweater" if s % 2 == 0 else "trousers"
        pattern = "striped" if (s // 2) % 2 else "solid"
        for c, colour in enumerate(COLOURS):
            article = f"D{s:04d}{c}"
            _photo(category, pattern == "striped", colour).save(
                folder / "images" / f"{article}.jpg"
            )
            rows.append({
                "article_id": article, "style_code": f"S{s}", "category": category,
                "slot": "top" if category == "sweater" else "bottom", "gender": "women",
                "pattern": pattern, "neckline": "round" if category == "sweater" else "none",
                "sleeve": "long" if category == "sweater" else "none", "material": "cotton",
                "style": "casual",
            })  # fmt: skip
    with (folder / "ground_truth" / "articles.csv").open("w", newline="") as handle:
        writer = csv.DictWriter(handle, FIELDS)
        writer.writeheader()
        writer.writerows(rows)
    return rows


def run(home: Path, *args: str) -> Result:
    return CliRunner().invoke(app, list(args), env={"ATELIER_HOME": str(home), "COLUMNS": "200"})


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, list[dict[str, str]]]:
    """ATELIER_HOME with a tagger trained on a miniature world, the world, its rows."""
    home = tmp_path_factory.mktemp("home")
    world = home / "demo-world"
    rows = make_world(world)
    result = run(home, "vision", "train", "--size", "24", "--epochs", "3", "--workers", "1")
    assert result.exit_code == 0, result.output
    return home, world, rows


def test_train_writes_an_activated_self_describing_model(
    trained: tuple[Path, Path, list[dict[str, str]]],
) -> None:
    home, _, _ = trained
    version = (home / "vision" / "current").read_text().strip()
    folder = home / "vision" / version

    card = json.loads((folder / "tagger.json").read_text())
    report = json.loads((folder / "report.json").read_text())

    assert card["version"] == version and card["image_size"] == 24
    assert "sweater" in card["vocabulary"]["category"]
    assert set(card["thresholds"]) == set(card["vocabulary"])
    assert "category" in report["groups"] and (folder / "report.md").exists()
    assert (folder / "weights.safetensors").stat().st_size > 1000


def test_train_can_choose_the_weighting_on_validation(tmp_path: Path) -> None:
    make_world(tmp_path / "demo-world")

    result = run(tmp_path, "vision", "train", "--size", "24", "--epochs", "1", "--workers", "1",
                 "--choose-weighting", "--choice-epochs", "1")  # fmt: skip

    assert result.exit_code == 0, result.output
    folder = tmp_path / "vision" / (tmp_path / "vision" / "current").read_text().strip()
    facts = json.loads((folder / "report.json").read_text())["facts"]
    choice = facts["weighting_choice"]
    assert set(choice["validation_macro_f1"]) == {str(w) for w in Weighting}
    assert facts["weighting"] == choice["chosen"]


def test_evaluate_writes_json_and_markdown(
    trained: tuple[Path, Path, list[dict[str, str]]], tmp_path: Path
) -> None:
    home, _, _ = trained

    result = run(home, "vision", "evaluate", "--out", str(tmp_path / "eval"), "--workers", "1")

    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "eval" / "report.json").read_text())
    assert report["groups"]["category"]["photos"] == report["facts"]["test_photos"] > 0
    assert "| category |" in (tmp_path / "eval" / "report.md").read_text()


def test_tag_images_writes_a_line_per_file_and_survives_bad_files(
    trained: tuple[Path, Path, list[dict[str, str]]], tmp_path: Path
) -> None:
    home, _, _ = trained
    folder = tmp_path / "in"
    folder.mkdir()
    _photo("sweater", False, (30, 60, 160)).save(folder / "good.jpg")
    (folder / "broken.jpg").write_bytes(b"\xff\xd8\xff garbage")
    Image.fromarray(np.full((64, 64, 4), 9, np.uint8), "RGBA").save(folder / "alpha.png")
    Image.new("RGB", (64, 64)).convert("CMYK").save(folder / "cmyk.jpg")

    result = run(home, "tag-images", str(folder), "--out", str(tmp_path / "o.jsonl"),
                 "--workers", "1")  # fmt: skip

    assert result.exit_code == 0, result.output
    lines = {
        d["image"]: d for d in map(json.loads, (tmp_path / "o.jsonl").read_text().splitlines())
    }
    assert set(lines) == {"good.jpg", "broken.jpg", "alpha.png", "cmyk.jpg"}
    good = lines["good.jpg"]
    assert good["error"] is None
    assert good["colors"][0]["basic"] == "blue"
    assert set(good["colors"][0]) >= {"name", "hue", "basic", "hex", "share"}
    assert {"label", "score"} <= set(good["attributes"]["category"][0])
    for bad in ("broken.jpg", "alpha.png", "cmyk.jpg"):
        assert lines[bad]["error"] and lines[bad]["colors"] == [] and lines[bad]["attributes"] == {}


def test_tag_stores_results_and_skips_up_to_date_articles(
    trained: tuple[Path, Path, list[dict[str, str]]],
) -> None:
    home, world, rows = trained
    engine = create_store_engine(Settings(atelier_home=home).catalogue_url)
    upgrade(engine)
    with engine.begin() as connection:
        connection.execute(insert(Style), [{"catalogue": "demo", "style_code": "S"}])
        connection.execute(insert(Article), [{"external_id": r["article_id"], "style_id": 1}
                                             for r in rows[:6]])  # fmt: skip
        paths = [str(world / "images" / f"{r['article_id']}.jpg") for r in rows[:6]]
        images = [{"article_id": i + 1, "path": p, "width": 64, "height": 96, "byte_size": 1}
                  for i, p in enumerate(paths)]  # fmt: skip
        connection.execute(insert(ProductImage), images)

    first = run(home, "tag", "--limit", "4", "--workers", "1")
    second = run(home, "tag", "--workers", "1")

    assert first.exit_code == 0, first.output
    assert json.loads(second.stdout[second.stdout.index("{") :])["up_to_date"] == 4
    results = load_vision_results(engine)
    assert set(results) == {r["article_id"] for r in rows[:6]}
    vision = results[rows[0]["article_id"]]
    assert vision.colours[0].basic == "red"
    assert vision.tags["category"][0].label in {"sweater", "trousers"}
    assert vision.model_version.endswith("+" + namer_version(DEFAULT_MODEL))
    # another colour namer (retrained into ATELIER_HOME) names every colour again
    retrained = home / "vision" / "color_namer.txt"
    retrained.write_bytes(DEFAULT_MODEL.read_bytes() + b"\n")
    third = run(home, "tag", "--workers", "1")
    summary = json.loads(third.stdout[third.stdout.index("{") :])
    assert (summary["up_to_date"], summary["tagged"]) == (0, 6)
    assert load_vision_results(engine)[rows[0]["article_id"]].model_version.endswith(
        "+" + namer_version(retrained)
    )
    retrained.unlink()
    engine.dispose()


def test_tag_brings_a_built_graph_up_to_date_and_warns_when_a_server_holds_it(
    trained: tuple[Path, Path, list[dict[str, str]]], tmp_path: Path
) -> None:
    source, world, rows = trained
    home = tmp_path / "home"
    shutil.copytree(source / "vision", home / "vision", symlinks=True)
    settings = Settings(atelier_home=home)
    engine = create_store_engine(settings.catalogue_url)
    upgrade(engine)
    with engine.begin() as connection:
        connection.execute(insert(Style), [{"catalogue": "demo", "style_code": "S"}])
        connection.execute(insert(Article), [{"external_id": r["article_id"], "style_id": 1}
                                             for r in rows])  # fmt: skip
        feed = {"view": "retailer", "source": "demo", "data": {"category": "Knitwear"}}
        feeds = [{"article_id": i + 1, **feed} for i in range(len(rows))]
        connection.execute(insert(ArticleAttributes), feeds)
        photo = {"width": 64, "height": 96, "byte_size": 1}
        images = [{"article_id": i + 1, "path": str(world / "images" / f"{r['article_id']}.jpg"),
                   **photo} for i, r in enumerate(rows[:6])]  # fmt: skip
        connection.execute(insert(ProductImage), images)
    assert run(home, "kg", "build").exit_code == 0

    def vision_colours(row: int = 0) -> int:
        store = EmbeddedStore(settings.graph_path)
        try:
            found = store.select(
                "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { "
                f"<{article_iri(rows[row]['article_id'])}> <{ATL.hasColour}> ?c }} }}"
            )
        finally:
            store.close()
        return int(found[0]["n"])

    assert vision_colours() == 0
    # a server holds the store: the tags are stored, the graph is left with a warning
    held = EmbeddedStore(settings.graph_path)
    first = run(home, "tag", "--limit", "2", "--workers", "1")
    held.close()
    said = " ".join(first.output.split())
    assert first.exit_code == 0, first.output
    assert "graph: not refreshed" in said and "`atelier kg build` brings the graph" in said
    assert vision_colours() == 0

    second = run(home, "tag", "--workers", "1")  # the other 4 (6 of 120 articles: refreshed)
    assert second.exit_code == 0, second.output
    assert "the facts of 4 newly tagged articles replaced" in " ".join(second.output.split())
    assert json.loads(second.stdout[second.stdout.index("{") :])["tagged"] == 4
    assert vision_colours(5) > 0
    assert vision_colours() == 0  # rows[0] was in the first, held run: a rebuild catches it
    assert run(home, "kg", "build").exit_code == 0
    assert vision_colours() > 0
    engine.dispose()


def test_fewshot_adds_a_label_as_a_new_version(
    trained: tuple[Path, Path, list[dict[str, str]]], tmp_path: Path
) -> None:
    home, world, rows = trained
    before = (home / "vision" / "current").read_text().strip()
    positives, negatives = tmp_path / "pos", tmp_path / "neg"
    positives.mkdir()
    negatives.mkdir()
    for r in rows[:30]:
        target = positives if r["pattern"] == "striped" else negatives
        (target / f"{r['article_id']}.jpg").write_bytes(
            (world / "images" / f"{r['article_id']}.jpg").read_bytes()
        )

    result = run(home, "vision", "fewshot", "--label", "stripes", "--images", str(positives),
                 "--negatives", str(negatives))  # fmt: skip

    assert result.exit_code == 0, result.output
    after = (home / "vision" / "current").read_text().strip()
    assert after.startswith(before.split("+")[0] + "+fs") and after != before
    card = json.loads((home / "vision" / after / "tagger.json").read_text())
    assert card["fewshot"]["probes"][0]["label"] == "stripes"
    assert card["fewshot"]["probes"][0]["inputs"] == "embedding+texture"
    assert not (home / "vision" / before / "fewshot.safetensors").exists()
    # tagging measures each photo's texture for the probe: striped photos score above plain ones
    tagged = run(home, "tag-images", str(world / "images"), "--out", str(tmp_path / "t.jsonl"),
                 "--workers", "1")  # fmt: skip
    assert tagged.exit_code == 0, tagged.output
    scores: dict[bool, list[float]] = {True: [], False: []}
    by_image = {r["article_id"] + ".jpg": r["pattern"] == "striped" for r in rows}
    for line in (tmp_path / "t.jsonl").read_text().splitlines():
        result_line = json.loads(line)
        stripes = [t for t in result_line["attributes"]["detail"] if t["label"] == "stripes"]
        scores[by_image[result_line["image"]]].append(stripes[0]["score"])
    assert np.mean(scores[True]) > np.mean(scores[False]) + 0.2


#: A merchant whose "Black" is a charcoal that photographs dark gray, and whose "White" is
#: an off-white that photographs light gray: conventions the fixed table cannot know.
MERCHANT = {"Black": (62, 62, 64), "White": (214, 213, 208), "Navy Blue": (31, 42, 82)}


def make_myntra(folder: Path, photos: int = 180) -> None:
    """A Myntra-layout folder (styles.csv, images/) of one-colour garments on white."""
    (folder / "myntra" / "images").mkdir(parents=True)
    rng = np.random.default_rng(0)
    labels = list(MERCHANT)
    with (folder / "myntra" / "styles.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "articleType", "baseColour"])
        for i in range(photos):
            label = labels[i % len(labels)]
            shade = tuple(
                int(c) for c in np.clip(np.add(MERCHANT[label], rng.integers(-6, 7, 3)), 0, 255)
            )
            image = Image.new("RGB", (60, 80), "white")
            ImageDraw.Draw(image).rectangle((12, 10, 48, 70), fill=shade)
            image.save(folder / "myntra" / "images" / f"{1000 + i}.jpg")
            writer.writerow([1000 + i, "Tshirts", label])


def test_train_colours_learns_the_merchants_names_and_tagging_uses_them(tmp_path: Path) -> None:
    make_myntra(tmp_path / "data")

    result = run(tmp_path, "vision", "train-colours", "--data", str(tmp_path / "data"),
                 "--workers", "1")  # fmt: skip

    assert result.exit_code == 0, result.output
    model = tmp_path / "vision" / "color_namer.txt"
    assert ColorNamer.load(model) and color_namer_in_use(tmp_path) == model
    line = next(li for li in result.output.splitlines() if "myntra:" in li)
    learned, table = (float(v) for v in re.findall(r"(?:learned|table) ([\d.]+)%", line))
    assert learned == 100.0 and learned > table


def test_train_colours_without_labelled_photos_says_what_it_expects(tmp_path: Path) -> None:
    result = run(tmp_path, "vision", "train-colours", "--data", str(tmp_path))

    assert result.exit_code != 0
    assert "no labelled photos" in str(result.exception) + result.output


def test_commands_without_a_model_fail_with_a_hint(tmp_path: Path) -> None:
    result = run(tmp_path, "tag")

    assert result.exit_code != 0
    assert "atelier vision train" in str(result.exception)


def test_demo_tag_stage_trains_on_ground_truth_then_tags(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from service.cli import vision
    from vision.tagger.pipeline import TaggerRunConfig
    from vision.tagger.train import TrainConfig

    world = tmp_path / "demo-world"
    rows = make_world(world, styles=12)
    settings = Settings(atelier_home=tmp_path)
    engine = create_store_engine(settings.catalogue_url)
    upgrade(engine)
    with engine.begin() as connection:
        connection.execute(insert(Style), [{"catalogue": "demo", "style_code": "S"}])
        connection.execute(insert(Article), [{"external_id": r["article_id"], "style_id": 1}
                                             for r in rows])  # fmt: skip
        connection.execute(insert(ProductImage), [
            {"article_id": i + 1, "path": str(world / "images" / f"{r['article_id']}.jpg"),
             "width": 64, "height": 96, "byte_size": 1} for i, r in enumerate(rows)
        ])  # fmt: skip
    tiny = TaggerRunConfig(train=TrainConfig(image_size=24, epochs=1, threads=1), workers=1)
    monkeypatch.setattr(vision, "DEMO_TAGGER", tiny)

    vision.tag_stage(settings, engine, world)

    assert (tmp_path / "vision" / "current").exists()
    assert len(load_vision_results(engine)) == len(rows)
    engine.dispose()
