"""Knowledge-graph benchmark: build rate, analyst queries, endpoint latency, side by side.

Builds the graph of the whole shared H&M catalogue (105,542 articles, with the sales counts of
both transaction files) into pyoxigraph on disk, then, in the same run:

1. times every bundled analyst query in process (median of ``--repeats``);
2. serves the same store through Atelier's ``/sparql`` (live uvicorn, killable worker) and a
   copy of it through ``oxigraph serve --union-default-graph``, and times the same queries
   over HTTP against both (median of ``--repeats``, JSON results);
3. loads the graph of the first ``--rdflib-articles`` articles into rdflib's in-memory
   Dataset and times the same queries there and on Atelier's endpoint over that subset
   (rdflib cannot hold the whole graph in reasonable time and memory);
4. builds the Myntra catalogue too and reports its rate and mapping coverage.

    python bench/kg.py [--data ../shared/data] [--repeats 5] [--rdflib-articles 5000]
    python bench/kg.py --home HOME [--repeats 5]

With ``--home``, steps 1 and 2 run on a copy of that ``ATELIER_HOME``'s graph as ``atelier kg
build`` made it (e.g. the full-size world of bench/fullsize.py), with the complements mined
from its purchases, which the catalogue-only build above does not have.

Prints Markdown for docs/BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

import httpx
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests" / "support"))

from kg import queries  # noqa: E402
from kg.build import BuildConfig, BuildReport  # noqa: E402
from kg.loading import build_graph  # noqa: E402
from kg.records import ArticleRecord, FeedRecord, SalesRecord, season_of_month  # noqa: E402
from kg.store import EmbeddedStore  # noqa: E402
from kg.validation import validate  # noqa: E402

TARGET_RATE = 200_000
TARGET_QUERY_MS = 300.0
#: Bindings for the analyst queries that take a parameter.
BINDINGS = {
    "complements": {"category": "jeans"},
    "provenance": {"article": "0108775015"},
    "bought-together": {"article": "0572797001"},
}
#: Bound queries also timed unbound, as an analyst lists everything.
UNBOUND = ("bought-together",)


def hm_articles(data: Path, limit: int | None = None) -> Iterator[ArticleRecord]:
    """The H&M catalogue as the store holds it: every column as a string, source ``hm``."""
    frame = pd.read_parquet(data / "hm" / "articles.parquet")
    if limit is not None:
        frame = frame.head(limit)
    columns = list(frame.columns)
    for values in frame.astype(str).itertuples(index=False, name=None):
        row = dict(zip(columns, values, strict=True))
        yield ArticleRecord(
            row["article_id"],
            "hm",
            row["product_code"],
            row["prod_name"],
            (FeedRecord("retailer", "hm", row),),
        )


def hm_sales(data: Path) -> list[SalesRecord]:
    """Units per article and season from both shared transaction files."""
    recent = pd.read_parquet(data / "hm" / "transactions_last_week.parquet")
    recent["article_id"] = recent["article_id"].astype(str).str.zfill(10)
    sample = pd.read_csv(data / "hm" / "transactions.csv", dtype={"article_id": str})
    both = pd.concat([sample[["t_dat", "article_id"]], recent[["t_dat", "article_id"]]])
    months = pd.to_datetime(both["t_dat"]).dt.month
    both["season"] = months.map(season_of_month)
    counts = both.groupby(["article_id", "season"]).size()
    rows = counts.reset_index(name="units").itertuples(index=False)
    return [SalesRecord(str(r.article_id), str(r.season), int(str(r.units)), "hm") for r in rows]


def myntra_articles(data: Path) -> Iterator[ArticleRecord]:
    """The Myntra catalogue (styles.csv), source ``myntra``."""
    frame = pd.read_csv(data / "myntra" / "styles.csv", dtype=str, on_bad_lines="skip")
    columns = list(frame.columns)
    for values in frame.fillna("").itertuples(index=False, name=None):
        row = {k: v for k, v in zip(columns, values, strict=True) if v}
        yield ArticleRecord(
            row["id"],
            "myntra",
            row["id"],
            row.get("productDisplayName"),
            (FeedRecord("retailer", "myntra", row),),
        )


def cpu_seconds() -> float:
    """User + system CPU time of this process so far (all its threads)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def paired_medians(
    first: Callable[[], object], second: Callable[[], object], repeats: int
) -> tuple[float, float]:
    """Median ms of two callables timed in alternation (fair under a shared machine's noise)."""
    first(), second()
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeats):
        for run, bucket in ((first, times[0]), (second, times[1])):
            start = time.perf_counter()
            run()
            bucket.append((time.perf_counter() - start) * 1000)
    return statistics.median(times[0]), statistics.median(times[1])


def cpu_ms(run: Callable[[], object]) -> float:
    """CPU milliseconds of one call: what it costs when it does not wait for a shared core."""
    start = cpu_seconds()
    run()
    return (cpu_seconds() - start) * 1000


def median_ms(run: Callable[[], object], repeats: int) -> float:
    """Median wall time of ``run`` in milliseconds, after one warm-up call."""
    run()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def analyst_queries() -> dict[str, str]:
    """Every bundled analyst query, with its bindings."""
    texts = {
        name: queries.bind(queries.load(name), BINDINGS.get(name, {})) for name in queries.names()
    }
    for name in UNBOUND:
        texts[f"{name}, unbound"] = queries.load(name)
    return texts


def http_runner(url: str, query: str) -> Callable[[], object]:
    """A callable that POSTs ``query`` to a SPARQL endpoint and checks the answer."""
    client = httpx.Client(timeout=120)

    def run() -> object:
        response = client.post(
            url, data={"query": query}, headers={"Accept": "application/sparql-results+json"}
        )
        response.raise_for_status()
        return response.content

    return run


def build(
    store: EmbeddedStore,
    articles: Iterator[ArticleRecord],
    sales: list[SalesRecord],
    data: Path,
    workdir: Path,
) -> BuildReport:
    """One full build with the XKCD colour-name lexicon."""
    config = BuildConfig(xkcd_colours=data / "taxonomies" / "xkcd_colors.csv")
    return build_graph(store, articles, sales, (), config, workdir)


def served_figures(
    home: Path, copy: Path, texts: dict[str, str], repeats: int
) -> dict[str, tuple[float, float]]:
    """Median latency per query: Atelier's /sparql and oxigraph serve on the same data."""
    from live_server import running
    from oxigraph_server import OxigraphServer, find_oxigraph

    from service.settings import Settings

    settings = Settings(
        atelier_home=home,
        database_url=f"sqlite:///{home / 'c.db'}",
        sparql_timeout_s=120,
        sparql_max_result_bytes=10**9,
    )
    binary = find_oxigraph()
    assert binary is not None, "pip install oxigraph"
    server = OxigraphServer(binary, copy)
    figures = {}
    try:
        with running(settings) as base:
            for name, text in texts.items():
                ours = http_runner(base + "/sparql", text)
                theirs = http_runner(server.query_url, text)
                figures[name] = paired_medians(ours, theirs, repeats)
    finally:
        server.stop()
    return figures


def rdflib_subset(data: Path, articles: int, workdir: Path) -> tuple[Path, Any]:
    """The graph of the first ``articles`` articles: a store folder and an rdflib Dataset."""
    import rdflib

    home = workdir / "subset"
    store = EmbeddedStore(home / "graph")
    subset = list(hm_articles(data, articles))
    ids = {article.external_id for article in subset}
    sales = [record for record in hm_sales(data) if record.external_id in ids]
    build(store, iter(subset), sales, data, workdir)
    dump = workdir / "subset.nq"
    with dump.open("wb") as handle:
        store.export("application/n-quads", handle)
    store.close()
    dataset = rdflib.Dataset(default_union=True)
    dataset.parse(dump, format="nquads")
    return home, dataset


def count_rows(dataset: Any, query: str) -> int:
    """Run a query on rdflib to the last row."""
    return len(list(dataset.query(query)))


def once_ms(run: Callable[[], object], limit_s: float) -> float | None:
    """Wall time of one call in milliseconds (rdflib is too slow to repeat).

    The call runs in a forked child so that it can be stopped: ``None`` when it was still
    running after ``limit_s`` seconds.
    """
    child = multiprocessing.get_context("fork").Process(target=run)
    start = time.perf_counter()
    child.start()
    child.join(limit_s)
    if child.is_alive():
        child.kill()
        child.join()
        return None
    return (time.perf_counter() - start) * 1000


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--rdflib-articles", type=int, default=2_000)
    parser.add_argument("--shacl-sample", type=int, default=5_000, help="articles validated")
    parser.add_argument(
        "--rdflib-limit-s", type=float, default=180.0, help="stop an rdflib query after this"
    )
    parser.add_argument(
        "--home", type=Path, help="time the queries on this ATELIER_HOME's graph, not a new build"
    )
    args = parser.parse_args()
    texts = analyst_queries()
    if args.home is not None:
        queries_on_home(args.home, texts, args.repeats)
        return
    with tempfile.TemporaryDirectory(prefix="kg-bench-") as folder:
        work = Path(folder)
        home = work / "home"
        store = EmbeddedStore(home / "graph")
        articles, sales = list(hm_articles(args.data)), hm_sales(args.data)
        cpu_before, load_before = cpu_seconds(), os.getloadavg()[0]
        report = build(store, iter(articles), sales, args.data, work)
        cpu = cpu_seconds() - cpu_before
        say(build_line("H&M", report))
        say(
            f"(load average {load_before:.1f} before the build, {os.getloadavg()[0]:.1f} after "
            f"on 2 shared cores; the build used {cpu:.1f} CPU-seconds: "
            f"{report.statements / cpu:,.0f} statements per CPU-second)\n"
        )
        in_process = in_process_figures(store, texts, args.repeats)
        say(validate(store, sample=args.shacl_sample).text() + "\n")
        store.close()
        shutil.copytree(home / "graph", work / "oxigraph")
        query_table(in_process, served_figures(home, work / "oxigraph", texts, args.repeats))
        myntra_store = EmbeddedStore(work / "myntra")
        myntra = build(myntra_store, myntra_articles(args.data), [], args.data, work)
        say("\n" + build_line("Myntra", myntra) + "\n")
        say(validate(myntra_store, sample=args.shacl_sample).text() + "\n")
        myntra_store.close()
        compare_with_rdflib(args, texts, work)


def queries_on_home(source: Path, texts: dict[str, str], repeats: int) -> None:
    """Steps 1 and 2 on a copy of an existing home's graph."""
    with tempfile.TemporaryDirectory(prefix="kg-bench-") as folder:
        work = Path(folder)
        shutil.copytree(source / "graph", work / "home" / "graph")
        shutil.copytree(source / "graph", work / "oxigraph")
        store = EmbeddedStore(work / "home" / "graph")
        statements = store.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        say(f"graph of {source}: {int(statements[0]['n']):,} statements\n")
        in_process = in_process_figures(store, texts, repeats)
        store.close()
        query_table(in_process, served_figures(work / "home", work / "oxigraph", texts, repeats))


def in_process_figures(
    store: EmbeddedStore, texts: dict[str, str], repeats: int
) -> dict[str, tuple[float, float, int]]:
    """Per query: median wall ms, CPU ms of one more run, and the rows it answers."""
    return {
        name: (
            median_ms(partial(store.select, text), repeats),
            cpu_ms(partial(store.select, text)),
            len(store.select(text)),
        )
        for name, text in texts.items()
    }


def query_table(
    in_process: dict[str, tuple[float, float, int]], served: dict[str, tuple[float, float]]
) -> None:
    """The queries' figures, in process and through both endpoints, as one table."""
    say(
        "| query | rows | in process ms (wall) | in process CPU ms | Atelier /sparql ms | "
        "oxigraph serve ms | ratio | ≤ 300 ms |"
    )
    say("|---|---:|---:|---:|---:|---:|---:|---|")
    for name, (local, cpu_used, rows) in in_process.items():
        ours, theirs = served[name]
        verdict = "met" if max(local, ours) <= TARGET_QUERY_MS else "not met"
        say(
            f"| {name} | {rows:,} | {local:.1f} | {cpu_used:.1f} | {ours:.1f} | {theirs:.1f} | "
            f"{ours / theirs:.2f}× | {verdict} |"
        )


def compare_with_rdflib(args: argparse.Namespace, texts: dict[str, str], work: Path) -> None:
    """Atelier's endpoint vs rdflib's in-memory store on the same subset graph."""
    from live_server import running

    from service.settings import Settings

    home, dataset = rdflib_subset(args.data, args.rdflib_articles, work)
    say(f"Subset: first {args.rdflib_articles:,} H&M articles, {len(dataset):,} quads\n")
    say("| query | Atelier /sparql ms | rdflib in memory ms | speed-up |")
    say("|---|---|---|---|")
    settings = Settings(
        atelier_home=home,
        database_url=f"sqlite:///{home / 'c.db'}",
        sparql_timeout_s=300,
        sparql_max_result_bytes=10**9,
    )
    with running(settings) as base:
        for name, text in texts.items():
            ours = median_ms(http_runner(base + "/sparql", text), args.repeats)
            slow = once_ms(partial(count_rows, dataset, text), args.rdflib_limit_s)
            if slow is None:  # stopped: the speed-up is at least the limit over our time
                limit_ms = args.rdflib_limit_s * 1000
                stopped = f"> {limit_ms:,.0f} (stopped)"
                say(f"| {name} | {ours:.1f} | {stopped} | > {limit_ms / ours:.0f}× |")
            else:
                say(f"| {name} | {ours:.1f} | {slow:.1f} | {slow / ours:.0f}× |")


def build_line(name: str, report: BuildReport) -> str:
    """One sentence about a build."""
    seconds = report.write_seconds + report.load_seconds
    return (
        f"Build, {name}: {report.articles:,} articles, {report.statements:,} statements in "
        f"{seconds:.1f} s (written {report.write_seconds:.1f} s while bulk-loaded, then "
        f"{report.load_seconds:.1f} s for the loader to finish) = "
        f"**{report.statements_per_second:,.0f} statements/s** "
        f"(target ≥ {TARGET_RATE:,}); {report.mapped:,} of {report.concepts:,} retailer "
        "concepts mapped."
    )


def say(line: str) -> None:
    """Print a line at once (the run takes minutes)."""
    print(line, flush=True)


if __name__ == "__main__":
    main()
