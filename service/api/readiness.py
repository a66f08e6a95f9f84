"""Readiness: can this instance answer recommendations now?

``/ready`` checks the catalogue store, the knowledge graph and the model, and answers 503 with
the reason of each failure until all three are available. Each call re-checks (and retries
loading what failed), so an instance recovers without a restart when its store comes back or a
model is trained.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from service.api.deps import ResourcesDep
from service.errors import UnavailableError

router = APIRouter(tags=["operations"])


class Check(BaseModel):
    """One dependency's state."""

    ok: bool
    detail: str = Field(examples=["model 20260101-120000 loaded"])


class Readiness(BaseModel):
    """Whether the instance is ready, and why not."""

    status: str = Field(examples=["ready"], description="`ready` or `unavailable`.")
    checks: dict[str, Check]


READY_EXAMPLE: dict[str, Any] = {
    "status": "unavailable",
    "checks": {
        "store": {"ok": True, "detail": "sqlite catalogue store answers"},
        "graph": {"ok": True, "detail": "graph store open (QueryWorker)"},
        "model": {"ok": False, "detail": "no recommendation model: models/current does not exist"},
    },
}


@router.get(
    "/ready",
    summary="Readiness probe",
    response_model=Readiness,
    responses={
        503: {"model": Readiness, "content": {"application/json": {"example": READY_EXAMPLE}}}
    },
)
def ready(request: Request, resources: ResourcesDep) -> JSONResponse:
    """200 when the store, graph and model are available; 503 naming what is not."""
    checks = {"store": _store(resources), "graph": _graph(request), "model": _model(resources)}
    ok = all(c.ok for c in checks.values())
    body = Readiness(status="ready" if ok else "unavailable", checks=checks)
    return JSONResponse(body.model_dump(), status_code=200 if ok else 503)


def _store(resources: ResourcesDep) -> Check:
    try:
        resources.store.check()
    except UnavailableError as exc:
        return Check(ok=False, detail=str(exc))
    return Check(ok=True, detail=f"{resources.engine.dialect.name} catalogue store answers")


def _graph(request: Request) -> Check:
    """The SPARQL endpoint of the graph store (opened now if it was not yet)."""
    service: Any = getattr(request.app.state, "sparql", None)
    if service is None:
        return Check(ok=False, detail="no SPARQL endpoint is configured in this app")
    try:
        endpoint = service.endpoint()
    except Exception as exc:  # the endpoint's own error says why (503 from the protocol)
        return Check(ok=False, detail=str(getattr(exc, "message", exc)))
    return Check(ok=True, detail=f"graph store open ({type(endpoint).__name__})")


def _model(resources: ResourcesDep) -> Check:
    try:
        loaded = resources.models.get()
    except UnavailableError as exc:
        return Check(ok=False, detail=str(exc))
    detail = f"model {loaded.version} loaded"
    if resources.models.problem:  # a newer version was published but rejected
        detail += f"; {resources.models.problem}"
    return Check(ok=True, detail=detail)
