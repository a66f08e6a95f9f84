"""The tiny shop the API tests run against: six articles with photos, two shoppers."""

from __future__ import annotations

from pathlib import Path

from ingest_samples import photo, write

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
