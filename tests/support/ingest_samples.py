"""Tiny inline datasets in the real formats, with obvious expected counts, and helpers."""

from __future__ import annotations

from pathlib import Path

from PIL import Image
from sqlalchemy import Engine, select

from service.store import Article, Customer, Event

HM_ARTICLES = """\
article_id,product_code,prod_name,product_type_name,colour_group_name,graphical_appearance_name
0108775015,108775,Strap top,Vest top,Black,Solid
0108775044,108775,Strap top,Vest top,White,Solid
0110065001,110065,OP T-shirt (Idro),Bra,Black,Solid
"""

HM_CUSTOMERS = """\
customer_id,FN,Active,club_member_status,fashion_news_frequency,age,postal_code
c1,,,ACTIVE,NONE,21.0,p1
c2,1.0,1.0,ACTIVE,Regularly,33.0,p2
"""

# Rows 3 and 4 are identical: two of the same article bought the same day.
HM_TRANSACTIONS = """\
t_dat,customer_id,article_id,price,sales_channel_id
2020-09-01,c1,0108775015,0.0169,2
2020-09-01,c1,0108775044,0.0169,2
2020-09-02,c2,0110065001,0.0305,1
2020-09-02,c2,0110065001,0.0305,1
2020-09-03,c3,108775015,0.0169,2
"""


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``path`` (creating folders) and return the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path


def photo(path: Path, size: tuple[int, int] = (32, 48)) -> Path:
    """A small JPEG product photo."""
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, (200, 30, 30)).save(path)
    return path


def snapshot(engine: Engine) -> dict[str, list[tuple[object, ...]]]:
    """Every row of the main tables, to compare a store before and after a run."""
    with engine.connect() as connection:
        return {
            model.__tablename__: sorted(
                (tuple(r) for r in connection.execute(select(model.__table__))), key=repr
            )
            for model in (Article, Customer, Event)
        }


def count(engine: Engine, model: object) -> int:
    """Rows of ``model``'s table."""
    from sqlalchemy import func

    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(model)).scalar_one())  # type: ignore[arg-type]
