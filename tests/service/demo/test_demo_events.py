from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import datetime, timedelta

from demo_world import World

from service.demo.categories import CATEGORIES_BY_NAME

HEADER = [
    "event_id",
    "user_id",
    "item_id",
    "timestamp",
    "event_type",
    "quantity",
    "price",
    "channel",
]


def _purchases_by_shopper(world: World) -> dict[str, list[tuple[datetime, str]]]:
    """Each shopper's purchases as (time, platform category), in time order."""
    category = {r["article_id"]: r["category"] for r in world.rows("ground_truth/articles.csv")}
    bought: dict[str, list[tuple[datetime, str]]] = defaultdict(list)
    for row in world.rows("interactions.csv"):
        if row["event_type"] == "purchase":
            when = datetime.fromisoformat(row["timestamp"])
            bought[row["user_id"]].append((when, category[row["item_id"]]))
    return bought


def test_interactions_are_well_formed(world: World) -> None:
    assert world.header("interactions.csv") == HEADER
    rows = world.rows("interactions.csv")
    ids = [r["event_id"] for r in rows]
    assert len(set(ids)) == len(ids) and all(re.fullmatch(r"EV\d{8}", i) for i in ids)
    times = [datetime.fromisoformat(r["timestamp"]) for r in rows]
    assert times == sorted(times)
    first_day = datetime.combine(world.config.start, datetime.min.time())
    assert first_day <= times[0] and times[-1] < first_day + timedelta(days=world.config.days + 1)
    assert {r["event_type"] for r in rows} == {"view", "cart", "purchase", "return"}
    assert {r["channel"] for r in rows} <= {"web", "app", "store"}
    assert all(int(r["quantity"]) >= 1 and float(r["price"]) > 0 for r in rows)
    known = {r["article_id"] for r in world.rows("ground_truth/articles.csv")}
    assert {r["item_id"] for r in rows} <= known


def test_summary_counts_match_the_files(world: World) -> None:
    rows = world.rows("interactions.csv")
    assert world.summary.events == dict(Counter(r["event_type"] for r in rows))
    assert world.summary.shoppers == len(world.rows("customers.csv")) == world.config.n_shoppers
    touched = {r["item_id"] for r in rows}
    articles = world.rows("ground_truth/articles.csv")
    assert world.summary.articles_without_events == len(articles) - len(touched)


def test_online_purchases_follow_a_view_and_a_cart_and_returns_follow_purchases(
    world: World,
) -> None:
    seen: set[tuple[str, str, str]] = set()
    for row in world.rows("interactions.csv"):
        key = (row["user_id"], row["item_id"])
        kind = row["event_type"]
        if kind == "purchase" and row["channel"] != "store":
            assert (*key, "view") in seen and (*key, "cart") in seen
        if kind == "cart":
            assert (*key, "view") in seen
        if kind == "return":
            assert (*key, "purchase") in seen
        seen.add((*key, kind))


def test_durables_are_rarely_rebought_while_basics_are_replenished(world: World) -> None:
    repeat: dict[str, list[bool]] = defaultdict(list)
    for purchases in _purchases_by_shopper(world).values():
        for category, count in Counter(c for _, c in purchases).items():
            repeat[CATEGORIES_BY_NAME[category].durability].append(count > 1)
    share = {kind: sum(flags) / len(flags) for kind, flags in repeat.items()}
    assert share["durable"] < 0.1
    assert share["consumable"] > 0.3
    assert share["consumable"] > 4 * share["durable"]


def test_basics_are_rebought_near_their_interval(world: World) -> None:
    gaps: dict[str, list[float]] = defaultdict(list)
    for purchases in _purchases_by_shopper(world).values():
        last: dict[str, datetime] = {}
        for when, category in purchases:
            if category in last:
                gaps[category].append((when - last[category]).days)
            last[category] = when
    for name in ("socks", "briefs", "t-shirt"):
        interval = CATEGORIES_BY_NAME[name].repurchase_days
        assert interval is not None and gaps[name]
        near = [g for g in gaps[name] if 0.6 * interval <= g <= 1.5 * interval]
        assert len(near) / len(gaps[name]) > 0.3, name


def test_purchases_are_followed_by_complements_more_often_than_chance(world: World) -> None:
    bought = _purchases_by_shopper(world)
    overall = Counter(c for purchases in bought.values() for _, c in purchases)
    total = sum(overall.values())
    hits = expected = pairs = 0.0
    for purchases in bought.values():
        for i, (when, category) in enumerate(purchases):
            complements = CATEGORIES_BY_NAME[category].complements
            for later, other in purchases[i + 1 :]:
                if later - when > timedelta(days=14):
                    break
                pairs += 1
                hits += other in complements
                expected += sum(overall[c] for c in complements) / total
    assert pairs > 50
    assert hits / pairs > 1.5 * expected / pairs


def test_sales_are_skewed_and_some_articles_are_never_touched(world: World) -> None:
    rows = world.rows("interactions.csv")
    sales = Counter(r["item_id"] for r in rows if r["event_type"] == "purchase")
    articles = len(world.rows("ground_truth/articles.csv"))
    top = sum(count for _, count in sales.most_common(max(1, articles // 10)))
    assert top / sum(sales.values()) > 0.3
    assert world.summary.articles_without_events > 0


def test_customers_feed_shows_profiles_not_tastes(world: World) -> None:
    assert world.header("customers.csv") == ["user_id", "age", "gender", "country", "signup_date"]
    customers = world.rows("customers.csv")
    assert {c["gender"] for c in customers} <= {"female", "male", ""}
    buyers = {r["user_id"] for r in world.rows("interactions.csv")}
    assert buyers <= {c["user_id"] for c in customers}
