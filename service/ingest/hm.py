"""The H&M Kaggle format: articles, customers, transactions and ``images/<3 digits>/<id>.jpg``.

Files are found by name in one folder: ``articles.csv`` or ``.parquet`` (required),
``customers.csv`` (optional), every ``transactions*.csv`` / ``transactions*.parquet`` (the
competition's ``transactions_train.csv`` as well as extracts), and ``images/``.
Article ids are 10-digit strings; files saved by tools that read them as numbers lose the
leading zero, so ids are zero-padded back.
"""

from __future__ import annotations

from pathlib import Path

from service.errors import MissingFileError
from service.ingest.articles import ArticleFeed, ingest_articles, integer_columns
from service.ingest.customers import ingest_customers
from service.ingest.images import ingest_images
from service.ingest.interactions import InteractionFeed, ingest_interactions
from service.ingest.run import IngestContext

CATALOGUE = "hm"

_INTEGER_COLUMNS = (
    "product_code",
    "product_type_no",
    "graphical_appearance_no",
    "colour_group_code",
    "perceived_colour_value_id",
    "perceived_colour_master_id",
    "department_no",
    "index_group_no",
    "section_no",
    "garment_group_no",
)

ARTICLES = ArticleFeed(
    catalogue=CATALOGUE,
    view="retailer",
    source=CATALOGUE,
    id_column="article_id",
    style_column="product_code",
    name_column="prod_name",
    normalise_id=lambda raw: article_id(raw),
    check=integer_columns(*_INTEGER_COLUMNS),
)

TRANSACTIONS = InteractionFeed(
    source=CATALOGUE,
    customer="customer_id",
    article="article_id",
    timestamp="t_dat",
    price="price",
    channel="sales_channel_id",
)


def article_id(raw: str) -> str:
    """The canonical 10-digit H&M article id.

    Raises:
        ValueError: ``raw`` is not a number of at most 10 digits.
    """
    text = raw.strip()
    if not text.isdigit() or len(text) > 10:
        raise ValueError("an H&M article id is a number of at most 10 digits")
    return text.zfill(10)


def _safe_article_id(raw: str) -> str:
    try:
        return article_id(raw)
    except ValueError:
        return raw  # reported as an unknown article, with the raw value


def find_table(folder: Path, stem: str) -> Path | None:
    """``folder/stem.parquet`` or ``folder/stem.csv``, whichever exists (Parquet first)."""
    for suffix in (".parquet", ".csv"):
        path = folder / f"{stem}{suffix}"
        if path.is_file():
            return path
    return None


def transaction_files(folder: Path) -> list[Path]:
    """Every transactions table in ``folder``, in name order."""
    return sorted(
        p for p in folder.glob("transactions*") if p.suffix.lower() in (".csv", ".parquet")
    )


def ingest_hm(context: IngestContext, folder: Path, transactions: list[Path] | None = None) -> None:
    """Ingest an H&M dataset folder.

    Args:
        context: The run.
        folder: The folder with ``articles.*`` and friends.
        transactions: Transaction files to read instead of those found in ``folder``.

    Raises:
        MissingFileError: There is no articles table in ``folder``.
    """
    articles = find_table(folder, "articles")
    if articles is None:
        raise MissingFileError(f"{folder}: no articles.parquet or articles.csv (H&M format)")
    ingest_articles(context, articles, ARTICLES)
    customers = find_table(folder, "customers")
    if customers is not None:
        ingest_customers(context, customers, "customer_id")
    if (folder / "images").is_dir():
        ingest_images(context, folder / "images", lambda p: _safe_article_id(p.stem))
    for path in transactions if transactions is not None else transaction_files(folder):
        ingest_interactions(context, path, TRANSACTIONS, normalise_article=_safe_article_id)
