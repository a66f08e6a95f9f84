"""Training and the graph at full H&M size, each beside its anchor, measured in the same run.

The store is a full-size world (31.8M transactions of 1.37M customers on the real 105,542-article
catalogue) made by ``bench/world.py`` and ingested with ``atelier ingest hm``:

    python bench/world.py --out /tmp/hm-full
    ATELIER_HOME=/tmp/hm-home atelier ingest hm /tmp/hm-full
    python bench/fullsize.py --home /tmp/hm-home [--model als --model ranker]
                             [--database-url postgresql://...]   # the store, if not SQLite

Each step runs in a process of its own, so its wall time and peak RSS are that process's alone
(``wait4``'s ``ru_maxrss``; this parent stays small so that nothing of it is counted):

1. **graph**: ``atelier kg build``, then the statements it wrote, exported to N-Quads and bulk
   loaded into a fresh pyoxigraph store directly (the anchor: the loader is the floor);
2. **train**: ``atelier train --model M`` with its defaults, as a retailer would run it;
3. **implicit directly** (the anchor): the confidence matrix Atelier's ALS factorises, built once
   from the same store and saved, then factorised by ``implicit``'s ALS called directly with
   the same settings, beside Atelier's ALS fit on that same file.

``--child graph-step MATRIX [N]`` times one training step of the graph models' loop on a saved
matrix (or on N of its non-zeros): what a LightGCN or KG-GNN fit costs a step at that size.
``--child mining HOME`` times the learn step's minings with one thread and with one per core;
``--child article-windows HOME`` the article mining on the newest 2M-8M purchases against every
purchase (seconds, and the pairs both return).

Prints Markdown for docs/BENCHMARKS.md. The service's figures on the same store come from
``bench/service.py --world hm --home <home>`` once a model is trained.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

    from kg.learned import PurchaseContext

REPO = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Measured:
    """One child process: wall seconds, peak RSS and what it printed."""

    seconds: float
    peak_mb: float
    output: str

    @property
    def peak_gib(self) -> float:
        """Peak RSS in GiB."""
        return self.peak_mb / 1024


def measured(command: list[str], env: dict[str, str] | None = None) -> Measured:
    """Run ``command`` to its end; its wall time, its own peak RSS and its output.

    Raises:
        RuntimeError: The command failed (its output's tail is in the message).
    """
    with tempfile.TemporaryFile() as log:
        started = time.perf_counter()
        child = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        log.seek(0)
        output = log.read().decode("utf-8", errors="replace")
    if child.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} exited {child.returncode}:\n{output[-3000:]}")
    return Measured(seconds, usage.ru_maxrss / 1024, output)


def atelier(home: Path, *arguments: str, database_url: str | None = None) -> Measured:
    """``atelier ARGUMENTS`` on the home's embedded graph and its SQLite store (or the
    store at ``database_url``).
    """
    env = {**os.environ, "ATELIER_HOME": str(home), "COLUMNS": "200"}
    for name in ("DATABASE_URL", "SPARQL_QUERY_URL", "SPARQL_UPDATE_URL"):
        env.pop(name, None)
    if database_url:
        env["DATABASE_URL"] = database_url
    beside = Path(sys.executable).with_name("atelier")
    return measured([str(beside) if beside.exists() else "atelier", *arguments], env)


def child(step: str, *arguments: str) -> Measured:
    """This script's ``--child STEP`` in a fresh interpreter."""
    return measured([sys.executable, __file__, "--child", step, *arguments])


# -- the children ------------------------------------------------------------------------------


def save_matrix(home: Path, out: Path, database_url: str | None = None) -> None:
    """The confidence matrix Atelier's ALS fits, from the store as ``atelier train`` reads it."""
    import scipy.sparse as sp

    from recommender.pipeline import PipelineConfig, training_set
    from service.recommending.interactions import load_interactions
    from service.recommending.knowledge import knowledge_for
    from service.settings import Settings
    from service.store import create_store_engine

    settings = Settings(atelier_home=home, database_url=database_url)
    engine = create_store_engine(settings.catalogue_url)
    data = load_interactions(engine)
    train = training_set(data, knowledge_for(settings, engine), PipelineConfig().matrix)
    sp.save_npz(out, train.matrix.tocsr(), compressed=False)
    print(json.dumps({"users": train.matrix.shape[0], "items": train.matrix.shape[1]}))


def fit_matrix(path: Path, how: str) -> None:
    """Factorise the saved matrix with implicit directly or through Atelier's ALS; seconds."""
    from types import SimpleNamespace

    import scipy.sparse as sp
    from implicit.cpu.als import AlternatingLeastSquares
    from threadpoolctl import threadpool_limits

    from recommender.als import ALSConfig, fit_als

    matrix = sp.load_npz(path).tocsr()
    config = ALSConfig()
    started = time.perf_counter()
    if how == "implicit":
        with threadpool_limits(1, "blas"):  # as implicit asks, and as Atelier runs it
            AlternatingLeastSquares(
                factors=config.factors,
                regularization=config.regularization,
                alpha=config.alpha,
                iterations=config.iterations,
                random_state=config.seed,
                calculate_training_loss=False,
            ).fit(matrix, show_progress=False)
    else:
        fit_als(SimpleNamespace(matrix=matrix), config)  # type: ignore[arg-type]
    print(json.dumps({"fit_s": time.perf_counter() - started, "nnz": matrix.nnz}))


def propagation_step(path: Path, most: int) -> None:
    """Seconds of one training step of the graph models' loop (LightGCN's propagation, its
    data-sized batch) on the saved matrix, or on ``most`` of its non-zeros when not 0 (a
    random sample: the saved matrix has no times), with the users they leave.
    """
    import numpy as np
    import scipy.sparse as sp
    import torch

    from recommender.graph import Propagator, bipartite_graph
    from recommender.lightgcn import LightGCNConfig
    from recommender.propagation import run_epoch

    matrix = sp.load_npz(path).tocsr()
    if 0 < most < matrix.nnz:
        coo = matrix.tocoo()
        keep = np.sort(np.random.default_rng(0).choice(coo.nnz, most, replace=False))
        users = np.unique(coo.row[keep], return_inverse=True)[1]
        shape = (int(users.max()) + 1, matrix.shape[1])
        matrix = sp.csr_matrix((coo.data[keep], (users, coo.col[keep])), shape=shape)
    config = LightGCNConfig(device="cpu").schedule(matrix.nnz)
    torch.set_num_threads(config.threads)
    graph = bipartite_graph(matrix)
    adjacency = Propagator(graph.adjacency(), torch.device("cpu"))
    table = torch.nn.Parameter(torch.empty(graph.n_nodes, config.dim).normal_(0.0, 0.1))
    optimiser = torch.optim.Adam([table], lr=config.learning_rate)
    coo = matrix.tocoo()
    pairs = (
        torch.from_numpy(coo.row.astype(np.int64))[: config.batch_size],
        torch.from_numpy(coo.col.astype(np.int64))[: config.batch_size] + graph.n_users,
    )
    generator = torch.Generator().manual_seed(0)
    started = time.perf_counter()
    run_epoch(table, adjacency, optimiser, pairs, graph, config, generator)  # one batch: a step
    print(
        json.dumps(
            {
                "step_s": time.perf_counter() - started,
                "nnz": matrix.nnz,
                "users": matrix.shape[0],
                "steps": config.epochs * -(-matrix.nnz // config.batch_size),
            }
        )
    )


def _mined_purchases(home: Path) -> tuple[pd.DataFrame, PurchaseContext]:
    """The home's purchases with their categories, as the learn step mines them."""
    from kg.learned import purchase_context
    from service.graph.mining import read_purchases, with_categories
    from service.graph.stores import open_graph_store
    from service.settings import Settings
    from service.store import create_store_engine

    settings = Settings(atelier_home=home)
    store = open_graph_store(settings)
    context = purchase_context(store)
    store.close()
    engine = create_store_engine(settings.catalogue_url)
    return with_categories(read_purchases(engine), context), context


def mining_threads(home: Path, rounds: int = 2) -> None:
    """Seconds of the learn step's two minings on the home's purchases, with one thread and
    with one per core, ``rounds`` times each (the purchases read once).
    """
    import dataclasses

    from recommender.mining import DEFAULT_MINING, mine_articles, mine_categories, newest_days

    rows, context = _mined_purchases(home)
    # the article pairs come from the newest purchases, as in the learn step
    recent = newest_days(rows, DEFAULT_MINING.article_purchases)
    for threads in (1, 0) * rounds:
        config = dataclasses.replace(DEFAULT_MINING, threads=threads)
        started = time.perf_counter()
        mine_categories(rows, context.slots, context.declared, config)
        categories = time.perf_counter() - started
        pairs = mine_articles(recent, config)
        articles = time.perf_counter() - started - categories
        result = {"threads": threads, "categories_s": categories, "articles_s": articles}
        sizes = {"purchases": len(rows), "article_purchases": len(recent), "pairs": len(pairs)}
        print(json.dumps({**result, **sizes}), flush=True)


def article_windows(
    home: Path, windows: tuple[int, ...] = (0, 8_000_000, 4_000_000, 2_000_000)
) -> None:
    """The article mining on the newest days holding at most N purchases (0: every one):
    seconds, how many of its pairs the whole history's mining also returns, and how many join
    two articles both still sold in the history's last 28 days.
    """
    from recommender.mining import DEFAULT_MINING, mine_articles, newest_days

    rows, _ = _mined_purchases(home)
    last = int(rows["day"].max())
    selling = set(rows.loc[rows["day"] > last - 28, "item_id"].astype(str))
    whole: set[tuple[str, str]] | None = None
    for most in windows:
        recent = newest_days(rows, most)
        started = time.perf_counter()
        pairs = {(p.antecedent, p.consequent) for p in mine_articles(recent, DEFAULT_MINING)}
        seconds = time.perf_counter() - started
        whole = pairs if whole is None else whole
        days = int(recent["day"].max() - recent["day"].min()) + 1
        result = {"most": most, "purchases": len(recent), "days": days, "seconds": seconds}
        current = sum(a in selling and b in selling for a, b in pairs)
        shares = {"pairs": len(pairs), "also_whole": len(pairs & whole), "both_selling": current}
        print(json.dumps({**result, **shares}), flush=True)


def export_graph(home: Path, out: Path) -> None:
    """Every statement of the home's embedded graph as N-Quads."""
    import pyoxigraph as ox

    store = ox.Store.read_only(str(home / "graph"))
    with out.open("wb") as handle:
        store.dump(handle, format=ox.RdfFormat.N_QUADS)
    print(json.dumps({"statements": len(store)}))


def bulk_load(nquads: Path, folder: Path) -> None:
    """Pyoxigraph's own bulk loader into a fresh store on disk, as Atelier's build uses it."""
    import pyoxigraph as ox

    started = time.perf_counter()
    store = ox.Store(str(folder))
    store.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
    store.flush()
    print(json.dumps({"load_s": time.perf_counter() - started, "statements": len(store)}))


def run_child(step: str, arguments: list[str]) -> None:
    """Dispatch ``--child STEP ARGUMENTS``."""
    sys.path.insert(0, str(REPO))
    if step == "matrix":
        save_matrix(Path(arguments[0]), Path(arguments[1]), *arguments[2:3])
    elif step in ("implicit", "atelier-als"):
        fit_matrix(Path(arguments[0]), "implicit" if step == "implicit" else "atelier")
    elif step == "graph-step":
        propagation_step(Path(arguments[0]), int(arguments[1]) if len(arguments) > 1 else 0)
    elif step == "mining":
        mining_threads(Path(arguments[0]))
    elif step == "article-windows":
        article_windows(Path(arguments[0]))
    elif step == "export":
        export_graph(Path(arguments[0]), Path(arguments[1]))
    elif step == "load":
        bulk_load(Path(arguments[0]), Path(arguments[1]))
    else:
        raise SystemExit(f"unknown child step {step!r}")


# -- the run -----------------------------------------------------------------------------------


def last_json(output: str) -> dict[str, float]:
    """The last JSON line a child printed."""
    line = next(x for x in reversed(output.splitlines()) if x.startswith("{"))
    return json.loads(line)  # type: ignore[no-any-return]


def summary_lines(output: str, *starts: str) -> list[str]:
    """The lines of a command's output that begin with one of ``starts``."""
    return [x.strip() for x in output.splitlines() if x.strip().startswith(starts)]


def train_step(home: Path, models: list[str], database_url: str | None = None) -> None:
    """``atelier train`` per model; then the same matrix through implicit and Atelier's ALS."""
    say("| step | wall s | peak RSS GiB | notes |")
    say("|---|---:|---:|---|")
    for model in models:
        # "auto" is what `atelier train` does by default: no --model at all
        chosen = () if model == "auto" else ("--model", model)
        run = atelier(home, "train", *chosen, database_url=database_url)
        notes = "; ".join(summary_lines(run.output, "Recommender", "hold-out", "category", "chose"))
        command = (
            "`atelier train` (defaults)" if model == "auto" else f"`atelier train --model {model}`"
        )
        say(f"| {command} | {run.seconds:.0f} | {run.peak_gib:.2f} | {notes} |")
    with tempfile.TemporaryDirectory(prefix="fullsize-", dir=home) as folder:
        path = Path(folder) / "matrix.npz"
        saved = child("matrix", str(home), str(path), *([database_url] if database_url else []))
        shape = last_json(saved.output)
        say(
            f"| the same store's ALS matrix built and saved | {saved.seconds:.0f} | "
            f"{saved.peak_gib:.2f} | {shape['users']:,} users × {shape['items']:,} items |"
        )
        for step in ("implicit", "atelier-als"):
            run = child(step, str(path))
            fit = last_json(run.output)
            who = "implicit directly" if step == "implicit" else "Atelier's ALS (`fit_als`)"
            say(
                f"| {who} on that matrix ({fit['nnz']:,.0f} non-zeros) | {run.seconds:.0f} | "
                f"{run.peak_gib:.2f} | fit {fit['fit_s']:.1f} s |"
            )


def graph_step(home: Path, database_url: str | None = None) -> None:
    """``atelier kg build`` beside pyoxigraph's bulk load of the statements it wrote."""
    build = atelier(home, "kg", "build", database_url=database_url)
    say("| step | wall s | peak RSS GiB | notes |")
    say("|---|---:|---:|---|")
    notes = "; ".join(summary_lines(build.output, "Knowledge graph", "Mined"))
    say(f"| `atelier kg build` | {build.seconds:.1f} | {build.peak_gib:.2f} | {notes} |")
    with tempfile.TemporaryDirectory(prefix="fullsize-", dir=home) as folder:
        nquads = Path(folder) / "graph.nq"
        exported = last_json(child("export", str(home), str(nquads)).output)
        loads = []
        for n in range(2):
            run = child("load", str(nquads), str(Path(folder) / f"store-{n}"))
            loads.append(last_json(run.output)["load_s"])
            say(
                f"| pyoxigraph `bulk_load` of the same {exported['statements']:,.0f} statements "
                f"(fresh store, run {n + 1}) | {run.seconds:.1f} | {run.peak_gib:.2f} | "
                f"load {loads[-1]:.1f} s |"
            )
    best = min(loads)
    say(
        f"\n`atelier kg build` at **{best / build.seconds:.2f}×** the raw bulk load "
        f"({best:.1f} s / {build.seconds:.1f} s; target ≥ 0.9×)."
    )


def say(line: str) -> None:
    """Print a line of the report as soon as it is known."""
    print(line, flush=True)


def main() -> None:
    """Run the benchmark and print its figures."""
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        run_child(sys.argv[2], sys.argv[3:])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, required=True, help="ATELIER_HOME of the world")
    parser.add_argument(
        "--model", action="append", help="models to train (default: als; auto: no --model)"
    )
    parser.add_argument("--skip", action="append", default=[], choices=["train", "graph"])
    parser.add_argument(
        "--database-url", help="the world's store, when not the home's SQLite (e.g. PostgreSQL)"
    )
    args = parser.parse_args()
    load = os.getloadavg()[0]
    say(f"full-size run, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, load {load:.1f}")
    # The graph first, as a retailer runs the stages: training reads its knowledge from it.
    if "graph" not in args.skip:
        graph_step(args.home, args.database_url)
    if "train" not in args.skip:
        train_step(args.home, args.model or ["als"], args.database_url)
    say(f"\n(load average {os.getloadavg()[0]:.1f} at the end)")


if __name__ == "__main__":
    main()
