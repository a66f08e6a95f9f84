"""The shape of ids in paths, queries and bodies: 1-128 printable characters.

Control characters (NUL above all, which PostgreSQL refuses in text) are rejected at the edge
with a 422 naming the field, instead of reaching the store.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path
from pydantic import Field

#: No C0 control characters and no DEL.
PRINTABLE = r"^[^\x00-\x1f\x7f]+$"

#: An external id in a request body.
ExternalId = Annotated[str, Field(min_length=1, max_length=128, pattern=PRINTABLE)]


def _path_id(description: str, example: str) -> Any:
    return Path(
        min_length=1,
        max_length=128,
        pattern=PRINTABLE,
        description=description,
        examples=[example],
    )


#: An article id in a URL path.
ArticlePath = Annotated[str, _path_id("The article's external id.", "D00029401")]

#: A customer id in a URL path.
UserPath = Annotated[
    str, _path_id("The customer's external id; an unknown one gets a cold start.", "U000001")
]
