"""``atelier serve --workers N``: the parent deals connections to the workers in turn."""

from __future__ import annotations

import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from live_server import free_port, start_server
from shop import publish_model
from sqlalchemy import Engine

from service.settings import Settings

pytestmark = pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)


def server_connections(port: int) -> Counter[int]:
    """Established TCP connections on the server side of ``port``, per process id (/proc)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as lines:
            for line in list(lines)[1:]:
                fields = line.split()
                local_port = int(fields[1].rsplit(":", 1)[1], 16)
                if local_port == port and fields[3] == "01":  # 01: ESTABLISHED
                    inodes.add(f"socket:[{fields[9]}]")
    owners: Counter[int] = Counter()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            links = [
                os.readlink(f"/proc/{entry}/fd/{fd}") for fd in os.listdir(f"/proc/{entry}/fd")
            ]
        except OSError:  # gone, or not ours to read
            continue
        owners[int(entry)] += sum(link in inodes for link in links)
    return +owners  # only processes holding some


def workers_of(server: subprocess.Popen[bytes]) -> list[int]:
    """Process ids of the server's worker processes (its children running the app)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                parent = int(stat.read().rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{entry}/cmdline", "rb") as cmdline:
                command = cmdline.read()
        except OSError:
            continue
        if parent == server.pid and b"spawn_main" in command:
            found.append(int(entry))
    return found


@contextmanager
def two_workers(
    settings: Settings, tmp_path: Path
) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    """``atelier serve --workers 2`` on the shop, with the trained model; yields it and its port
    once both workers serve.
    """
    port, log = free_port(), tmp_path / "server.log"
    server = start_server(settings, port, log, cli=True, workers=2)
    try:
        all_serving(log)
        yield server, port
    finally:
        server.terminate()
        server.wait(timeout=60)


def all_serving(log: Path, times: int = 1, deadline_s: float = 120.0) -> None:
    """Wait until the server has said ``times`` times that all its workers serve."""
    deadline = time.monotonic() + deadline_s
    while log.read_text(errors="replace").count("all 2 workers serving") < times:
        if time.monotonic() > deadline:
            raise AssertionError(f"the workers did not all start: {log.read_text()[-2000:]}")
        time.sleep(0.1)


def ready_workers(port: int, deadline_s: float = 120.0) -> None:
    """Wait until fresh connections (dealt in turn) all find a model."""
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        try:
            answers = [httpx.get(f"http://127.0.0.1:{port}/recommend/bob") for _ in range(4)]
        except httpx.TransportError:  # dealt to a worker as it died (before its parent knew)
            answers = []
        if answers and all(a.status_code == 200 and not a.json()["fallback"] for a in answers):
            return
        time.sleep(0.5)
    raise AssertionError("the workers did not all serve the model in time")


@pytest.fixture
def served(shop: Engine, settings: Settings, shop_model: Path) -> Settings:
    shutil.copytree(shop_model / "models", settings.atelier_home / "models")
    return settings


def test_keep_alive_connections_are_dealt_to_the_workers_in_turn(
    served: Settings, tmp_path: Path
) -> None:
    with two_workers(served, tmp_path) as (server, port):
        ready_workers(port)
        connections = [http.client.HTTPConnection("127.0.0.1", port) for _ in range(4)]
        statuses = []
        for connection in connections:  # each kept open, as a storefront's pool keeps them
            connection.request("GET", "/recommend/bob")
            answer = connection.getresponse()
            answer.read()
            statuses.append(answer.status)
        split = server_connections(port)
        for connection in connections:
            connection.close()

    assert statuses == [200] * 4
    assert sorted(split.values()) == [2, 2]  # a race to accept gave 4 to 0 (bench/service.py)
    assert server.pid not in split  # the parent hands every connection over


def test_sighup_reloads_the_model_in_every_worker(served: Settings, tmp_path: Path) -> None:
    with two_workers(served, tmp_path) as (server, port):
        ready_workers(port)
        publish_model(served.atelier_home, "v2", model="popularity")
        server.send_signal(signal.SIGHUP)
        deadline, versions = time.monotonic() + 60, {"v1"}
        while versions != {"v2"} and time.monotonic() < deadline:
            time.sleep(0.2)
            answers = [httpx.get(f"http://127.0.0.1:{port}/recommend/bob") for _ in range(4)]
            versions = {a.json()["model_version"] for a in answers}

    assert versions == {"v2"}


def test_a_worker_that_dies_is_replaced(served: Settings, tmp_path: Path) -> None:
    with two_workers(served, tmp_path) as (server, port):
        ready_workers(port)
        first = workers_of(server)
        os.kill(first[0], signal.SIGKILL)
        all_serving(tmp_path / "server.log", times=2)
        ready_workers(port)
        after = workers_of(server)
        alive = server.poll() is None

    assert len(first) == 2 and len(after) == 2
    assert first[0] not in after and first[1] in after
    assert alive


def test_every_worker_reads_and_writes_the_one_embedded_graph_store(
    served: Settings, tmp_path: Path
) -> None:
    token = "workers-update-token"
    settings = served.model_copy(update={"sparql_update_token": token})
    update = 'INSERT DATA { GRAPH <urn:note> { <urn:a> <urn:b> "dealt" } }'
    query = "SELECT ?o WHERE { GRAPH <urn:note> { <urn:a> <urn:b> ?o } }"
    with two_workers(settings, tmp_path) as (_, port):
        base = f"http://127.0.0.1:{port}"
        ready = [httpx.get(f"{base}/ready", timeout=30).status_code for _ in range(4)]
        # one update through each worker (fresh connections are dealt in turn)
        updates = [
            httpx.post(
                f"{base}/sparql/update",
                content=update.replace("dealt", f"dealt {n}"),
                headers={
                    "Authorization": f"Bearer {token}",
                    "Content-Type": "application/sparql-update",
                },
                timeout=30,
            ).status_code
            for n in range(2)
        ]
        seen = [
            httpx.get(
                f"{base}/sparql",
                params={"query": query},
                headers={"Accept": "application/sparql-results+json"},
                timeout=30,
            ).json()["results"]["bindings"]
            for _ in range(2)
        ]

    assert ready == [200] * 4  # one worker holds the store's lock; the other reaches it
    assert updates == [204, 204] or updates == [200, 200]
    assert [sorted(b["o"]["value"] for b in found) for found in seen] == [
        ["dealt 0", "dealt 1"]
    ] * 2


def test_a_port_in_use_is_a_clear_error(served: Settings) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {**os.environ, "ATELIER_HOME": str(served.atelier_home)}
        env["DATABASE_URL"] = served.database_url or ""
        atelier = Path(sys.executable).with_name("atelier")
        command = [str(atelier), "serve", "--port", str(port), "--workers", "2"]
        result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)

    assert result.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr
    assert "Address already in use" in result.stderr
