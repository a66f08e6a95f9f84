"""Ingestion throughput and memory: the shared H&M data and synthetic H&M-format files.

Each measurement runs in a fresh process so that its peak RSS is its own. Prints a Markdown
table (paste it into docs/BENCHMARKS.md).

    python bench/ingest.py [--data ../shared/data/hm] [--sizes 1000000 5000000]
    python bench/ingest.py --world /tmp/hm-full [--database-url postgresql+psycopg://...]
    python bench/ingest.py --world /tmp/hm-full --shuffled

``--world`` measures a folder written by ``bench/world.py`` (the full size: 31.8M rows) instead:
its articles, then its transactions file, into a fresh SQLite store or into the empty database
``--database-url`` names (PostgreSQL). With ``--shuffled`` it measures that transactions file
as it is and with its rows in a seeded random order (a feed not in date order), each into a
fresh SQLite store.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TARGET_ROWS_PER_S = 200_000
TARGET_RSS_MB = 1_536


def child(
    kind: str, data: Path, home: Path, transactions: list[Path], url: str | None = None
) -> dict[str, float]:
    """Run one ingestion in this process (into ``url``, or ``home``'s SQLite store) and report
    its own figures.
    """
    sys.path.insert(0, str(REPO))
    from service.ingest import IngestOptions, ingest_hm, run_ingest
    from service.ingest.articles import ingest_articles
    from service.ingest.hm import ARTICLES, TRANSACTIONS, _safe_article_id, find_table
    from service.ingest.interactions import ingest_interactions
    from service.store import create_store_engine

    # run_ingest brings the schema up to date itself
    engine = create_store_engine(url or f"sqlite:///{home / 'catalogue.db'}")
    articles = find_table(data, "articles")
    assert articles is not None
    start = time.perf_counter()
    if kind == "articles":
        report = run_ingest(engine, "hm", {}, lambda c: ingest_articles(c, articles, ARTICLES))
        rows = report.counts("articles").read
    elif kind == "all":
        report = run_ingest(engine, "hm", {}, lambda c: ingest_hm(c, data, transactions))
        rows = report.counts("events").read
    else:

        def step(c):  # type: ignore[no-untyped-def]
            for path in transactions:
                ingest_interactions(c, path, TRANSACTIONS, _safe_article_id)

        report = run_ingest(engine, "hm", {}, step, IngestOptions())
        rows = report.counts("events").read
    seconds = time.perf_counter() - start
    rss_mb = peak_rss_mb()
    return {"rows": rows, "written": report.written, "seconds": seconds, "rss_mb": rss_mb}


def peak_rss_mb() -> float:
    """This process's own peak resident memory.

    Linux's ``ru_maxrss`` carries the high-water mark of the *parent* across fork and exec, so
    a child started by a parent holding a large DataFrame would report the parent's peak;
    ``VmHWM`` belongs to the process's own address space.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(
    kind: str, data: Path, home: Path, transactions: list[Path], url: str | None = None
) -> dict[str, float]:
    """Run :func:`child` in a fresh interpreter."""
    command = [
        sys.executable,
        __file__,
        "--child",
        kind,
        "--data",
        str(data),
        "--home",
        str(home),
        "--transactions",
        *map(str, transactions),
        *(["--database-url", url] if url else []),
    ]
    # A large file is built in a helper process of the child: both peaks count. The helper's
    # own VmHWM is sampled from here, so that the watching costs the measured process nothing.
    helper_mb = 0.0
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as child_process:
        while child_process.poll() is None:
            for pid in _children(child_process.pid):
                helper_mb = max(helper_mb, _peak_mb(pid))
            time.sleep(0.5)
        out = child_process.stdout.read() if child_process.stdout else ""
    if child_process.returncode:
        raise subprocess.CalledProcessError(child_process.returncode, command)
    result: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    result["rss_mb"] += helper_mb
    return result


def _children(pid: int) -> list[int]:
    """The child processes of ``pid`` (none once it has ended)."""
    pids = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            pids += [int(p) for p in (task / "children").read_text().split()]
        except OSError:
            continue
    return pids


def _peak_mb(pid: int) -> float:
    """The peak RSS (``VmHWM``) of a running process (0 once it has ended)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    lines = [line for line in status.splitlines() if line.startswith("VmHWM:")]
    return int(lines[0].split()[1]) / 1024 if lines else 0.0


def synthetic(data: Path, folder: Path, rows: int) -> Path:
    """An H&M-format transactions file of about ``rows`` rows, from bench/world.py.

    Drawn from the shared data's marginals (article popularity, customer activity, baskets,
    repeats, seasonality) with H&M's ~23 transactions per customer.
    """
    sys.path.insert(0, str(REPO))
    from bench.world import generate

    generate(data, folder, transactions=rows, customers=max(rows // 23, 1))
    return folder / "transactions_train.csv"


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data" / "hm")
    parser.add_argument("--sizes", type=int, nargs="*", default=[1_000_000, 2_500_000, 5_000_000])
    parser.add_argument("--child")
    parser.add_argument("--home", type=Path)
    parser.add_argument("--transactions", type=Path, nargs="*", default=[])
    parser.add_argument("--world", type=Path, help="a bench/world.py folder (e.g. the full size)")
    parser.add_argument("--database-url", help="an empty PostgreSQL database (default: SQLite)")
    parser.add_argument(
        "--shuffled",
        action="store_true",
        help="with --world: its transactions as they are and shuffled, each into fresh SQLite",
    )
    args = parser.parse_args()
    if args.child:
        result = child(args.child, args.data, args.home, args.transactions, args.database_url)
        print(json.dumps(result))
        return
    if args.world and args.shuffled:
        print_table(shuffled_rows(args.world))
        return
    if args.world:
        print_table(world_rows(args.world, args.database_url))
        return
    if not args.data.is_dir():
        sys.exit(f"no H&M data at {args.data}")
    rows_out = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        shared = sorted(args.data.glob("transactions*"))
        home = work / "shared"
        home.mkdir()
        articles = measure("articles", args.data, home, [])
        rows_out.append(("H&M articles (105,542)", articles))
        events = measure("transactions", args.data, home, shared)
        rows_out.append(("H&M transactions (31,662 + 240,311)", events))
        again = measure("transactions", args.data, home, shared)
        rows_out.append(("same transactions again (0 new)", again))
        for size in args.sizes:
            path = synthetic(args.data, work / f"world_{size}", size)
            home = work / f"s{size}"
            home.mkdir()
            measure("articles", args.data, home, [])
            result = measure("transactions", args.data, home, [path])
            rows_out.append((f"generated H&M world (bench/world.py), {size:,} rows", result))
            path.unlink()
    print_table(rows_out)


def world_rows(world: Path, url: str | None) -> list[tuple[str, dict[str, float]]]:
    """A generated world's articles, then its transactions file, into a fresh store."""
    store = "PostgreSQL" if url else "SQLite"
    transactions = [world / "transactions_train.csv"]
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        articles = measure("articles", world, home, [], url)
        events = measure("transactions", world, home, transactions, url)
    return [
        (f"{world} articles, {store}", articles),
        (f"{world} transactions, {store}", events),
    ]


def shuffled_rows(world: Path, seed: int = 7) -> list[tuple[str, dict[str, float]]]:
    """A generated world's transactions file as it is (in date order) and with its rows in a
    seeded random order, each into a fresh SQLite store holding the world's articles.
    """
    source = world / "transactions_train.csv"
    rows_out = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        shuffled = shuffle_lines(source, work / "shuffled" / source.name, seed)
        for name, path in (("in date order", source), ("shuffled", shuffled)):
            home = work / f"home-{name.replace(' ', '-')}"
            home.mkdir()
            measure("articles", world, home, [])
            rows_out.append(
                (f"{world} transactions, {name}", measure("transactions", world, home, [path]))
            )
    return rows_out


def shuffle_lines(source: Path, target: Path, seed: int) -> Path:
    """``source`` with its header first and its other lines in a seeded random order."""
    import numpy as np

    data = np.fromfile(source, dtype=np.uint8)
    ends = np.flatnonzero(data == ord("\n")) + 1
    starts = np.r_[0, ends[:-1]]
    order = 1 + np.random.default_rng(seed).permutation(len(ends) - 1)  # the header stays first
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("wb") as out:
        out.write(data[: ends[0]].tobytes())
        for part in np.array_split(order, max(1, len(order) // 100_000)):
            out.write(b"".join(data[starts[i] : ends[i]].tobytes() for i in part.tolist()))
    return target


def print_table(rows_out: list[tuple[str, dict[str, float]]]) -> None:
    """The measurements as a Markdown table."""
    print("| input | rows | written | seconds | rows/s | × target (200k/s) | peak RSS MB |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, r in rows_out:
        rate = r["rows"] / r["seconds"]
        print(
            f"| {name} | {r['rows']:,.0f} | {r['written']:,.0f} | {r['seconds']:.1f} | "
            f"{rate:,.0f} | {rate / TARGET_ROWS_PER_S:.2f} | {r['rss_mb']:,.0f} |"
        )


if __name__ == "__main__":
    main()
