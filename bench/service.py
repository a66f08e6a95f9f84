"""Service load test: /recommend, /health and /events under compiled load generators.

Serves a world with ``atelier serve --workers N`` (exactly what a user runs) and drives it from
Debian's compiled load generators, never from Python loops sharing the cores:

* ``hey -z 20s -c 4 -q 100`` on one shopper's ``/recommend`` (the issue's demo-world check: four
  connections, each at most 100 requests/s);
* **a latency curve** with ``wrk`` over thousands of shoppers (a Lua script rotates the paths)
  paced at 100 → 800 requests/s: each wrk thread keeps a schedule of send times at the offered
  rate and a free connection takes the next slot, so with 32 connections a slow answer does not
  hold the offered rate back; the achieved rate is reported beside the offered one;
* **closed loops** (as fast as the server answers) with ``wrk`` on ``/recommend`` over the same
  shoppers and on the trivial ``/health`` route, to compare throughputs on the same server;
* a closed loop of ``POST /events`` in batches with ``wrk`` (each body's ids made unique by the
  script), counting the events found in the store afterwards.

Halfway through each run the established connections are counted per worker process (``ss``):
keep-alive connections stay with the worker that accepted them, so the split decides whether
one worker's core saturates. The server drains for a few seconds between runs.

Where the time goes is timed in-process on the same shoppers: the history query, the model's
whole ``Shelves.recommend`` and the response's serialisation. Prints Markdown for
docs/BENCHMARKS.md.

    python bench/service.py --world demo [--home /tmp/atelier-bench-demo]
    python bench/service.py --world hm [--data ../shared/data/hm] [--home /tmp/atelier-bench-hm]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

API_KEY = "bench-key"
TARGET_P50_MS, TARGET_P99_MS, TARGET_RATE = 5.0, 25.0, 400.0
TARGET_DEMO_RATE = 390.0
TARGET_EVENTS_PER_S = 2_000
CURVE_RATES = (100, 200, 400, 600, 800)
#: Seconds between runs: a run that queued requests (an offered rate above capacity) leaves a
#: worker still answering them, and the idle worker would accept every connection of the next
#: run (keep-alive connections stay with the worker that accepted them for the whole run).
SETTLE_S = 5.0


# -- the data and the model ------------------------------------------------------------------


def prepare_demo(home: Path) -> None:
    """Build and train the demo world under ``home`` (``atelier demo --no-serve``) once."""
    if (home / "models" / "current").is_file():
        return
    started = time.perf_counter()
    env = {**os.environ, "ATELIER_HOME": str(home)}
    env.pop("DATABASE_URL", None)
    subprocess.run(
        [_atelier(), "demo", "--no-serve"], env=env, check=True, stdout=subprocess.DEVNULL
    )
    print(f"built the demo world in {time.perf_counter() - started:.0f} s", file=sys.stderr)


def _atelier() -> str:
    """The ``atelier`` command of the environment running this script."""
    beside = Path(sys.executable).with_name("atelier")
    return str(beside) if beside.exists() else "atelier"


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


def train(home: Path, data: Path, model: str) -> str:
    """Train and publish a model under ``home/models`` unless one is published."""
    current = home / "models" / "current"
    if current.is_file():
        return current.read_text().strip()
    from threadpoolctl import threadpool_limits

    from recommender.artifacts import save_fitted
    from recommender.pipeline import PipelineConfig, fit_pipeline

    started = time.perf_counter()
    with threadpool_limits(1, "blas"):
        fitted = fit_pipeline(interactions(home), knowledge(data), PipelineConfig(model=model))
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
                "JOIN events e ON e.customer_id = c.id "
                # not the shoppers an earlier run's POST /events made up
                "WHERE c.external_id NOT LIKE 'bench-poster-%'"
            )
        ]
    rng = random.Random(seed)
    users = rng.sample(known, min(n, len(known)))
    cold = [f"cold-{i}" for i in range(max(1, n // 10))]
    return users[: n - len(cold)] + cold


# -- the floor: ranking in-process -------------------------------------------------------------


def ranking_floor(home: Path, users: list[str]) -> dict[str, float]:
    """Where a shelf's time goes, in ms (p50, p99): history, model, serialisation."""
    from datetime import datetime
    from types import SimpleNamespace

    from threadpoolctl import threadpool_limits

    from recommender.serving import Shelves
    from service.api.catalogue import CardCache
    from service.api.metrics import Metrics
    from service.api.shelves import _answer
    from service.recommending.history import user_history
    from service.store import create_store_engine

    version = (home / "models" / "current").read_text().strip()
    shelves = Shelves.load(home / "models" / version)
    # One BLAS thread, as the server runs (service.api.app): two made the ranker's shelf 40%
    # slower here (fold-in solves synchronising threads).
    blas = threadpool_limits(1, "blas")
    engine = create_store_engine(f"sqlite:///{home / 'catalogue.db'}")
    now = datetime.now()
    histories = {u: user_history(engine, u) for u in users}
    # What the route adds after the model: product cards (warm, as the server preloads them)
    # and one JSON serialisation of the answer.
    resources: Any = SimpleNamespace(cards=CardCache(engine), metrics=Metrics())
    resources.cards.warm()
    pauses = _collector_pauses()
    topk, whole, history, answer = [], [], [], []
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
        shelf = shelves.recommend(user, histories[user], now, 12)
        whole.append(time.perf_counter() - started)
        started = time.perf_counter()
        _answer(resources, "recommend", user, shelf)
        answer.append(time.perf_counter() - started)
    blas.restore_original_limits()
    return {
        "answer_p50": _ms(answer, 50),
        "answer_p99": _ms(answer, 99),
        "topk_p50": _ms(topk, 50),
        "topk_p99": _ms(topk, 99),
        "shelf_p50": _ms(whole, 50),
        "shelf_p99": _ms(whole, 99),
        "history_p50": _ms(history, 50),
        "history_p99": _ms(history, 99),
        **pauses,
    }


def _collector_pauses() -> dict[str, float]:
    """A full cyclic collection's pause (ms) with a worker's model and cards loaded, before and
    after they are settled out of the collector's way as the server does (service.api.heap).
    """
    import gc

    from service.api.heap import settle_heap

    def full() -> float:
        started = time.perf_counter()
        gc.collect()
        return (time.perf_counter() - started) * 1000

    tracked = len(gc.get_objects())
    before = min(full() for _ in range(3))
    settle_heap(collect=True)
    after = min(full() for _ in range(3))
    gc.unfreeze()  # the measuring process goes on as before
    return {"gc_tracked": float(tracked), "gc_full_ms": before, "gc_settled_ms": after}


def _ms(seconds: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(seconds) * 1000, q))


# -- the server ------------------------------------------------------------------------------


def start_server(home: Path, port: int, workers: int) -> subprocess.Popen[bytes]:
    """``atelier serve --workers N`` on ``home``; returns when it answers /ready."""
    import urllib.request

    env = {**os.environ, "ATELIER_HOME": str(home), "ATELIER_API_KEYS": API_KEY}
    env.pop("DATABASE_URL", None)
    command = [_atelier(), "serve", "--port", str(port), "--workers", str(workers)]
    log = (home / f"server-{workers}.log").open("ab")
    server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/ready", timeout=2) as answer:
                if answer.status == 200:
                    return server
        except OSError:
            time.sleep(0.5)
    server.kill()
    raise RuntimeError(f"the server did not become ready (see {log.name})")


# -- the load generators (compiled: hey and wrk) ---------------------------------------------

#: wrk's script: rotate the paths, optionally pace sends at a rate, optionally POST unique
#: event batches; print the figures as one JSON line.
WRK_SCRIPT = r"""
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clk_id, bench_timespec *tp);
]]
local clock = ffi.new("bench_timespec")
local function now_ms()
  ffi.C.clock_gettime(1, clock)
  return tonumber(clock.tv_sec) * 1000 + tonumber(clock.tv_nsec) / 1e6
end

local paths, rate, body, threads, counter = {}, 0, nil, {}, 0
local next_path, interval, next_send = 1, 0, nil

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  for line in io.lines(args[1]) do table.insert(paths, line) end
  rate = tonumber(args[2]) or 0
  if args[3] and args[3] ~= "" then
    local file = io.open(args[3], "rb"); body = file:read("*a"); file:close()
  end
  local count = tonumber(args[4]) or 1
  if rate > 0 then interval = 1000 * count / rate end
  next_path = (id or 1) % #paths + 1
end

function delay()
  if interval == 0 then return 0 end
  local now = now_ms()
  if next_send == nil then next_send = now + interval * math.random() end
  next_send = next_send + interval
  local wait = next_send - interval - now
  if wait < 0 then return 0 end
  return wait
end

function request()
  local path = paths[next_path]
  next_path = next_path % #paths + 1
  if body == nil then return wrk.format("GET", path) end
  counter = counter + 1
  local unique = string.gsub(body, "@", (id or 0) .. "-" .. counter)
  return wrk.format("POST", path, {["Content-Type"] = "application/json",
                                   ["X-API-Key"] = "API_KEY"}, unique)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "seconds": %.3f, "p50": %.3f, "p90": %.3f, "p99": %.3f, "max": %.3f, ' ..
    '"errors": %d}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000,
    latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    e.connect + e.read + e.write + e.status + e.timeout))
end
""".replace("API_KEY", API_KEY)


def wrk(
    port: int,
    paths: list[str],
    seconds: float,
    connections: int,
    rate: float = 0.0,
    body: bytes | None = None,
    threads: int = 2,
) -> dict[str, float]:
    """Drive ``paths`` with wrk (closed loop, or paced at ``rate`` requests/s in all)."""
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        (folder / "paths.txt").write_text("\n".join(paths) + "\n")
        (folder / "script.lua").write_text(WRK_SCRIPT)
        body_file = ""
        if body is not None:
            (folder / "body.json").write_bytes(body)
            body_file = str(folder / "body.json")
        command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds:.0f}s"]
        command += ["--timeout", "10s", "-s", str(folder / "script.lua")]
        command += [f"http://127.0.0.1:{port}", "--", str(folder / "paths.txt"), str(rate)]
        command += [body_file, str(threads)]
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    figures: dict[str, float] = json.loads(output.strip().splitlines()[-1])
    figures["rps"] = figures["requests"] / figures["seconds"]
    return figures


def worker_split(port: int) -> str:
    """Established connections to ``port`` per server process, most first (e.g. ``"17/15"``).

    Each worker keeps the keep-alive connections it accepted, so this split, not the offered
    rate alone, decides whether one worker's core saturates.
    """
    listing = subprocess.run(
        ["ss", "-Htnp", "state", "established", f"( sport = :{port} )"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    counts = sorted(Counter(re.findall(r"pid=(\d+)", listing)).values(), reverse=True)
    return "/".join(map(str, counts)) or "-"


def cpu_seconds(pid: int) -> float:
    """CPU seconds (user + system) used so far by process ``pid`` and its live descendants."""
    tick = os.sysconf("SC_CLK_TCK")
    total, pending = 0.0, [pid]
    while pending:
        current = pending.pop()
        try:
            # after the command's closing parenthesis: state is field 0, utime 11, stime 12
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            for task in Path(f"/proc/{current}/task").iterdir():
                pending += [int(c) for c in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue  # it ended between the listing and the read
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


def observed(port: int, seconds: float, run: Callable[[], Any], server: int) -> Any:
    """``run``'s figures with the connections' split between workers seen halfway through and
    the CPU the server (process ``server`` and its workers) spent per answered request, then a
    pause for the server to drain what the run left queued.
    """
    split: list[str] = []
    probe = threading.Timer(seconds / 2, lambda: split.append(worker_split(port)))
    probe.start()
    spent = cpu_seconds(server)
    try:
        figures = run()
    finally:
        probe.cancel()
    spent = cpu_seconds(server) - spent
    figures["split"] = split[0] if split else "-"
    figures["cpu_ms"] = 1000 * spent / max(1, figures["requests"])
    figures["cores"] = spent / figures["seconds"]
    time.sleep(SETTLE_S)
    return figures


def hey(port: int, path: str, seconds: float, connections: int, per_connection: float) -> Any:
    """``hey -z S -c C -q Q`` on one path; every request's latency from its CSV output."""
    url = f"http://127.0.0.1:{port}{path}"
    command = ["hey", "-z", f"{seconds:.0f}s", "-c", str(connections), "-q", str(per_connection)]
    output = subprocess.run(
        [*command, "-o", "csv", url], capture_output=True, text=True, check=True
    )
    rows = [line.split(",") for line in output.stdout.splitlines()[1:] if line]
    latencies = [float(r[0]) for r in rows]
    errors = sum(r[6] != "200" for r in rows)
    elapsed = max(float(r[7]) + float(r[0]) for r in rows) if rows else seconds
    return {
        "requests": len(rows),
        "seconds": elapsed,
        "rps": len(rows) / elapsed,
        "p50": _ms(latencies, 50),
        "p90": _ms(latencies, 90),
        "p99": _ms(latencies, 99),
        "max": max(latencies) * 1000,
        "errors": errors,
    }


def require_tools() -> None:
    """Stop with the install line when hey or wrk is missing."""
    missing = [tool for tool in ("hey", "wrk") if shutil.which(tool) is None]
    if missing:
        sys.exit(f"needs {' and '.join(missing)}: apt-get install {' '.join(missing)}")


def events_in_store(home: Path) -> int:
    """How many events the demo store under ``home`` holds."""
    import sqlite3

    with sqlite3.connect(home / "catalogue.db") as db:
        return int(db.execute("SELECT count(*) FROM events WHERE source = 'api'").fetchone()[0])


def forget_posters(home: Path) -> None:
    """Delete what ``POST /events`` stored for the made-up posters, and the posters.

    Left in the store, they are the newest events: the next ``atelier train`` on it holds out
    its last 14 days and finds only views of shoppers nobody else knows.
    """
    import sqlite3

    with sqlite3.connect(home / "catalogue.db") as db:
        posters = "SELECT id FROM customers WHERE external_id LIKE 'bench-poster-%'"
        db.execute(f"DELETE FROM events WHERE customer_id IN ({posters})")
        db.execute(f"DELETE FROM customers WHERE id IN ({posters})")


def event_body(users: list[str], articles: list[str], batch: int) -> bytes:
    """A batch of views whose ids contain ``@`` (replaced per request to stay unique)."""
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
    parser.add_argument("--world", choices=["demo", "hm"], default="demo")
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data" / "hm")
    parser.add_argument("--home", type=Path, help="default: /tmp/atelier-bench-<world>")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--server-workers", type=int, nargs="+", default=[2])
    parser.add_argument("--users", type=int, default=5_000)
    parser.add_argument("--shopper", help="the one shopper of the hey run (default: median)")
    parser.add_argument("--batch", type=int, default=100, help="events per POST /events")
    parser.add_argument(
        "--model", default="ranker", help="the H&M world's model (the demo trains its own)"
    )
    args = parser.parse_args()
    require_tools()
    home: Path = args.home or Path(f"/tmp/atelier-bench-{args.world}")
    home.mkdir(parents=True, exist_ok=True)
    if args.world == "demo":
        prepare_demo(home)
    else:
        prepare_store(home, args.data)
        train(home, args.data, args.model)
    version = (home / "models" / "current").read_text().strip()
    users = sample_users(home, args.users)
    one = args.shopper or median_shopper(home)
    floor = ranking_floor(home, users[:500])
    recommend = [f"/recommend/{u}?k=12" for u in users]
    rows: dict[int, Any] = {}
    for workers in args.server_workers:
        server = start_server(home, args.port, workers)
        try:
            rows[workers] = load_runs(
                home, args.port, server.pid, args.seconds, one, recommend, args.batch
            )
        finally:
            server.terminate()
            server.wait(timeout=30)
    report(args, home, version, one, len(users), floor, rows)


def load_runs(
    home: Path,
    port: int,
    server: int,
    seconds: float,
    one: str,
    recommend: list[str],
    batch: int,
) -> dict[str, Any]:
    """Every load run against the server (process ``server``) on ``port``, each followed by a
    pause to drain.
    """

    def measure(run: Callable[[], Any]) -> Any:
        return observed(port, seconds, run, server)

    time.sleep(10)  # the server preloads product cards in the background
    wrk(port, recommend[:500], 5, 4)  # warm up
    time.sleep(SETTLE_S)
    runs: dict[str, Any] = {
        "hey": measure(lambda: hey(port, f"/recommend/{one}", seconds, 4, TARGET_RATE / 4)),
        "curve": {
            r: measure(partial(wrk, port, recommend, seconds, 32, rate=r)) for r in CURVE_RATES
        },
        "recommend": measure(lambda: wrk(port, recommend, seconds, 8)),
        "health": measure(lambda: wrk(port, ["/health"], seconds, 8)),
    }
    before = events_in_store(home)
    # Shoppers of their own, so that the events do not lengthen the measured histories.
    posters = [f"bench-poster-{n}" for n in range(1000)]
    body = event_body(posters, _articles(home), batch)
    posted = measure(lambda: wrk(port, ["/events"], seconds, 4, body=body))
    stored = events_in_store(home) - before
    forget_posters(home)
    posted["stored"] = stored
    posted["events_per_s"] = stored / posted["seconds"]
    runs["events"] = posted
    return runs


def median_shopper(home: Path) -> str:
    """The shopper with the median number of events (among those with any)."""
    import sqlite3

    with sqlite3.connect(home / "catalogue.db") as db:
        counts = db.execute(
            "SELECT c.external_id, count(*) AS n FROM events e "
            "JOIN customers c ON c.id = e.customer_id GROUP BY c.id ORDER BY n, c.external_id"
        ).fetchall()
    return str(counts[len(counts) // 2][0])


def _articles(home: Path) -> list[str]:
    import sqlite3

    with sqlite3.connect(home / "catalogue.db") as db:
        return [r[0] for r in db.execute("SELECT external_id FROM articles LIMIT 5000")]


def report(
    args: Any,
    home: Path,
    version: str,
    one: str,
    shoppers: int,
    floor: dict[str, float],
    rows: dict[int, Any],
) -> None:
    """Print the measured figures as Markdown, with the machine they were measured on."""
    load = os.getloadavg()
    print(
        f"World {args.world} ({home}), model {version}; "
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}; load average before the report "
        f"{load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f}; hey and wrk on the same machine.\n"
    )
    print(
        "| server workers | run | offered/s | requests/s | p50 ms | p90 ms | p99 ms | max ms "
        "| errors | connections per worker | server CPU ms per request | server cores busy |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|")
    for workers, runs in rows.items():
        lines = [(f"hey -c 4 -q 100, `/recommend/{one}`", "400", runs["hey"])]
        lines += [
            (f"wrk paced, `/recommend` × {shoppers:,} shoppers", f"{rate}", r)
            for rate, r in runs["curve"].items()
        ]
        lines += [
            ("wrk closed loop, `/recommend` (max)", "-", runs["recommend"]),
            ("wrk closed loop, `/health` (max)", "-", runs["health"]),
            (f"wrk closed loop, `POST /events` × {args.batch}", "-", runs["events"]),
        ]
        for label, offered, r in lines:
            print(
                f"| {workers} | {label} | {offered} | {r['rps']:.0f} | {r['p50']:.2f} | "
                f"{r['p90']:.2f} | {r['p99']:.2f} | {r['max']:.1f} | {r['errors']:.0f} | "
                f"{r.get('split', '-')} | {r['cpu_ms']:.3f} | {r['cores']:.2f} |"
            )
        ratio = runs["recommend"]["rps"] / runs["health"]["rps"]
        cost = runs["recommend"]["cpu_ms"] / runs["health"]["cpu_ms"]
        print(
            f"\n{workers} worker(s): `/recommend` / `/health` throughput {ratio:.2f}; the server "
            f"spent {runs['recommend']['cpu_ms']:.3f} ms of CPU per `/recommend` and "
            f"{runs['health']['cpu_ms']:.3f} per `/health` ({cost:.1f}×); events "
            f"stored {runs['events']['stored']:,} = "
            f"{runs['events']['events_per_s']:,.0f} events/s\n"
        )
    print(
        "Where a shelf's time goes (in-process, same shoppers, p50 / p99 ms): history query "
        f"{floor['history_p50']:.2f} / {floor['history_p99']:.2f}; whole `Shelves.recommend` "
        f"{floor['shelf_p50']:.2f} / {floor['shelf_p99']:.2f} (its exhaustive score + top-k "
        f"{floor['topk_p50']:.2f} / {floor['topk_p99']:.2f}); cards + JSON answer "
        f"{floor['answer_p50']:.2f} / {floor['answer_p99']:.2f}. A full garbage collection "
        f"with the model and cards loaded ({floor['gc_tracked']:,.0f} tracked objects): "
        f"{floor['gc_full_ms']:.1f} ms, {floor['gc_settled_ms']:.2f} ms once settled"
    )
    print(json.dumps({"floor": floor, "rows": rows}, default=float))


if __name__ == "__main__":
    main()
