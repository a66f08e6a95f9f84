"""``kill -9`` of the server while events are posted loses no acknowledged event.

A real uvicorn process serves the shop; eight client threads post batches with their own event
ids as fast as they can; the server is killed with SIGKILL mid-stream, then started again.
Every event of every batch that was answered 2xx must be in the store, and every batch is
all or nothing.
"""

from __future__ import annotations

import signal
import threading
import time
from pathlib import Path

import httpx
from live_server import free_port, start_server
from shop import KEY
from sqlalchemy import Engine, select

from service.ingest.keys import event_id_key
from service.settings import Settings
from service.store import Event


def post_until_refused(port: int, worker: int, acknowledged: list[list[str]]) -> None:
    """Post batches of 5 events until the server stops answering."""
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=KEY, timeout=10) as client:
        for batch in range(100_000):
            ids = [f"w{worker}-b{batch}-e{n}" for n in range(5)]
            body = [
                {
                    "event_id": i,
                    "customer_id": f"k{worker}",
                    "article_id": "tee-white",
                    "event_type": "view",
                }
                for i in ids
            ]
            try:
                response = client.post("/events", json=body)
            except httpx.HTTPError:
                return
            if response.status_code != 200:
                return
            acknowledged.append(ids)


def stored_keys(engine: Engine) -> set[bytes]:
    with engine.connect() as connection:
        return set(
            connection.execute(select(Event.dedup_key).where(Event.source == "api")).scalars()
        )


def test_kill_9_loses_no_acknowledged_event(
    shop: Engine, settings: Settings, tmp_path: Path
) -> None:
    port, log = free_port(), tmp_path / "server.log"
    server = start_server(settings, port, log)
    acknowledged: list[list[str]] = []
    workers = [
        threading.Thread(target=post_until_refused, args=(port, n, acknowledged)) for n in range(8)
    ]
    for worker in workers:
        worker.start()
    time.sleep(3.0)
    server.send_signal(signal.SIGKILL)
    server.wait(timeout=10)
    for worker in workers:
        worker.join(timeout=30)

    restarted = start_server(settings, port, log)  # the store opens cleanly after the crash
    try:
        ready = httpx.get(f"http://127.0.0.1:{port}/ready", timeout=5).json()
    finally:
        restarted.terminate()
        restarted.wait(timeout=10)

    keys = stored_keys(shop)
    batches_missing = [b for b in acknowledged if any(event_id_key(i) not in keys for i in b)]
    assert len(acknowledged) > 20, "too few batches were acknowledged to test anything"
    assert batches_missing == []
    assert ready["checks"]["store"]["ok"] is True
    # Atomic batches: every stored event belongs to a batch stored whole (acknowledged or not).
    assert len(keys) % 5 == 0
