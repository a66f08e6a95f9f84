"""A real ``oxigraph serve`` on loopback for tests of the remote-store configuration."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest


def find_oxigraph() -> str | None:
    """The ``oxigraph`` CLI of the running venv (the ``oxigraph`` PyPI package), else PATH's."""
    beside = Path(sys.executable).parent / "oxigraph"
    return str(beside) if beside.exists() else shutil.which("oxigraph")


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class OxigraphServer:
    """``oxigraph serve --union-default-graph`` on a free loopback port with its own folder."""

    def __init__(self, binary: str, location: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [
                binary,
                "serve",
                "--location",
                str(location),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--union-default-graph",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        self._wait()

    def _wait(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                detail = self.process.stderr.read().decode() if self.process.stderr else ""
                raise RuntimeError(f"oxigraph serve exited: {detail}")
            try:
                httpx.get(self.base + "/query", params={"query": "ASK {}"}, timeout=1)
                return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError("oxigraph serve did not start within 30 s")

    @property
    def query_url(self) -> str:
        """SPARQL query endpoint."""
        return self.base + "/query"

    @property
    def update_url(self) -> str:
        """SPARQL update endpoint."""
        return self.base + "/update"

    @property
    def store_url(self) -> str:
        """Graph Store Protocol endpoint (accepts N-Quads for the whole dataset)."""
        return self.base + "/store"

    def stop(self) -> None:
        """Terminate the server and wait for it."""
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.process.stderr is not None:
            self.process.stderr.close()


def serve_oxigraph(location: Path) -> Iterator[OxigraphServer]:
    """A fixture body: ``oxigraph serve`` on ``location`` until the fixture ends.

    Skips the test when the ``oxigraph`` CLI is not installed.
    """
    binary = find_oxigraph()
    if binary is None:
        pytest.skip("the oxigraph CLI is not installed (pip install oxigraph)")
    server = OxigraphServer(binary, location)
    yield server
    server.stop()
