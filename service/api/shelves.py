"""The recommendation routes: main shelf, buy it again, similar, and what goes with it.

Each request reads the shopper's history from the store and asks the serving model (see
:mod:`service.api.model_slot`); the answer carries every suggestion's reason and what the
storefront needs to render it. ``/recommend`` never fails and is never empty while the catalogue
has articles: when the model is missing, rejected or errs, the store's best sellers answer,
flagged ``fallback``.

A shelf is computed in the worker's one *shelf lane* thread (:attr:`Resources.shelf_lane`), one
at a time, off the event loop. The work is a short indexed read of the store followed by
numpy and Python that holds the GIL: in FastAPI's default pool of 40 threads, concurrent shelves
only fought over the GIL and woke one another (demo world, two workers under ``hey -c 4 -q
100``: 282-300 requests/s, p99 27-35 ms; in the lane: 399 requests/s, p99 13 ms). The event
loop stays free to read requests, send answers and answer ``/health`` while a shelf is computed.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, Field

from recommender.serving import Shelf, Shelves
from service.api.catalogue import Card
from service.api.deps import ResourcesDep
from service.api.identifiers import PRINTABLE, ArticlePath, UserPath
from service.api.problems import NOT_FOUND, UNAVAILABLE
from service.api.resources import Resources
from service.api.schemas import ProductCard, card_fields
from service.errors import NotFoundError, UnavailableError
from service.recommending.history import user_history

log = logging.getLogger(__name__)
router = APIRouter(tags=["recommendations"])

#: How many suggestions one shelf may have.
MAX_K = 100

Size = Annotated[int, Query(ge=1, le=MAX_K, description="How many suggestions.")]
IdItem = Annotated[str, Field(min_length=1, max_length=128, pattern=PRINTABLE)]
Ids = Annotated[
    list[IdItem] | None,
    Query(
        max_length=1000,
        description="Article ids: repeat the parameter or separate ids with commas.",
    ),
]
Category = Annotated[
    str | None,
    Query(
        min_length=1,
        max_length=128,
        pattern=PRINTABLE,
        description="Only articles of this category.",
        examples=["coat"],
    ),
]


class Suggested(ProductCard):
    """A suggested article, its score and why it is suggested."""

    score: float = Field(examples=[0.82])
    reason: str = Field(examples=["goes with the coat you bought"])

    @classmethod
    def of_card(cls, card: Card, score: float, reason: str) -> Suggested:
        """A suggestion of a cached card."""
        return cls(**card_fields(card), score=score, reason=reason)


class ShelfOut(BaseModel):
    """A ranked shelf of suggestions."""

    shelf: str = Field(examples=["recommend"])
    subject: str = Field(description="The shopper or article asked about.", examples=["U000001"])
    cold_start: bool = Field(description="True when the subject had no usable history.")
    fallback: bool = Field(
        default=False, description="True when the store's best sellers answered for the model."
    )
    model_version: str | None = Field(examples=["20261122-183000"])
    items: list[Suggested]


def now_utc() -> datetime:
    """The current time as the store keeps times (naive UTC)."""
    return datetime.now(UTC).replace(tzinfo=None)


@router.get(
    "/recommend/{user_id}",
    summary="The main shelf for a shopper",
    response_model=ShelfOut,
    responses=UNAVAILABLE,
)
async def recommend(
    user_id: UserPath,
    resources: ResourcesDep,
    k: Size = 12,
    category: Category = None,
    exclude: Ids = None,
    include: Ids = None,
) -> Response:
    """New things the shopper will like, each with its reason; nothing a purchase made redundant.

    An unknown shopper gets a cold-start shelf (`cold_start: true`). `include` restricts the
    shelf to the listed articles (e.g. those in stock), `exclude` removes some.
    """
    excluded, included = _ids(exclude), (_ids(include) if include is not None else None)
    return await _in_lane(
        resources, lambda: _main_shelf(resources, user_id, k, category, excluded, included)
    )


def _main_shelf(
    resources: Resources,
    user_id: str,
    k: int,
    category: str | None,
    excluded: set[str],
    included: set[str] | None,
) -> Response:
    history = user_history(resources.engine, user_id)
    shelf: Shelf | None = None
    try:
        model: Shelves = resources.models.get().model
        shelf = model.recommend(
            user_id, history, now_utc(), k, category=category, exclude=excluded, include=included
        )
    except UnavailableError:
        pass
    except Exception:  # a model bug must cost this request its ranking, not an error
        log.exception("the model failed on /recommend/%s; answering best sellers", user_id)
    if shelf is not None and (shelf.items or included is not None or category is not None):
        return _answer(resources, "recommend", user_id, shelf)
    return _best_sellers(resources, user_id, k, excluded, included, cold=not history)


@router.get(
    "/rebuy/{user_id}",
    summary="Buy it again",
    response_model=ShelfOut,
    responses=UNAVAILABLE,
)
async def rebuy(user_id: UserPath, resources: ResourcesDep, k: Size = 12) -> Response:
    """Past purchases of kinds people buy again, those due for replacement first.

    Empty for a shopper who never bought anything re-bought (coats are not re-bought).
    """

    def work() -> Response:
        history = user_history(resources.engine, user_id)
        shelf = _model(resources).rebuy(user_id, history, now_utc(), k)
        return _answer(resources, "rebuy", user_id, shelf)

    return await _in_lane(resources, work)


@router.get(
    "/similar/{article_id}",
    summary="Substitutes for an article",
    response_model=ShelfOut,
    responses={**NOT_FOUND, **UNAVAILABLE},
)
async def similar(article_id: ArticlePath, resources: ResourcesDep, k: Size = 12) -> Response:
    """Articles of the same kind, closest first: what to show when this one is sold out."""
    return await _in_lane(resources, lambda: _article_shelf(resources, "similar", article_id, k))


@router.get(
    "/complements/{article_id}",
    summary="What goes with an article",
    response_model=ShelfOut,
    responses={**NOT_FOUND, **UNAVAILABLE},
)
async def complements(article_id: ArticlePath, resources: ResourcesDep, k: Size = 12) -> Response:
    """Articles of the categories that complete an outfit with this one."""
    return await _in_lane(
        resources, lambda: _article_shelf(resources, "complements", article_id, k)
    )


async def _in_lane(resources: Resources, work: Callable[[], Response]) -> Response:
    """``work()`` computed in the shelf lane; its exceptions reach the caller."""
    return await asyncio.get_running_loop().run_in_executor(resources.shelf_lane, work)


def _model(resources: Resources) -> Shelves:
    model: Shelves = resources.models.get().model
    return model


def _article_shelf(resources: Resources, name: str, article_id: str, k: int) -> Response:
    if not resources.cards.get([article_id]):
        raise NotFoundError(f"article_id {article_id!r} not in the catalogue")
    model = _model(resources)
    shelf = model.similar(article_id, k) if name == "similar" else model.complements(article_id, k)
    return _answer(resources, name, article_id, shelf)


def _ids(values: Sequence[str] | None) -> set[str]:
    """Ids from repeated parameters and/or comma-separated lists."""
    return {part for value in values or () for part in value.split(",") if part}


def _answer(resources: Resources, name: str, subject: str, shelf: Shelf) -> Response:
    suggestions = [(s.item_id, s.score, s.reason) for s in shelf.items]
    return _shelf_out(
        resources,
        name,
        subject,
        suggestions,
        cold_start=shelf.cold_start,
        version=shelf.model_version,
    )


def _best_sellers(
    resources: Resources,
    user_id: str,
    k: int,
    exclude: set[str],
    include: set[str] | None,
    cold: bool,
) -> Response:
    top = resources.popular.top(k, exclude, include)
    suggestions = [(a, n, "a best seller right now") for a, n in top]
    loaded = resources.models.loaded
    version = loaded.version if loaded else None
    return _shelf_out(
        resources,
        "recommend",
        user_id,
        suggestions,
        cold_start=cold,
        version=version,
        fallback=True,
    )


def _shelf_out(
    resources: Resources,
    name: str,
    subject: str,
    suggestions: list[tuple[str, float, str]],
    *,
    cold_start: bool,
    version: str | None,
    fallback: bool = False,
) -> Response:
    cards = resources.cards.get(a for a, _, _ in suggestions)
    items: list[Suggested] = []
    for article, score, reason in suggestions:
        card = cards.get(article)
        if card is None:  # trained on an article since removed from the catalogue
            continue
        items.append(Suggested.of_card(card, _finite(score), reason))
    resources.metrics.recommendations.labels(name, str(cold_start).lower()).inc()
    shelf = ShelfOut(
        shelf=name,
        subject=subject,
        cold_start=cold_start,
        fallback=fallback,
        model_version=version,
        items=items,
    )
    # Serialised here, once: FastAPI would dump the model, validate the dump against the
    # response model again and encode it, in another trip through its thread pool. The route's
    # ``response_model`` still documents the shape.
    return Response(shelf.model_dump_json(), media_type="application/json")


def _finite(score: float) -> float:
    return round(score, 6) if math.isfinite(score) else 0.0
