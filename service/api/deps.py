"""Dependencies the routes declare, as ``Annotated`` aliases so signatures read well."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from service.api.resources import Resources


async def resources(request: Request) -> Resources:
    """The resources the lifespan opened.

    ``async`` although it awaits nothing: FastAPI runs a plain ``def`` dependency in its thread
    pool, a hop that cost every request more than the lookup itself.
    """
    found: Resources = request.app.state.resources
    return found


ResourcesDep = Annotated[Resources, Depends(resources)]
