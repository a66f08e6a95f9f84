"""How errors become HTTP responses: one JSON shape, a status per kind of error.

Every error answer is ``{"detail": "<one readable line>"}``; validation errors add ``errors``
(FastAPI's list, with the location of each bad field) and their ``detail`` names the fields.
Errors of the catalogue store's connection become 503 (retry later), never 500.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.exc import InterfaceError, OperationalError, TimeoutError

from service.errors import AtelierError, NotFoundError, StoreError, UnavailableError

#: Seconds a client should wait before retrying a 503.
RETRY_AFTER = "5"


class Problem(BaseModel):
    """An error answer."""

    detail: str = Field(examples=["article_id '0999999999' not in the catalogue"])


class ValidationProblem(Problem):
    """A request that failed validation; ``detail`` names every bad field."""

    errors: list[dict[str, Any]] = Field(default_factory=list)


#: ``responses=`` entries shared by the routes that can answer them.
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": Problem}}
UNAVAILABLE: dict[int | str, dict[str, Any]] = {503: {"model": Problem}}


def field_name(location: Sequence[int | str]) -> str:
    """A readable name of an error's location, e.g. ``body[2].article_id`` or ``query.k``."""
    name = ""
    for part in location:
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else str(part))
    return name or "request"


def _validation(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = _one_branch(list(exc.errors()), exc.body)
    lines = [f"{field_name(e.get('loc', ()))}: {e.get('msg', 'invalid')}" for e in errors[:10]]
    more = f" (and {len(errors) - 10} more)" if len(errors) > 10 else ""
    # Inputs can be large or binary; echo the locations and messages, not the values.
    slim = [{k: e[k] for k in ("loc", "msg", "type") if k in e} for e in errors[:100]]
    return JSONResponse({"detail": "; ".join(lines) + more, "errors": slim}, status_code=422)


def _one_branch(errors: list[dict[str, Any]], body: Any) -> list[dict[str, Any]]:
    """The errors of the union member the body was meant as, without the member's tag.

    A body declared ``Model | list[Model]`` fails as both members, and pydantic tags each
    error's location with the member (``body.Model.field``, ``body.list[Model]``): a client
    that sent one object wants to hear about its fields, not that it is not a list.
    """
    tags = {e["loc"][1] for e in errors if len(e.get("loc", ())) > 1 and e["loc"][0] == "body"}
    if len(tags) < 2 or not all(isinstance(t, str) for t in tags):
        return errors
    as_list = isinstance(body, list)
    kept = [
        {**e, "loc": (e["loc"][0], *e["loc"][2:])}
        for e in errors
        if len(e["loc"]) > 1 and str(e["loc"][1]).startswith("list[") == as_list
    ]
    return kept or errors


def _not_found(_request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse({"detail": str(exc)}, status_code=404)


def _unavailable(_request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse({"detail": str(exc)}, status_code=503, headers={"Retry-After": RETRY_AFTER})


def reason_line(exc: BaseException) -> str:
    """The first line of an error's message (a driver's own error when SQLAlchemy wraps one)."""
    reason = getattr(exc, "orig", None) or exc
    lines = str(reason).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def _store_down(_request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse(
        {"detail": f"catalogue store unavailable: {reason_line(exc)}"},
        status_code=503,
        headers={"Retry-After": RETRY_AFTER},
    )


def _bad_request(_request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse({"detail": str(exc)}, status_code=400)


def install(app: FastAPI) -> None:
    """Register the handlers on ``app``."""
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(NotFoundError, _not_found)
    app.add_exception_handler(UnavailableError, _unavailable)
    app.add_exception_handler(StoreError, _unavailable)
    # Connection-level failures (server down, file unreadable, pool exhausted) are outages.
    app.add_exception_handler(OperationalError, _store_down)
    app.add_exception_handler(InterfaceError, _store_down)
    app.add_exception_handler(TimeoutError, _store_down)
    app.add_exception_handler(AtelierError, _bad_request)
