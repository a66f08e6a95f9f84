"""API keys for the routes that change state (events, model reloads).

Keys come from ``ATELIER_API_KEYS``; a client sends one in the ``X-API-Key`` header. With no
key configured every write is refused (closed by default), and the refusal says how to
configure one.
"""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, HTTPException, Request, Security
from fastapi.security import APIKeyHeader

HEADER = "X-API-Key"

_header = APIKeyHeader(name=HEADER, auto_error=False, description="A key from ATELIER_API_KEYS.")


def require_api_key(request: Request, key: Annotated[str | None, Security(_header)]) -> None:
    """Let the request through only with a configured key.

    Raises:
        HTTPException: 401 without a key or with a wrong one.
    """
    keys: tuple[str, ...] = request.app.state.settings.atelier_api_keys
    if not keys:
        raise HTTPException(401, "write routes are disabled: no key is set in ATELIER_API_KEYS")
    if not key:
        raise HTTPException(401, f"missing {HEADER} header", headers={"WWW-Authenticate": HEADER})
    # Compare every key in constant time, so timing reveals neither which key nor how much.
    matched = False
    for candidate in keys:
        matched |= hmac.compare_digest(candidate.encode(), key.encode())
    if not matched:
        raise HTTPException(401, f"wrong {HEADER}", headers={"WWW-Authenticate": HEADER})


#: Add to a route's ``dependencies`` to require a key.
ApiKey = Depends(require_api_key)
