"""Service load test: /recommend and /events against uvicorn on the shared H&M data.

Loads the H&M catalogue (105,542 articles) with all its customers and transactions into a store
under ``--home`` (once), trains the recommender on it (once), starts uvicorn as a separate
process, and drives it from separate load-generator processes over keep-alive HTTP/1.1:

* **open loop** at a fixed rate (``--rate``) for ``/recommend/{user}``: every request has a
  scheduled send time and its latency is measured from that time, so a stalled server is
  charged for the queue it causes (no coordinated omission);
* **closed loop** (as fast as the server answers) for ``/recommend`` and for the trivial
  ``/health`` route, to compare throughputs on the same server;
* **closed loop** for ``POST /events`` in batches, counting the events found in the store after.

The bare ranking cost (the model's scoring and top-k alone, and the whole ``Shelves.recommend``
call) is timed in-process on the same users as the physical floor. Prints Markdown for
docs/BENCHMARKS.md.

    python bench/service.py [--data ../shared/data/hm] [--home /tmp/atelier-bench-service]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import os
import platform
import random
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

API_KEY = "bench-key"
TARGET_P50_MS, TARGET_P99_MS, TARGET_RATE = 5.0, 25.0, 400.0
TARGET_EVENTS_PER_S = 2_000


# -- the data and the model ------------------------------------------------------------------


def prepare_store(home: Path, data: Path) -> None:
    """Ingest the H&M folder into ``home``'s SQLite store unless it is already there."""
    from service.ingest import run_ingest
    from service.ingest.hm import ingest_hm
    from service.store import create_store_engine
    from service.store.summary import summarise

    engine = create_store_engine(f"sqlite:///{home / 'catalogue.db'}")
    if (home / "catalogue.db").exists() and summarise(engine).articles >= 100_000:
        return
    started = time.perf_counter()
    run_ingest(engine, "hm", {"folder": str(data)}, lambda c: ingest_hm(c, data))
    print(f"ingested {data} in {time.perf_counter() - started:.0f} s", file=sys.stderr)


def interactions(home: Path) -> Any:
    """Every stored event as the recommender's interaction table."""
    import pandas as pd

    from recommender.data import normalise_frame
    from service.store import create_store_engine

    engine = create_store_engine(f"sqlite:///{home / 'catalogue.db'}")
    query = (
        "SELECT c.external_id AS user_id, a.external_id AS item_id, e.occurred_at AS timestamp, "
        "e.event_type, e.quantity FROM events e JOIN customers c ON c.id = e.customer_id "
        "JOIN articles a ON a.id = e.article_id"
    )
    with engine.connect() as connection:
        frame = pd.read_sql_query(query, connection)
    return normalise_frame(frame)


def knowledge(data: Path) -> Any:
    """Table knowledge from the H&M article attributes (category, colour, department, style)."""
    import pandas as pd

    from recommender.knowledge import TableKnowledge

    articles = pd.read_parquet(data / "articles.parquet")
    columns = {
        "category": "product_type_name",
        "colour": "colour_group_name",
        "department": "department_name",
        "pattern": "graphical_appearance_name",
    }
    ids = articles["article_id"].astype(str).str.zfill(10)
    facts = {
        i: {rel: (str(v).lower(),) for rel, v in zip(columns, values, strict=True)}
        | {"style": (str(code),)}
        for i, code, *values in zip(
            ids, articles["product_code"], *(articles[c] for c in columns.values()), strict=True
        )
    }
    return TableKnowledge(facts=facts)


def train(home: Path, data: Path) -> str:
    """Train and publish a model under ``home/models`` unless one is published."""
    current = home / "models" / "current"
    if current.is_file():
        return current.read_text().strip()
    from threadpoolctl import threadpool_limits

    from recommender.artifacts import save_fitted
    from recommender.pipeline import PipelineConfig, fit_pipeline

    started = time.perf_counter()
    with threadpool_limits(1, "blas"):
        fitted = fit_pipeline(interactions(home), knowledge(data), PipelineConfig())
    version = time.strftime("bench-%Y%m%d-%H%M%S")
    save_fitted(fitted, home / "models" / version, version)
    (home / "models" / "current.tmp").write_text(version)
    os.replace(home / "models" / "current.tmp", current)
    print(f"trained {version} in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return version


def sample_users(home: Path, n: int, seed: int = 7) -> list[str]:
    """``n`` shoppers: 90% known ones (those with events), 10% never seen (cold start)."""
    import sqlite3

    with sqlite3.connect(home / "catalogue.db") as db:
        known = [
            r[0]
            for r in db.execute(
                "SELECT DISTINCT c.external_id FROM customers c "
                "JOIN events e ON e.customer_id = c.id"
            )
        ]
    rng = random.Random(seed)
    users = rng.sample(known, min(n, len(known)))
    cold = [f"cold-{i}" for i in range(max(1, n // 10))]
    return users[: n - len(cold)] + cold


# -- the floor: ranking in-process -------------------------------------------------------------


def ranking_floor(home: Path, users: list[str]) -> dict[str, float]:
    """Median and p99 in ms of the model's top-k alone and of a whole ``Shelves.recommend``."""
    from datetime import datetime

    from recommender.serving import Shelves
    from service.recommending.history import user_history
    from service.store import create_store_engine

    version = (home / "models" / "current").read_text().strip()
    shelves = Shelves.load(home / "models" / version)
    engine = create_store_engine(f"sqlite:///{home / 'catalogue.db'}")
    now = datetime.now()
    histories = {u: user_history(engine, u) for u in users}
    topk, whole, history = [], [], []
    for user in users:
        started = time.perf_counter()
        user_history(engine, user)
        history.append(time.perf_counter() - started)
        resolved = shelves.user_history(histories[user], now)
        started = time.perf_counter()
        scores = shelves.main_scores(resolved)
        top = np.argpartition(-scores, 12)[:12]
        top[np.argsort(-scores[top])]
        topk.append(time.perf_counter() - started)
        started = time.perf_counter()
        shelves.recommend(user, histories[user], now, 12)
        whole.append(time.perf_counter() - started)
    return {
        "topk_p50": _ms(topk, 50),
        "topk_p99": _ms(topk, 99),
        "shelf_p50": _ms(whole, 50),
        "shelf_p99": _ms(whole, 99),
        "history_p50": _ms(history, 50),
        "history_p99": _ms(history, 99),
    }


def _ms(seconds: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(seconds) * 1000, q))


# -- the server ------------------------------------------------------------------------------


def start_server(home: Path, port: int, workers: int) -> subprocess.Popen[bytes]:
    """Start uvicorn serving ``home`` with ``workers`` processes; return when it answers /ready."""
    import urllib.request

    env = {**os.environ, "ATELIER_HOME": str(home), "ATELIER_API_KEYS": API_KEY}
    env.pop("DATABASE_URL", None)
    command = [sys.executable, "-m", "uvicorn", "--factory", "service.api.app:create_app"]
    command += ["--port", str(port), "--workers", str(workers), "--log-level", "warning"]
    # Connections of the open loop can sit idle between bursts: keep them open.
    command += ["--no-access-log", "--timeout-keep-alive", "120"]
    log = (home / f"server-{workers}.log").open("ab")
    server = subprocess.Popen(command, env=env, cwd=REPO, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/ready", timeout=2) as answer:
                if answer.status == 200:
                    return server
        except OSError:
            time.sleep(0.5)
    server.kill()
    raise RuntimeError("the server did not become ready")


# -- the load generator (runs in separate processes) -----------------------------------------


@dataclass
class Load:
    """One load generator's share of a run."""

    port: int
    paths: list[str]
    seconds: float
    rate: float | None  # requests/s of this process; None = closed loop
    connections: int
    body: bytes | None = None  # POST body (closed loop only)
    results: list[float] = field(default_factory=list)


async def _connection(port: int) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    return await asyncio.open_connection("127.0.0.1", port)


async def _request(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, path: str, body: bytes | None
) -> int:
    if body is None:
        head = f"GET {path} HTTP/1.1\r\nHost: bench\r\n\r\n"
        writer.write(head.encode())
    else:
        head = (
            f"POST {path} HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\n"
            f"X-API-Key: {API_KEY}\r\nContent-Length: {len(body)}\r\n\r\n"
        )
        writer.write(head.encode() + body)
    status_line = await reader.readuntil(b"\r\n")
    headers = await reader.readuntil(b"\r\n\r\n")
    length = 0
    for line in headers.split(b"\r\n"):
        if line[:15].lower() == b"content-length:":
            length = int(line[15:])
    await reader.readexactly(length)
    return int(status_line.split(b" ", 2)[1])


async def _open_loop(load: Load) -> tuple[list[float], int]:
    """Send at ``load.rate`` on a pool of connections; latency from the scheduled time."""
    pool: asyncio.Queue[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = asyncio.Queue()
    for _ in range(load.connections):
        pool.put_nowait(await _connection(load.port))
    latencies: list[float] = []
    errors = 0
    assert load.rate is not None
    start = time.perf_counter() + 0.05
    count = int(load.seconds * load.rate)

    async def one(i: int) -> None:
        nonlocal errors
        scheduled = start + i / load.rate  # type: ignore[operator]
        delay = scheduled - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        reader, writer = await pool.get()
        try:
            status = await _request(reader, writer, load.paths[i % len(load.paths)], None)
            errors += status != 200
        except (OSError, asyncio.IncompleteReadError):
            errors += 1
            try:
                reader, writer = await _connection(load.port)
            except OSError:
                return  # the connection is lost to the pool; the others carry on
        latencies.append(time.perf_counter() - scheduled)
        pool.put_nowait((reader, writer))

    tasks = [asyncio.ensure_future(one(i)) for i in range(count)]
    # A server slower than the offered rate never catches up: stop at the end of the run plus
    # a grace period and count what did not finish as errors (dropped requests).
    _done, pending = await asyncio.wait(tasks, timeout=load.seconds + 5.0)
    for task in pending:
        task.cancel()
    return latencies, errors + len(pending)


async def _closed_loop(load: Load) -> tuple[list[float], int]:
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + load.seconds

    async def worker(w: int) -> None:
        nonlocal errors
        reader, writer = await _connection(load.port)
        i = w
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            body = load.body.replace(b"@", f"{os.getpid()}-{w}-{i}".encode()) if load.body else None
            try:
                status = await _request(reader, writer, load.paths[i % len(load.paths)], body)
            except (OSError, asyncio.IncompleteReadError):
                status = 0
                await asyncio.sleep(0.1)
                reader, writer = await _connection(load.port)
            errors += status != 200
            latencies.append(time.perf_counter() - started)
            i += load.connections

    await asyncio.gather(*(worker(w) for w in range(load.connections)))
    return latencies, errors


def _generate(load: Load, out: Any) -> None:
    runner = _open_loop if load.rate is not None else _closed_loop
    try:
        latencies, errors = asyncio.run(runner(load))
    except Exception as exc:  # report, never leave the parent waiting
        print(f"load generator failed: {exc!r}", file=sys.stderr)
        latencies, errors = [], -1
    out.put((latencies, errors))


def drive(load: Load, processes: int) -> dict[str, float]:
    """Run ``load`` from ``processes`` generator processes; aggregate their figures."""
    queue: Any = mp.get_context("spawn").Queue()
    shares = []
    for p in range(processes):
        share = Load(
            load.port,
            load.paths[p::processes] or load.paths,
            load.seconds,
            load.rate / processes if load.rate else None,
            load.connections,
            load.body,
        )
        shares.append(mp.get_context("spawn").Process(target=_generate, args=(share, queue)))
    started = time.perf_counter()
    for process in shares:
        process.start()
    collected = [queue.get(timeout=load.seconds * 3 + 60) for _ in shares]
    elapsed = time.perf_counter() - started
    for process in shares:
        process.join()
    latencies = [x for part, _ in collected for x in part] or [float("nan")]
    errors = sum(e for _, e in collected)
    return {
        "requests": len(latencies),
        "errors": errors,
        "rps": len(latencies) / min(elapsed, load.seconds + 1.0),
        "p50": _ms(latencies, 50),
        "p90": _ms(latencies, 90),
        "p99": _ms(latencies, 99),
        "max": max(latencies) * 1000,
    }


def events_in_store(home: Path) -> int:
    """How many events the demo store under ``home`` holds."""
    import sqlite3

    with sqlite3.connect(home / "catalogue.db") as db:
        return int(db.execute("SELECT count(*) FROM events WHERE source = 'api'").fetchone()[0])


def event_body(users: list[str], articles: list[str], batch: int) -> bytes:
    """A batch of purchases whose ids contain ``@`` (replaced per request to stay unique)."""
    events = [
        {
            "event_id": f"bench-@-{n}",
            "customer_id": users[n % len(users)],
            "article_id": articles[n % len(articles)],
            "event_type": "view",
        }
        for n in range(batch)
    ]
    return json.dumps(events).encode()


# -- the run ---------------------------------------------------------------------------------


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data" / "hm")
    parser.add_argument("--home", type=Path, default=Path("/tmp/atelier-bench-service"))
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--rate", type=float, default=TARGET_RATE)
    parser.add_argument("--server-workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--generators", type=int, default=2, help="load generator processes")
    parser.add_argument("--users", type=int, default=5_000)
    parser.add_argument("--batch", type=int, default=100, help="events per POST /events")
    args = parser.parse_args()
    args.home.mkdir(parents=True, exist_ok=True)
    prepare_store(args.home, args.data)
    version = train(args.home, args.data)
    users = sample_users(args.home, args.users)
    floor = ranking_floor(args.home, users[:500])
    recommend = [f"/recommend/{u}?k=12" for u in users]
    rows = {}
    for workers in args.server_workers:
        server = start_server(args.home, args.port, workers)
        try:
            port = args.port
            time.sleep(15)  # the server preloads product cards in the background
            drive(Load(port, recommend[:500], 5.0, None, 4), args.generators)  # warm up
            rows[workers] = {
                "open": drive(Load(port, recommend, args.seconds, args.rate, 16), args.generators),
                "recommend": drive(Load(port, recommend, args.seconds, None, 8), args.generators),
                "health": drive(Load(port, ["/health"], args.seconds, None, 8), args.generators),
            }
            before = events_in_store(args.home)
            body = event_body(users[:1000], _articles(args.home), args.batch)
            posted = drive(Load(port, ["/events"], args.seconds, None, 4, body), args.generators)
            stored = events_in_store(args.home) - before
            posted["stored"] = stored
            posted["events_per_s"] = stored / args.seconds
            rows[workers]["events"] = posted
        finally:
            server.terminate()
            server.wait(timeout=30)
    report(args, version, floor, rows)


def _articles(home: Path) -> list[str]:
    import sqlite3

    with sqlite3.connect(home / "catalogue.db") as db:
        return [r[0] for r in db.execute("SELECT external_id FROM articles LIMIT 5000")]


def report(args: Any, version: str, floor: dict[str, float], rows: dict[int, Any]) -> None:
    """Print the measured figures as Markdown, with the machine they were measured on."""
    print(
        f"Model {version}; {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}; "
        f"{args.generators} load-generator processes on the same machine.\n"
    )
    print("| server workers | run | requests/s | p50 ms | p99 ms | max ms | errors |")
    print("|---|---|---|---|---|---|---|")
    for workers, runs in rows.items():
        for name, label in [
            ("open", f"/recommend open loop at {args.rate:.0f}/s"),
            ("recommend", "/recommend closed loop (max)"),
            ("health", "/health closed loop (max)"),
            ("events", f"POST /events closed loop, {args.batch}/batch"),
        ]:
            r = runs[name]
            print(
                f"| {workers} | {label} | {r['rps']:.0f} | {r['p50']:.2f} | {r['p99']:.2f} | "
                f"{r['max']:.1f} | {r['errors']} |"
            )
        ratio = runs["recommend"]["rps"] / runs["health"]["rps"]
        print(
            f"\n{workers} worker(s): /recommend/health throughput ratio {ratio:.2f}; "
            f"events stored {runs['events']['stored']:,} = "
            f"{runs['events']['events_per_s']:,.0f} events/s\n"
        )
    print(
        "Floor (in-process, same users): "
        f"model score+top-k p50 {floor['topk_p50']:.2f} ms / p99 {floor['topk_p99']:.2f} ms; "
        f"whole Shelves.recommend p50 {floor['shelf_p50']:.2f} ms / p99 {floor['shelf_p99']:.2f}"
        f" ms; history read p50 {floor['history_p50']:.2f} ms / p99 {floor['history_p99']:.2f}"
        " ms"
    )
    print(json.dumps({"floor": floor, "rows": rows}, default=float))


if __name__ == "__main__":
    main()
