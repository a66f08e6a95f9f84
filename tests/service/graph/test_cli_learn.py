"""``atelier kg build`` mines the purchases; ``kg query`` lists the pairs with provenance."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from ingest_samples import write
from sqlalchemy import select
from sqlalchemy.orm import Session

from service.settings import Settings
from service.store.engine import create_store_engine
from service.store.models import Article
from service.store.vision_models import VisionColour, VisionTagged

ARTICLES = """\
article_id,product_code,prod_name,product_type_name,colour_group_name
0000000011,1,Strap top,Vest top,Black
0000000021,2,Soft bra,Bra,Black
0000000031,3,Chinos,Trousers,Beige
0000000041,4,Shift dress,Dress,Dusty Light Blue
0000000051,5,Wrap dress,Dress,Dusty Light Blue
0000000061,6,Slip dress,Dress,Dusty Light Blue
0000000071,7,Shirt dress,Dress,Dusty Light Blue
0000000081,8,Tea dress,Dress,Dusty Light Blue
"""


def atelier(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ATELIER_HOME": str(home), "COLUMNS": "200"}
    env.pop("DATABASE_URL", None)
    env.pop("SPARQL_QUERY_URL", None)
    return subprocess.run(
        [sys.executable, "-c", "from service.cli import main; main()", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Ten shoppers buy a vest top, then a bra two days later; twenty buy trousers only."""
    home = tmp_path_factory.mktemp("home")
    rows = ["t_dat,customer_id,article_id,price,sales_channel_id"]
    for n in range(10):
        rows += [f"2020-09-01,a{n},0000000011,0.01,2", f"2020-09-03,a{n},0000000021,0.02,2"]
    rows += [f"2020-09-01,b{n},0000000031,0.03,2" for n in range(20)]
    write(home / "hm" / "articles.csv", ARTICLES)
    write(home / "hm" / "transactions_train.csv", "\n".join(rows) + "\n")
    assert atelier("ingest", "hm", str(home / "hm"), home=home).returncode == 0
    return home


def test_build_mines_and_the_bundled_query_lists_the_pairs(home: Path) -> None:
    built = atelier("kg", "build", home=home)
    assert built.returncode == 0, built.stderr
    # 40 baskets; vest top -> bra 10 of 10 against a chance of 20 / 40
    assert "hm: 1 complement and 0 substitute category pairs" in built.stdout
    result = atelier("kg", "query", "mined-complements", "--format", "json", home=home)
    (row,) = json.loads(result.stdout)
    assert (row["category"], row["complement"], row["relation"]) == (
        "tank top",
        "bra",
        "complement",
    )
    assert (row["pairs"], row["baskets_with_category"], row["baskets"]) == ("10", "10", "40")
    assert float(row["lift"]) == 2.0 and float(row["window_days"]) == 30
    assert row["source"] == "hm" and row["computed_at"] and row["declared"] == "false"
    pairs = atelier("kg", "query", "bought-together", "--format", "json", home=home)
    assert [(r["article"], r["with_article"]) for r in json.loads(pairs.stdout)] == [
        ("0000000011", "0000000021")
    ]
    again = atelier("kg", "learn", home=home)
    assert again.returncode == 0 and "1 complement" in again.stdout
    assert "no retailer colour name has a tagged photo yet" in again.stdout


def test_build_links_retailer_colour_names_to_what_their_photos_show(home: Path) -> None:
    # vision saw the five "Dusty Light Blue" dresses as blue but one (gray), and the two
    # "Black" articles as black and gray
    seen = {"11": "black", "21": "gray", "41": "blue", "51": "blue", "61": "gray"}
    seen |= {"71": "blue", "81": "blue"}
    engine = create_store_engine(Settings(atelier_home=home).catalogue_url)
    with Session(engine) as session:
        ids = {row[0]: row[1] for row in session.execute(select(Article.external_id, Article.id))}
        for suffix, basic in seen.items():
            article = ids["00000000" + suffix]
            session.add(
                VisionTagged(
                    article_id=article,
                    model_version="v1",
                    image_path=f"{suffix}.jpg",
                    image_bytes=1,
                    tagged_at=datetime(2024, 8, 1),
                )
            )
            session.add(
                VisionColour(
                    article_id=article, model_version="v1", rank=0, hex="#808080",
                    lab_l=50.0, lab_a=0.0, lab_b=0.0, share=0.9, fine_name="medium gray",
                    hue="gray", basic=basic,
                )
            )  # fmt: skip
        session.commit()
    engine.dispose()

    built = atelier("kg", "build", home=home)
    assert built.returncode == 0, built.stderr
    assert "1 of 2 retailer colour names linked to a basic term by 7 photos" in built.stdout
    result = atelier("kg", "query", "colour-name-links", "--format", "json", home=home)
    rows = {r["name"]: r for r in json.loads(result.stdout)}
    dusty = rows["Dusty Light Blue"]
    assert (dusty["photos_say"], dusty["photos"], dusty["of"], dusty["linked"]) == (
        "blue",
        "4",
        "5",
        "true",
    )
    assert dusty["source"] == "hm" and dusty["model"] == "v1"
    assert rows["Black"]["linked"] == "false"  # two photos, split
