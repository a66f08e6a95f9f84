"""The graph stage: build the knowledge graph from the catalogue store."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, func, select

from kg.build import BuildConfig, BuildReport, Learner
from kg.colour_links import ColourLinkReport, learn_colour_links
from kg.loading import build_graph, update_articles
from kg.records import SalesRecord
from kg.store import GraphStore
from service.graph.records import read_articles, read_sales, read_vision
from service.store.models import Article

#: The largest share of the catalogue refreshed article by article (after tagging or a feed
#: that changed articles); beyond it a whole rebuild (``atelier kg build``) is the faster way,
#: and it mines the purchases again.
REFRESH_SHARE = 0.1
#: Store ids per lookup of the articles' external ids (well under SQLite's bound-variable cap).
_LOOKUP_BATCH = 5_000


def build_from_catalogue(
    engine: Engine,
    store: GraphStore,
    *,
    xkcd_colours: Path | None = None,
    workdir: Path | None = None,
    learner: Learner | None = None,
    sales: Iterable[SalesRecord] | None = None,
) -> BuildReport:
    """Rebuild the whole graph from the catalogue store's articles, sales and vision results
    (and what ``learner`` learns beside it: :class:`service.graph.mining.LearnAlongside`).

    Args:
        engine: The catalogue store.
        store: The graph store whose contents are replaced.
        xkcd_colours: The XKCD colour names' file, for retailer colour names' Lab mapping.
        workdir: Folder for temporary files.
        learner: What learns from the purchases beside the build.
        sales: The sales figures, when the caller reads them already
            (:meth:`service.graph.mining.PendingPurchases.sales`); read here when None.
    """
    return build_graph(
        store,
        read_articles(engine),
        read_sales(engine) if sales is None else sales,
        read_vision(engine),
        BuildConfig(xkcd_colours=xkcd_colours),
        workdir=workdir,
        learner=learner,
    )


def refresh_articles(
    engine: Engine, store: GraphStore, external_ids: Collection[str]
) -> BuildReport:
    """Incrementally replace the facts of some articles (changed feeds or new vision tags)."""
    articles = list(read_articles(engine, external_ids))
    sales = read_sales(engine, external_ids)
    return update_articles(store, articles, sales, read_vision(engine, external_ids))


@dataclass(frozen=True)
class ArticleRefresh:
    """What bringing a built graph up to date with some articles' new facts did."""

    articles: int
    build: BuildReport
    colours: ColourLinkReport


def refresh_changed(
    engine: Engine, store: GraphStore, article_ids: Collection[int]
) -> ArticleRefresh:
    """Replace the graph facts of articles that were tagged, added or changed by a feed, and
    link the retailers' colour names again.

    Args:
        engine: The catalogue store.
        store: A built graph.
        article_ids: The articles' store ids.
    """
    ids = sorted(article_ids)
    external: list[str] = []
    with engine.connect() as connection:
        for start in range(0, len(ids), _LOOKUP_BATCH):
            chunk = ids[start : start + _LOOKUP_BATCH]
            query = select(Article.external_id).where(Article.id.in_(chunk))
            external += connection.execute(query).scalars()
    build = refresh_articles(engine, store, external)
    return ArticleRefresh(len(external), build, learn_colour_links(store))


def worth_refreshing(engine: Engine, changed: int) -> bool:
    """Whether ``changed`` articles are few enough to refresh one by one (:data:`REFRESH_SHARE`)."""
    with engine.connect() as connection:
        articles = int(connection.execute(select(func.count()).select_from(Article)).scalar_one())
    return 0 < changed <= REFRESH_SHARE * articles
