"""Two replicas over one PostgreSQL and one ``oxigraph serve``: serving holds no state of its own.

Two ``atelier serve --workers 2`` on different ports share a real PostgreSQL store, a real
``oxigraph serve`` graph store and one model folder, as replicas behind a load balancer do
(docs/DEPLOY.md). What one replica is told, the other answers with; a model published reaches
every worker of both by itself; and PostgreSQL restarted under a stream of ``POST /events`` costs
503s while it is down, loses no acknowledged event and needs no restart of Atelier.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import httpx
import pytest
from live_server import free_port, start_server
from oxigraph_server import serve_oxigraph
from postgres_server import PostgresServer, find_bin_dir
from shop import API_KEY, KEY, build_shop, publish_model
from sqlalchemy import select

from service.ingest import run_ingest
from service.ingest.generic import ingest_folder
from service.ingest.keys import event_id_key
from service.settings import Settings
from service.store import Event, create_store_engine

pytestmark = pytest.mark.postgres

TOKEN = "replica-update-token"


@dataclass
class Deployment:
    """The shared stores and the two replicas' base URLs."""

    postgres: PostgresServer
    settings: Settings
    replicas: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    """A PostgreSQL of its own (a test restarts it), oxigraph serve, two replicas.

    Shared by the module's tests (starting it costs ~12 s); each test leaves it serving.
    """
    tmp_path = tmp_path_factory.mktemp("deployment")
    bin_dir = find_bin_dir()
    if bin_dir is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL is not installed; .ci/run installs Debian's postgresql")
        pytest.skip("PostgreSQL's server binaries are not installed (apt-get install postgresql)")
    postgres = PostgresServer(bin_dir)
    graph = serve_oxigraph(tmp_path / "graph")
    oxigraph = next(graph)
    servers = []
    try:
        url = postgres.create_database("shop")
        engine = create_store_engine(url)
        folder = build_shop(tmp_path / "shop")
        run_ingest(engine, "items", {}, lambda c: ingest_folder(c, folder, "shop"))
        engine.dispose()
        home = tmp_path / "home"
        publish_model(home)
        settings = Settings(
            atelier_home=home,
            database_url=url,
            atelier_api_keys=(API_KEY,),
            sparql_query_url=f"{oxigraph.base}/query",
            sparql_update_url=f"{oxigraph.base}/update",
            sparql_update_token=TOKEN,
            atelier_model_poll_s=0.5,
        )
        found = Deployment(postgres, settings)
        for n in (1, 2):
            port = free_port()
            log = tmp_path / f"replica{n}.log"
            servers.append(start_server(settings, port, log, cli=True, workers=2))
            found.replicas.append(f"http://127.0.0.1:{port}")
        yield found
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=30)
        next(graph, None)
        postgres.stop()


def shelf(base: str, user: str, k: int = 2) -> dict:  # type: ignore[type-arg]
    answer = httpx.get(f"{base}/recommend/{user}", params={"k": k}, timeout=10)
    assert answer.status_code == 200
    body: dict = answer.json()  # type: ignore[type-arg]
    return body


def test_a_purchase_told_to_one_replica_changes_the_next_shelf_on_the_other(
    deployment: Deployment,
) -> None:
    first, second = deployment.replicas
    before = {i["article_id"] for i in shelf(second, "dora", k=3)["items"]}
    purchase = {"customer_id": "dora", "article_id": "coat-camel", "event_type": "purchase"}
    assert httpx.post(f"{first}/events", json=purchase, headers=KEY).status_code == 200

    after = shelf(second, "dora")

    assert before & {"coat-navy", "coat-camel"}
    assert {i["article_id"] for i in after["items"]} == {"scarf-red", "boots-black"}
    assert after["items"][0]["reason"].startswith("goes with the coat you bought")


def versions(deployment: Deployment) -> set[str]:
    """The model versions of ten shelves from each replica, each on a new connection."""
    return {shelf(base, "bob")["model_version"] for base in deployment.replicas for _ in range(10)}


def test_a_published_model_reaches_every_worker_of_both_replicas(deployment: Deployment) -> None:
    serving = versions(deployment)
    assert len(serving) == 1 and "v2" not in serving

    publish_model(deployment.settings.atelier_home, version="v2")  # no reload asked
    deadline = time.monotonic() + 30
    while versions(deployment) != {"v2"} and time.monotonic() < deadline:
        time.sleep(0.25)

    assert versions(deployment) == {"v2"}


def test_a_statement_written_through_one_replica_is_read_through_the_other(
    deployment: Deployment,
) -> None:
    first, second = deployment.replicas
    note = '<urn:atelier:replica-test> <urn:atelier:says> "written once"'
    ask = {"query": f"ASK {{ {note} }}"}
    assert httpx.get(f"{second}/sparql", params=ask).json()["boolean"] is False

    written = httpx.post(
        f"{first}/sparql/update",
        content=f"INSERT DATA {{ GRAPH <urn:atelier:notes> {{ {note} }} }}",
        headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/sparql-update"},
    )

    assert written.status_code in (200, 204)
    assert httpx.get(f"{second}/sparql", params=ask).json()["boolean"] is True


def post_events(
    base: str, worker: int, stop: threading.Event, acknowledged: list[str], statuses: list[int]
) -> None:
    """Post batches of three views until ``stop``; note each batch's answer."""
    with httpx.Client(base_url=base, headers=KEY, timeout=10) as client:
        batch = 0
        while not stop.is_set():
            ids = [f"r{worker}-b{batch}-e{n}" for n in range(3)]
            body = [
                {"event_id": i, "customer_id": f"poster{worker}", "article_id": "tee-white"}
                | {"event_type": "view"}
                for i in ids
            ]
            try:
                status = client.post("/events", json=body).status_code
            except httpx.HTTPError:
                status = 0  # no answer at all: not acknowledged
            statuses.append(status)
            if status == 200:
                acknowledged.extend(ids)
            batch += 1
            time.sleep(0.01)


def test_postgres_restarted_under_events_gives_503s_and_loses_no_acknowledged_event(
    deployment: Deployment,
) -> None:
    stop, acknowledged, statuses = threading.Event(), [], []  # type: ignore[var-annotated]
    posters = [
        threading.Thread(target=post_events, args=(base, n, stop, acknowledged, statuses))
        for n, base in enumerate(deployment.replicas * 2)
    ]
    for poster in posters:
        poster.start()
    try:
        time.sleep(1.5)
        deployment.postgres.halt()
        down_from = len(statuses)
        time.sleep(2.0)
        down = statuses[down_from:]
        shelf_while_down = httpx.get(f"{deployment.replicas[1]}/recommend/bob", timeout=10)
        deployment.postgres.start()
        up_from = len(statuses)
        deadline = time.monotonic() + 30
        while 200 not in statuses[up_from:] and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(1.0)
    finally:
        stop.set()
        for poster in posters:
            poster.join(timeout=30)

    assert 503 in down  # while the store is down: Service Unavailable, with a reason
    assert shelf_while_down.status_code == 503 and "Retry-After" in shelf_while_down.headers
    assert 200 in statuses[up_from:]  # back by itself, without restarting Atelier
    assert set(statuses) <= {200, 503}
    engine = create_store_engine(deployment.settings.database_url or "")
    with engine.connect() as connection:
        stored = set(
            connection.execute(select(Event.dedup_key).where(Event.source == "api")).scalars()
        )
    engine.dispose()
    assert acknowledged and {event_id_key(i) for i in acknowledged} <= stored
