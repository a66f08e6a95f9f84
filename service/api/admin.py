"""Operator routes: swap in a newly trained model without a restart."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from service.api.deps import ResourcesDep
from service.api.problems import UNAVAILABLE, Problem
from service.api.security import ApiKey

router = APIRouter(tags=["operations"])


class Reloaded(BaseModel):
    """The model serving after a reload."""

    version: str = Field(examples=["20261122-183000"])
    changed: bool = Field(description="False when that version was already serving.")


@router.post(
    "/admin/reload",
    summary="Load the newest trained model",
    response_model=Reloaded,
    dependencies=[ApiKey],
    responses={401: {"model": Problem}, **UNAVAILABLE},
)
def reload(resources: ResourcesDep, force: bool = False) -> Reloaded:
    """Load the version `ATELIER_HOME/models/current` names and swap it in atomically.

    Requests in flight finish on the old model. A corrupt or incomplete artifact is rejected
    with 503 and the old model keeps serving. `kill -HUP <pid>` does the same.
    """
    outcome = resources.models.reload(force)
    return Reloaded(version=outcome.version, changed=outcome.changed)
