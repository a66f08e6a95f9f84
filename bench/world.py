"""A full-size world in H&M's format, drawn from the marginals of the shared H&M data.

H&M's published data has 31.8 million transactions of 1.37 million customers over two years on
the 105,542-article catalogue; ``../shared/data/hm`` holds the real catalogue, two years of 1,364
customers' purchases and one week of every sale. This script writes a world of any size in the
competition's format (``articles.parquet``, ``customers.csv``, ``transactions_train.csv``) for
the ingestion, training and serving benchmarks, drawn from what the shared files measure:

- **article popularity**: sales per article over both transaction files, plus a small
  pseudo-count so every article of the catalogue can sell;
- **customer activity**: each customer's expected number of purchases drawn from the sample's
  purchases per customer (heavy-tailed: most buy a few things, some hundreds);
- **seasonality**: purchases per day of the two years, smoothed over a week;
- **basket sizes**: articles per customer and day;
- **repeat rate**: the share of purchases of an article the customer bought before, drawn from
  the customer's most recent purchases;
- **price and channel**: each article's mean price (its product group's where it never sold)
  with noise, and the online/store share;
- **customers' attributes**: ages and the other columns from the sample's marginals.

Seeded (the same arguments give the same files) and streamed: one day of transactions is
generated and written at a time, so memory grows with the number of customers (their ids and a
few recent purchases each), never with the file.

    python bench/world.py --out /tmp/hm-full                     # the real size
    python bench/world.py --out /tmp/hm-small --transactions 100000 --customers 5000
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

REPO = Path(__file__).resolve().parents[1]

#: The real size of H&M's published data.
FULL_TRANSACTIONS = 31_788_324
FULL_CUSTOMERS = 1_371_980

#: Recent purchases remembered per customer, where repeats are drawn from.
MEMORY = 8

TRANSACTION_COLUMNS = ["t_dat", "customer_id", "article_id", "price", "sales_channel_id"]


@dataclass(frozen=True)
class Marginals:
    """What the shared H&M files measure, as the generator draws it."""

    article_ids: np.ndarray  # (A,) 10-digit ids of the catalogue
    article_weights: np.ndarray  # (A,) popularity, summing to 1
    article_prices: np.ndarray  # (A,) mean price
    purchases_per_customer: np.ndarray  # the sample's counts, one per customer
    day_weights: np.ndarray  # (D,) share of purchases per day, summing to 1
    first_day: pd.Timestamp
    basket_sizes: np.ndarray  # the sample's articles per customer-day
    repeat_rate: float  # share of purchases of an article bought before
    online_share: float  # share of sales_channel_id == 2
    customers: pd.DataFrame  # the sample's customer rows (attributes drawn column by column)


def measure(data: Path) -> Marginals:
    """Read the marginals from ``data`` (the shared ``hm`` folder)."""
    articles = pd.read_parquet(data / "articles.parquet")
    ids = articles["article_id"].astype(str).str.zfill(10).to_numpy()
    history = pd.read_csv(data / "transactions.csv", dtype={"article_id": str})
    history["article_id"] = history["article_id"].str.zfill(10)
    week = pd.read_parquet(data / "transactions_last_week.parquet")
    week["article_id"] = week["article_id"].astype(str).str.zfill(10)
    sales = pd.concat([history[["article_id", "price"]], week[["article_id", "price"]]])

    counts = sales["article_id"].value_counts().reindex(ids, fill_value=0).to_numpy(float)
    weights = counts + 0.5  # articles that never sold in the extracts still sell, rarely
    mean_price = sales.groupby("article_id")["price"].mean().reindex(ids)
    group_price = mean_price.groupby(articles["product_group_name"].to_numpy()).transform("mean")
    prices = mean_price.fillna(group_price).fillna(sales["price"].median()).to_numpy(float)

    dates = pd.to_datetime(history["t_dat"])
    per_day = dates.dt.normalize().value_counts().sort_index()
    days = pd.date_range(per_day.index.min(), per_day.index.max(), freq="D")
    daily = per_day.reindex(days, fill_value=0).rolling(7, center=True, min_periods=1).mean()

    baskets = history.groupby(["customer_id", "t_dat"]).size().to_numpy()
    pairs = history.groupby(["customer_id", "article_id"]).size()
    repeat_rate = float((pairs - 1).sum() / len(history))
    return Marginals(
        article_ids=ids,
        article_weights=weights / weights.sum(),
        article_prices=prices,
        purchases_per_customer=history.groupby("customer_id").size().to_numpy(),
        day_weights=(daily / daily.sum()).to_numpy(float),
        first_day=days[0],
        basket_sizes=baskets,
        repeat_rate=repeat_rate,
        online_share=float((sales_channel(history) == 2).mean()),
        customers=pd.read_csv(data / "customers.csv"),
    )


def sales_channel(frame: pd.DataFrame) -> pd.Series:
    """The sales channel column (1 = store, 2 = online)."""
    channel: pd.Series = frame["sales_channel_id"]
    return channel


def customer_ids(count: int, seed: int) -> np.ndarray:
    """``count`` 64-hex-digit ids in H&M's style, distinct and reproducible."""
    prefix = f"atelier-world-{seed}-".encode()
    return np.array(
        [hashlib.sha256(prefix + str(n).encode()).hexdigest() for n in range(count)], dtype=object
    )


def write_customers(
    path: Path, ids: np.ndarray, marginals: Marginals, rng: np.random.Generator
) -> None:
    """customers.csv: each attribute drawn from the sample's column (ages with their gaps)."""
    sample = marginals.customers
    frame = pd.DataFrame({"customer_id": ids})
    for column in ["FN", "Active", "club_member_status", "fashion_news_frequency", "age"]:
        frame[column] = sample[column].to_numpy()[rng.integers(0, len(sample), len(ids))]
    frame["postal_code"] = [f"{value:064x}" for value in rng.integers(0, 2**62, len(ids))]
    frame.to_csv(path, index=False)


def generate(
    data: Path,
    out: Path,
    transactions: int = FULL_TRANSACTIONS,
    customers: int = FULL_CUSTOMERS,
    seed: int = 2020,
) -> dict[str, float]:
    """Write an H&M-format world of about ``transactions`` rows and ``customers`` customers.

    Returns:
        What was written: rows, customers, seconds, repeat share.
    """
    started = time.perf_counter()
    rng = np.random.default_rng(seed)
    marginals = measure(data)
    out.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(data / "articles.parquet", out / "articles.parquet")
    ids = customer_ids(customers, seed)
    write_customers(out / "customers.csv", ids, marginals, rng)

    # Each customer's share of the purchases: a draw from the sample's purchases per customer,
    # jittered so that customers drawn from the same count differ.
    drawn = rng.choice(marginals.purchases_per_customer, customers)
    activity = drawn * rng.gamma(4.0, 0.25, customers)
    customer_cdf = np.cumsum(activity / activity.sum())
    article_cdf = np.cumsum(marginals.article_weights)
    mean_basket = float(marginals.basket_sizes.mean())
    recent = np.full((customers, MEMORY), -1, dtype=np.int32)
    bought = np.zeros(customers, dtype=np.int64)
    written, repeats = 0, 0
    day_totals = np.round(marginals.day_weights * transactions / mean_basket).astype(int)
    schema = pa.schema(
        [
            ("t_dat", pa.string()),
            ("customer_id", pa.string()),
            ("article_id", pa.string()),
            ("price", pa.float64()),
            ("sales_channel_id", pa.int8()),
        ]
    )
    with pacsv.CSVWriter(out / "transactions_train.csv", schema) as writer:
        for offset, baskets in enumerate(day_totals):
            if baskets == 0:
                continue
            day = (marginals.first_day + pd.Timedelta(days=offset)).strftime("%Y-%m-%d")
            shoppers = np.searchsorted(customer_cdf, rng.random(baskets) * customer_cdf[-1])
            shoppers = np.minimum(shoppers, customers - 1)
            sizes = rng.choice(marginals.basket_sizes, baskets)
            who = np.repeat(shoppers, sizes)
            items = np.searchsorted(article_cdf, rng.random(who.size) * article_cdf[-1])
            items = np.minimum(items, len(article_cdf) - 1).astype(np.int32)
            # A repeat: one of the customer's recent purchases, where there is one.
            pick = recent[who, rng.integers(0, MEMORY, who.size)]
            again = (rng.random(who.size) < marginals.repeat_rate) & (pick >= 0)
            items[again] = pick[again]
            repeats += int(again.sum())
            within = np.arange(who.size) - np.repeat(np.cumsum(sizes) - sizes, sizes)
            slot = (bought[who] + within) % MEMORY
            recent[who, slot] = items
            np.add.at(bought, who, 1)
            price = marginals.article_prices[items] * rng.normal(1.0, 0.05, who.size)
            channel = np.where(rng.random(who.size) < marginals.online_share, 2, 1)
            writer.write_table(
                pa.table(
                    {
                        "t_dat": pa.array(np.full(who.size, day, dtype=object), pa.string()),
                        "customer_id": pa.array(ids[who], pa.string()),
                        "article_id": pa.array(marginals.article_ids[items], pa.string()),
                        "price": pa.array(np.round(price, 6)),
                        "sales_channel_id": pa.array(channel.astype(np.int8)),
                    },
                    schema=schema,
                )
            )
            written += int(who.size)
    return {
        "rows": written,
        "customers": customers,
        "buyers": int((bought > 0).sum()),
        "repeat_share": repeats / max(written, 1),
        "seconds": time.perf_counter() - started,
    }


def main() -> None:
    """Write a world and print what was written."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data" / "hm")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--transactions", type=int, default=FULL_TRANSACTIONS)
    parser.add_argument("--customers", type=int, default=FULL_CUSTOMERS)
    parser.add_argument("--seed", type=int, default=2020)
    args = parser.parse_args()
    if not (args.data / "articles.parquet").exists():
        sys.exit(f"{args.data}: the shared H&M data is not there (see ../shared/data/README)")
    figures = generate(args.data, args.out, args.transactions, args.customers, args.seed)
    print(
        f"{figures['rows']:,} transactions of {figures['buyers']:,} buyers "
        f"({figures['customers']:,} customers), {figures['repeat_share']:.1%} repeats, "
        f"in {figures['seconds']:.0f} s -> {args.out}"
    )


if __name__ == "__main__":
    main()
