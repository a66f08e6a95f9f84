"""The tiny shop the API tests run against: six articles with photos, two shoppers."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
from ingest_samples import photo, write
from threadpoolctl import threadpool_limits

from recommender.artifacts import save_fitted
from recommender.data import normalise_frame
from recommender.knowledge import Durability, Rule, TableKnowledge
from recommender.pipeline import PipelineConfig, fit_pipeline

API_KEY = "test-key-0123456789"
KEY = {"X-API-Key": API_KEY}

ITEMS = """\
item_id,name,category,color,style_code
coat-navy,Wool Coat,Coat,Navy,S-COAT
coat-camel,Wool Coat,Coat,Camel,S-COAT
jeans-blue,Slim Jeans,Jeans,Blue,S-JEANS
tee-white,Basic Tee,T-shirt,White,S-TEE
scarf-red,Knit Scarf,Scarf,Red,S-SCARF
boots-black,Chelsea Boots,Boots,Black,S-BOOTS
"""

MANUFACTURER = """\
item_id,fabric,dye_code
coat-navy,wool 80% polyamide 20%,N-19
"""

INTERACTIONS = """\
user_id,item_id,timestamp,event_type,event_id
alice,tee-white,2026-01-05T10:00:00,purchase,seed-1
alice,jeans-blue,2026-02-01T10:00:00,view,seed-2
bob,coat-navy,2026-03-01T10:00:00,purchase,seed-3
"""


def build_shop(folder: Path) -> Path:
    """Write the shop's files in Atelier's generic layout."""
    write(folder / "items.csv", ITEMS)
    write(folder / "manufacturer.csv", MANUFACTURER)
    write(folder / "interactions.csv", INTERACTIONS)
    for line in ITEMS.splitlines()[1:]:
        photo(folder / "images" / f"{line.split(',')[0]}.jpg")
    return folder


#: What the recommender knows about the shop: categories, their rules, what goes with what.
CATEGORIES = {
    "coat-navy": "coat",
    "coat-camel": "coat",
    "jeans-blue": "jeans",
    "tee-white": "t-shirt",
    "scarf-red": "scarf",
    "boots-black": "boots",
}


def shop_knowledge() -> TableKnowledge:
    """Table knowledge of the shop: coats are durable, tees re-bought, scarves go with coats."""
    return TableKnowledge(
        facts={a: {"category": (c,)} for a, c in CATEGORIES.items()},
        rules={
            "coat": Rule(Durability.DURABLE, None, "outerwear"),
            "jeans": Rule(Durability.SEMI_DURABLE, 365.0, "bottom"),
            "t-shirt": Rule(Durability.CONSUMABLE, 30.0, "top"),
            "scarf": Rule(Durability.SEMI_DURABLE, None, "accessory"),
            "boots": Rule(Durability.DURABLE, None, "shoes"),
        },
        complement_map={"coat": ("scarf", "boots"), "jeans": ("t-shirt",)},
    )


def shop_history(shoppers: int = 30) -> pd.DataFrame:
    """Purchases of ``shoppers`` shoppers, with the shop's habits: coat then scarf and boots."""
    rows = []
    for n in range(shoppers):
        user = f"s{n}"
        coat = "coat-navy" if n % 2 else "coat-camel"
        for day, item in [(1, coat), (3, "scarf-red"), (5, "boots-black"), (9, "tee-white")]:
            rows.append((user, item, f"2026-01-{day + n % 10:02d}T12:00:00", "purchase"))
        if n % 3 == 0:
            rows.append((user, "jeans-blue", "2026-02-01T12:00:00", "purchase"))
            rows.append((user, "tee-white", "2026-02-15T12:00:00", "purchase"))
    return pd.DataFrame(rows, columns=["user_id", "item_id", "timestamp", "event_type"])


def publish_model(home: Path, version: str = "v1", model: str = "als") -> Path:
    """Train the recommender on :func:`shop_history` and publish it as ``current``."""
    overrides = {"factors": 4, "iterations": 3} if model == "als" else {}
    # implicit warns about a multi-threaded BLAS when the model is built, outside the limit the
    # recommender sets around fitting.
    with threadpool_limits(1, "blas"):
        fitted = fit_pipeline(
            normalise_frame(shop_history()),
            shop_knowledge(),
            PipelineConfig(model=model, model_overrides=overrides),
        )
    folder = home / "models" / version
    save_fitted(fitted, folder, version)
    pointer = home / "models" / "current.tmp"
    pointer.write_text(version)
    os.replace(pointer, home / "models" / "current")
    return folder
