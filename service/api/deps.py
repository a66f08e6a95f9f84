"""Dependencies the routes declare, as ``Annotated`` aliases so signatures read well."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from service.api.resources import Resources


def resources(request: Request) -> Resources:
    """The resources the lifespan opened."""
    found: Resources = request.app.state.resources
    return found


ResourcesDep = Annotated[Resources, Depends(resources)]
