"""``atelier evaluate`` on generic CSV files, and its one-line errors."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path


def atelier(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ATELIER_HOME": str(home), "COLUMNS": "200"}
    env.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-c", "from service.cli import main; main()", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


def _write(path: Path, rows: list[str]) -> Path:
    path.write_text("\n".join(rows) + "\n")
    return path


def _evaluate(
    folder: Path, train: list[str], test: list[str], *args: str
) -> subprocess.CompletedProcess[str]:
    """``atelier evaluate --k 5 --model als`` on the rows given, metrics to ``folder/m.json``."""
    return atelier(
        "evaluate",
        *("--train", str(_write(folder / "train.txt", train))),
        *("--test", str(_write(folder / "test.txt", test))),
        *("--k", "5", "--model", "als", "--out", str(folder / "m.json"), *args),
        home=folder,
    )


def test_evaluate_on_files_writes_metrics_and_lists(tmp_path: Path) -> None:
    train = ["user_id,item_id,timestamp"] + [
        f"{u:03d},{(u * 3 + d) % 7:04d},2024-01-{d + 1:02d}" for u in range(8) for d in range(4)
    ]
    test = [
        "user_id,item_id,timestamp",
        "000,0005,2024-02-01",
        "001,0006,2024-02-01",
        "999,0001,2024-02-01",
    ]
    result = _evaluate(
        tmp_path, train, test, "--model", "popularity", "--recs-out", str(tmp_path / "recs.csv")
    )
    assert result.returncode == 0, result.stderr
    metrics = json.loads((tmp_path / "m.json").read_text())
    assert {"popularity", "popularity+policy", "als", "als+policy", "rebuy"} <= set(metrics)
    assert metrics["als"]["all"]["users"] == 3
    with (tmp_path / "recs.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert rows[0].keys() == {"model", "user_id", "item_id", "rank"}
    cold = [r for r in rows if r["model"] == "als" and r["user_id"] == "999"]
    assert [r["rank"] for r in cold] == ["1", "2", "3", "4", "5"]  # ids stay strings: "0001"
    assert all(len(r["item_id"]) == 4 for r in cold)


def test_missing_file_is_one_line(tmp_path: Path) -> None:
    result = atelier(
        "evaluate",
        "--train",
        str(tmp_path / "no.csv"),
        "--test",
        str(tmp_path / "no.csv"),
        home=tmp_path,
    )
    assert result.returncode == 1
    assert "does not exist" in result.stderr and "Traceback" not in result.stderr


def test_unknown_model_is_refused(tmp_path: Path) -> None:
    result = atelier("train", "--model", "nope", home=tmp_path)
    assert result.returncode != 0 and "unknown model" in result.stderr + result.stdout


def test_evaluate_compares_every_model_by_default_on_untimed_rows(tmp_path: Path) -> None:
    # plain user_id,item_id rows: no times, no item attributes
    train = ["user_id,item_id"] + [
        f"{u:03d},{(u * 3 + d) % 11:04d}" for u in range(30) for d in range(5)
    ]
    test = ["user_id,item_id", "000,0007", "001,0008", "002,0002"]
    result = atelier(
        "evaluate",
        "--train",
        str(_write(tmp_path / "train.csv", train)),
        "--test",
        str(_write(tmp_path / "test.csv", test)),
        "--out",
        str(tmp_path / "m.json"),
        home=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    metrics = json.loads((tmp_path / "m.json").read_text())
    every = {"popularity", "als", "bpr", "lightgcn", "kgnn", "hybrid", "ranker"}
    assert set(metrics) == every | {f"{name}+policy" for name in every} | {"rebuy"}
    assert all(metrics[name]["fit_seconds"] >= 0 for name in every)
    assert metrics["ranker"]["all"]["users"] == 3
    # written to a pipe, the table is Markdown with every column whole
    header = next(line for line in result.stdout.splitlines() if line.startswith("| model"))
    assert header.endswith("| fit s |")
    assert any(line.startswith("| ranker+policy | ") for line in result.stdout.splitlines())
    assert "fitting ranker" in result.stderr and "ranker fitted in" in result.stderr
    # what the feed lacked is said under the table and kept in the metrics
    assert "- ranker: no timestamps: labels are a random hold-out" in result.stdout
    notes = metrics["ranker"]["notes"]
    assert any(n.startswith("no category in the item attributes") for n in notes)


def _without_times(value: object) -> object:
    if isinstance(value, dict):
        return {k: _without_times(v) for k, v in value.items() if "seconds" not in k}
    return value


def test_tab_separated_files_with_epoch_times_evaluate_like_csv_with_dates(
    tmp_path: Path,
) -> None:
    days = [f"2024-01-{d + 1:02d}" for d in range(4)]
    epochs = [str(1_704_067_200 + d * 86_400) for d in range(4)]  # the same days, in seconds
    rows = [(f"{u:03d}", f"{(u * 3 + d) % 7:04d}", d) for u in range(8) for d in range(4)]
    test = ["000,0005,2024-02-01", "001,0006,2024-02-01"]
    results = []
    for name, times, sep in (("dates", days, ","), ("epochs", epochs, "\t")):
        train = ["user_id,item_id,timestamp,event_type"] + [
            f"{u},{i},{times[d]},purchase" for u, i, d in rows
        ]
        train.append(f"000,0006,{times[0]},wishlist")  # a kind the feed format does not know
        folder = tmp_path / name
        folder.mkdir()
        tsv = [line.replace(",", sep) for line in train]
        test_rows = ["user_id,item_id,timestamp", *test]
        if sep != ",":
            test_rows = [
                r.replace(",", sep).replace("2024-02-01", "1706745600000") for r in test_rows
            ]
        result = _evaluate(folder, tsv, test_rows)
        assert result.returncode == 0, result.stderr
        assert "event types 'wishlist' (1 row) are not one of" in " ".join(result.stderr.split())
        results.append(_without_times(json.loads((folder / "m.json").read_text())))
    assert results[0] == results[1]
    assert results[0]["als"]["all"]["users"] == 2  # type: ignore[index]
