"""``POST /events``: what shoppers do, stored durably and effective on the next request."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body
from pydantic import BaseModel, ConfigDict, Field, field_validator

from service.api.deps import ResourcesDep
from service.api.identifiers import PRINTABLE, ExternalId
from service.api.problems import NOT_FOUND, UNAVAILABLE, Problem
from service.api.security import ApiKey
from service.events import LiveEvent
from service.ingest.events import MAX_QUANTITY
from service.store.models import EventType

router = APIRouter(tags=["events"])

#: Events in one request at most (the body size limit applies as well).
MAX_BATCH = 1_000

_EARLIEST = datetime(1970, 1, 1)
_LATEST = datetime(2100, 1, 1)

EXAMPLE: dict[str, Any] = {
    "event_id": "7f9c1e0a-3b0e-4a53-9a4e-5b8e0c9b2f11",
    "customer_id": "U000001",
    "article_id": "D00029401",
    "event_type": "purchase",
    "occurred_at": "2026-11-22T18:00:00Z",
    "quantity": 1,
    "price": 49.99,
    "channel": "web",
}


class EventIn(BaseModel):
    """One thing a shopper did with an article."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [EXAMPLE]})

    event_id: ExternalId | None = Field(
        default=None,
        description="The client's id of the event; re-sending the same id stores nothing new. "
        "The server assigns one when omitted (and returns it).",
    )
    customer_id: ExternalId = Field(description="The shopper; an unknown one is created.")
    article_id: ExternalId = Field(description="The article; it must be in the catalogue.")
    event_type: EventType
    occurred_at: datetime | None = Field(
        default=None, description="When it happened (ISO 8601; naive means UTC); default now."
    )
    quantity: int = Field(default=1, ge=1, le=MAX_QUANTITY)
    price: float | None = Field(default=None, ge=0, lt=1e9, allow_inf_nan=False)
    channel: str | None = Field(default=None, min_length=1, max_length=32, pattern=PRINTABLE)

    @field_validator("occurred_at")
    @classmethod
    def _utc(cls, value: datetime | None) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        if not _EARLIEST <= value < _LATEST:
            raise ValueError("must be between 1970 and 2100")
        return value

    def live(self, now: datetime) -> LiveEvent:
        """The event as the recorder stores it (id and time filled in)."""
        return LiveEvent(
            event_id=self.event_id or str(uuid.uuid4()),
            customer_id=self.customer_id,
            article_id=self.article_id,
            event_type=self.event_type.value,
            occurred_at=self.occurred_at or now,
            quantity=self.quantity,
            price=self.price,
            channel=self.channel,
        )


class EventsStored(BaseModel):
    """What a request stored; every event in it is committed when this answer is sent."""

    stored: int = Field(description="Events stored by this request.", examples=[1])
    duplicates: int = Field(
        description="Events whose id was already stored (re-sent), stored nothing.", examples=[0]
    )
    customers_created: int = Field(examples=[0])
    event_ids: list[str] = Field(description="The id of each event, in the order posted.")


Batch = Annotated[
    EventIn | Annotated[list[EventIn], Field(min_length=1, max_length=MAX_BATCH)],
    Body(
        description=f"One event, or a list of up to {MAX_BATCH} stored all or nothing.",
        openapi_examples={
            "one": {"summary": "A purchase", "value": EXAMPLE},
            "batch": {
                "summary": "A view then a cart",
                "value": [
                    {**EXAMPLE, "event_id": "a1", "event_type": "view"},
                    {**EXAMPLE, "event_id": "a2", "event_type": "cart"},
                ],
            },
        },
    ),
]


@router.post(
    "/events",
    summary="Record shopper events",
    response_model=EventsStored,
    dependencies=[ApiKey],
    responses={401: {"model": Problem}, 413: {"model": Problem}, **NOT_FOUND, **UNAVAILABLE},
)
def post_events(body: Batch, resources: ResourcesDep) -> EventsStored:
    """Store events durably (committed before the answer) and idempotently (by `event_id`).

    An unknown `article_id` refuses the whole request with 404 naming it; an unknown customer
    is created. The next `/recommend` for the customer already sees these events.
    """
    events = body if isinstance(body, list) else [body]
    now = datetime.now(UTC).replace(tzinfo=None)
    live = [e.live(now) for e in events]
    recorded = resources.recorder.record(live)
    resources.metrics.events.labels("stored").inc(recorded.stored)
    resources.metrics.events.labels("duplicate").inc(recorded.duplicates)
    return EventsStored(
        stored=recorded.stored,
        duplicates=recorded.duplicates,
        customers_created=recorded.customers_created,
        event_ids=[e.event_id for e in live],
    )
