"""``atelier serve``: the API and the demo storefront over uvicorn.

Write routes need an API key. When ``ATELIER_API_KEYS`` is unset, serving creates one key in
``ATELIER_HOME/api-key`` (readable by its owner only) and reuses it on later runs, so a local
demo works out of the box without ever running open. The storefront URL printed at start
carries the key in its ``#fragment``, which browsers never send to a server.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Annotated

import typer

from service.cli.context import state
from service.cli.output import out
from service.settings import Settings

#: The file holding the key generated for a local installation.
KEY_FILE = "api-key"


def serve(
    ctx: typer.Context,
    host: Annotated[str | None, typer.Option(help="Interface to bind (default: ATELIER_HOST).")] = (
        None
    ),
    port: Annotated[
        int | None, typer.Option(min=1, max=65535, help="Port (default: ATELIER_PORT).")
    ] = None,
    workers: Annotated[int, typer.Option(min=1, max=64, help="Worker processes.")] = 1,
) -> None:
    """Serve the API and the storefront at http://HOST:PORT until interrupted."""
    serve_app(state(ctx).settings, host, port, workers)


def serve_app(
    settings: Settings, host: str | None = None, port: int | None = None, workers: int = 1
) -> None:
    """Run uvicorn on the app for ``settings``, printing where to find it; blocks."""
    import uvicorn

    settings = with_api_key(settings)
    bind_host, bind_port = host or settings.atelier_host, port or settings.atelier_port
    print_urls(settings, bind_host, bind_port)
    if workers == 1:
        from service.api import create_app

        uvicorn.run(create_app(settings), host=bind_host, port=bind_port, log_level="warning")
        return
    # Each worker builds its own app from the environment: hand the resolved settings down.
    os.environ["ATELIER_HOME"] = str(settings.atelier_home)
    os.environ["ATELIER_API_KEYS"] = ",".join(settings.atelier_api_keys)
    if settings.database_url:
        os.environ["DATABASE_URL"] = settings.database_url
    from service.api.workers import serve_workers

    try:
        relay = None if settings.sparql_query_url else _graph_relay
        status = serve_workers("service.api.app:create_app", bind_host, bind_port, workers, relay)
    except OSError as error:
        raise typer.BadParameter(
            f"cannot listen on {bind_host}:{bind_port}: {error.strerror or error}",
            param_hint="--port",
        ) from error
    if status:
        raise typer.Exit(status)


def _graph_relay(base: str) -> dict[str, str]:
    """The embedded graph store's SPARQL endpoints on the first worker, for the others.

    One process at a time may open the embedded store (it holds a lock): the first worker
    does, and the others use it as they would a remote SPARQL 1.1 store.
    """
    from service.api.sparql import GRAPH_PATH

    return {
        "SPARQL_QUERY_URL": f"{base}/sparql",
        "SPARQL_UPDATE_URL": f"{base}/sparql/update",
        "SPARQL_STORE_URL": f"{base}{GRAPH_PATH}",
    }


def with_api_key(settings: Settings) -> Settings:
    """``settings`` with an API key: the configured ones, else this installation's own."""
    if settings.atelier_api_keys:
        return settings
    return settings.model_copy(update={"atelier_api_keys": (local_key(settings.atelier_home),)})


def local_key(home: Path) -> str:
    """The key in ``home/api-key``, created (owner-only) on first use."""
    path = home / KEY_FILE
    if path.is_file():
        key = path.read_text(encoding="utf-8").strip()
        if key:
            return key
    home.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(24)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(key + "\n")
    return key


def print_urls(settings: Settings, host: str, port: int) -> None:
    """Tell the operator where the storefront, the SPARQL console and the API docs are."""
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    base = f"http://{shown}:{port}"
    key = settings.atelier_api_keys[0]
    out.print(f"[bold]Atelier[/bold] serving {settings.atelier_home.resolve()} at {base}")
    out.print(f"  storefront      {base}/#key={key}")
    out.print(f"  SPARQL console  {base}/console")
    out.print(f"  API docs        {base}/docs")
    out.print(f"  readiness       {base}/ready")
    out.print(f"  metrics         {base}/metrics")
    out.print("  (Ctrl-C stops the server)")


def serve_after_demo(settings: Settings, enabled: bool) -> None:
    """The last stage of ``atelier demo``: serve what was built, unless ``--no-serve``.

    Under a test runner (``PYTEST_CURRENT_TEST`` set, and inherited by the CLI processes a
    test starts) the stage only says how to serve: a test must never block on a server.
    """
    if not enabled or os.environ.get("PYTEST_CURRENT_TEST"):
        out.print("Built. Serve it with [bold]atelier serve[/bold].")
        return
    serve_app(settings)
