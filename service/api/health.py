"""Liveness: the process answers."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["operations"])


@router.get("/health", summary="Liveness probe")
def health() -> dict[str, str]:
    """Answer ``{"status": "ok"}`` while the process is up (readiness is ``/ready``)."""
    return {"status": "ok"}
