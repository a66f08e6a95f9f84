"""The demo storefront and SPARQL console pages, their static files, and the saved queries.

The pages are plain HTML and JavaScript from :mod:`service.storefront` that call the public
API like any other client; there is no build step.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field

from kg import queries

router = APIRouter()

#: The folder of the storefront's files (inside the installed package).
FILES = Path(str(resources.files("service.storefront")))

#: Headers of the pages: no framing by other sites, no MIME sniffing, no inline scripts.
PAGE_HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'",
}


class SavedQuery(BaseModel):
    """An analyst query bundled with Atelier."""

    name: str = Field(examples=["complements"])
    description: str = Field(description="The query's leading comment.")
    text: str = Field(description="The SPARQL text, ready for /sparql.")


@router.get("/", include_in_schema=False)
def storefront() -> FileResponse:
    """The demo storefront."""
    return FileResponse(FILES / "index.html", headers=PAGE_HEADERS)


@router.get("/console", include_in_schema=False)
def console() -> FileResponse:
    """The SPARQL console."""
    return FileResponse(FILES / "console.html", headers=PAGE_HEADERS)


@router.get(
    "/queries",
    summary="The saved analyst queries",
    response_model=list[SavedQuery],
    tags=["knowledge graph"],
)
def saved_queries() -> list[SavedQuery]:
    """Every bundled analyst query with its description, to run through `/sparql`."""
    return [_saved(name) for name in queries.names()]


def _saved(name: str) -> SavedQuery:
    text = queries.load(name)
    comments = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        comments.append(line.lstrip("# ").strip())
    return SavedQuery(name=name, description=" ".join(comments), text=text)


def mount(app: FastAPI) -> None:
    """Serve the pages and their static files on ``app``."""
    app.include_router(router)
    app.mount("/storefront", StaticFiles(directory=FILES), name="storefront")
