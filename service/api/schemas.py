"""Response shapes shared by the product and recommendation routes (separate from tables)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from pydantic import BaseModel, Field

from service.api.catalogue import Card


class ColourOut(BaseModel):
    """A colour of the garment: vision's reading of the photo, or the feed's colour name."""

    name: str = Field(examples=["dark blue"])
    hex: str | None = Field(default=None, examples=["#1f3a5f"])
    share: float | None = Field(default=None, description="Share of the garment's pixels.")
    basic: str | None = Field(default=None, examples=["blue"])


class ProductCard(BaseModel):
    """Enough about an article to render it."""

    article_id: str = Field(examples=["D00029401"])
    name: str | None = Field(examples=["Relaxed Fit Fine-knit Pullover"])
    category: str | None = Field(examples=["Knitwear"])
    image_url: str | None = Field(examples=["/images/D00029401"])
    colours: list[ColourOut]

    @classmethod
    def of(cls, card: Card) -> ProductCard:
        """The API form of a cached card."""
        return cls(**card_fields(card))


def card_fields(card: Card) -> dict[str, Any]:
    """The fields of :class:`ProductCard` for a cached card."""
    return {
        "article_id": card.article_id,
        "name": card.name,
        "category": card.category,
        "image_url": image_url(card.article_id) if card.has_image else None,
        "colours": [
            ColourOut(name=c.name, hex=c.hex, share=c.share, basic=c.basic) for c in card.colours
        ],
    }


def image_url(article_id: str, index: int = 0) -> str:
    """The URL path of an article's photo (the id is percent-encoded)."""
    base = f"/images/{quote(article_id, safe='')}"
    return base if index == 0 else f"{base}/{index}"
