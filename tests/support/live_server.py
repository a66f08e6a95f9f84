"""Real uvicorn servers on loopback: in a thread of the test process, or as a process."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import uvicorn

from service.api import create_app
from service.settings import Settings


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running(settings: Settings) -> Iterator[str]:
    """Serve the app for ``settings``; yields its base URL."""
    port = free_port()
    config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def start_server(
    settings: Settings, port: int, log: Path, *, cli: bool = False, workers: int = 1
) -> subprocess.Popen[bytes]:
    """Start a server for ``settings`` as a child process (output to ``log``).

    Args:
        settings: What it serves; the stores and the model folder reach it through the
            environment, as they reach a deployed server.
        port: Where it listens on loopback.
        log: Where its output goes.
        cli: Start it as a user does, with ``atelier serve``, instead of bare ``uvicorn``.
        workers: Its worker processes (with ``cli``).
    """
    env = {
        **os.environ,
        "ATELIER_HOME": str(settings.atelier_home),
        "DATABASE_URL": settings.database_url or "",
        "ATELIER_API_KEYS": ",".join(settings.atelier_api_keys),
        "ATELIER_MODEL_POLL_S": str(settings.atelier_model_poll_s),
    }
    remote = {
        "SPARQL_QUERY_URL": settings.sparql_query_url,
        "SPARQL_UPDATE_URL": settings.sparql_update_url,
        "SPARQL_STORE_URL": settings.sparql_store_url,
        "SPARQL_UPDATE_TOKEN": settings.sparql_update_token,
    }
    env.update({name: value for name, value in remote.items() if value})
    if cli:
        atelier = Path(sys.executable).with_name("atelier")
        command = [str(atelier), "serve", "--port", str(port), "--workers", str(workers)]
    else:
        command = [sys.executable, "-m", "uvicorn", "--factory", "service.api.app:create_app"]
        command += ["--port", str(port), "--log-level", "warning"]
    with log.open("ab") as output:
        server = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)
    # each worker imports torch and loads the model: on a busy 2-core machine two replicas of
    # two workers took over a minute to answer
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.1)
    server.terminate()  # uvicorn stops its workers too (a kill would leave them running)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()
    raise RuntimeError(f"server did not start: {log.read_text(errors='replace')[-2000:]}")
