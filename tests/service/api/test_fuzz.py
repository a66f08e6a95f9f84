"""Schemathesis fuzzes every documented operation: no input may cause a 5xx.

Runs against the shop with a trained model, on both store backends, with the API key (so the
write routes are exercised past authentication). The operations are driven through
hypothesis directly: schemathesis' pytest plugin (``from_fixture``) does not run on pytest 9.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.python.asgi import shutdown_lifespans
from shop import KEY
from sqlalchemy import Engine

from service.api import create_app
from service.settings import Settings

#: Examples per operation: enough to hit every parameter's edges, cheap enough for the suite.
EXAMPLES = 30


@pytest.fixture
def api_schema(
    shop: Engine, settings: Settings, shop_model: Path
) -> Iterator[schemathesis.BaseSchema]:
    shutil.copytree(shop_model / "models", settings.atelier_home / "models")
    app = create_app(settings)
    # Schemathesis starts the app's lifespan once and keeps it; stop it with the fixture.
    yield schemathesis.openapi.from_asgi("/openapi.json", app)
    shutdown_lifespans()


def fuzz(operation: schemathesis.APIOperation[Any, Any, Any, Any]) -> None:
    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case: schemathesis.Case[Any]) -> None:
        case.call_and_validate(headers=KEY, checks=[not_a_server_error])

    run()


# /sparql routes every method to one handler (the protocol answers 405 itself), and FastAPI
# warns that the operation id repeats across those methods; the schema is still complete.
@pytest.mark.filterwarnings("ignore:Duplicate Operation ID:UserWarning")
def test_no_input_makes_the_api_fail(api_schema: schemathesis.BaseSchema) -> None:
    operations = [result.ok() for result in api_schema.get_all_operations()]  # type: ignore[union-attr]  # an Err would raise here, as wanted
    failures = {}
    for operation in operations:
        try:
            fuzz(operation)
        except Exception as exc:  # collect every operation's failure, then report them all
            failures[operation.label] = f"{type(exc).__name__}: {str(exc)[:2000]}"

    assert len(operations) >= 12
    assert failures == {}
