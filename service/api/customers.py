"""Shoppers: the list a storefront picks from, and one shopper's recent history."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field
from sqlalchemy import Engine, select

from service.api.deps import ResourcesDep
from service.api.identifiers import UserPath
from service.api.problems import UNAVAILABLE
from service.api.schemas import ProductCard, card_fields
from service.api.shoppers import Shopper
from service.store.history import shopper_events
from service.store.models import Customer

router = APIRouter(tags=["customers"])


class PastEventOut(BaseModel):
    """One event of a shopper's history, with the article's card."""

    event_type: str = Field(examples=["purchase"])
    occurred_at: datetime
    quantity: int
    article: ProductCard | None = Field(description="None when the article left the catalogue.")


class HistoryOut(BaseModel):
    """A shopper's newest events."""

    customer_id: str
    known: bool = Field(description="False for a shopper the store has never seen.")
    events: list[PastEventOut]


@router.get(
    "/customers",
    summary="The most active shoppers",
    response_model=list[Shopper],
    responses=UNAVAILABLE,
)
def list_customers(
    resources: ResourcesDep,
    limit: Annotated[int, Query(ge=1, le=200, description="How many shoppers.")] = 24,
) -> list[Shopper]:
    """Shoppers with the most purchases first (for a storefront's shopper picker)."""
    return resources.shoppers.top(limit)


@router.get(
    "/customers/{user_id}/history",
    summary="A shopper's newest events",
    response_model=HistoryOut,
    responses=UNAVAILABLE,
)
def customer_history(
    user_id: UserPath,
    resources: ResourcesDep,
    limit: Annotated[int, Query(ge=1, le=500, description="How many events.")] = 30,
) -> HistoryOut:
    """Newest first, each with the article's card; an unknown shopper has none."""
    events = shopper_events(resources.engine, user_id, limit=limit)[::-1]  # newest first
    cards = resources.cards.get(e.article_id for e in events)
    return HistoryOut(
        customer_id=user_id,
        known=bool(events) or _exists(resources.engine, user_id),
        events=[
            PastEventOut(
                event_type=e.event_type,
                occurred_at=e.occurred_at,
                quantity=e.quantity,
                article=ProductCard(**card_fields(cards[e.article_id]))
                if e.article_id in cards
                else None,
            )
            for e in events
        ],
    )


def _exists(engine: Engine, user_id: str) -> bool:
    with engine.connect() as connection:
        query = select(Customer.id).where(Customer.external_id == user_id)
        return connection.execute(query).first() is not None
