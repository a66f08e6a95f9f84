"""Short, true reasons for each suggestion, built from the knowledge and the history."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from recommender.base import Evidence
from recommender.history import UserHistory
from recommender.policy import Policy


def _day(stamp: np.datetime64) -> str:
    moment = pd.Timestamp(stamp)
    return f"{moment.day} {moment.strftime('%b')}"


class Explainer:
    """Picks the most specific reason that holds for an item and a shopper."""

    def __init__(self, policy: Policy, popularity: np.ndarray, popular_top: int = 100) -> None:
        self.policy = policy
        self.catalogue = policy.catalogue
        cut = np.sort(popularity)[-min(popular_top, popularity.size)] if popularity.size else 0.0
        self._popular = (popularity >= cut) & (popularity > 0)

    def reason(self, item: int, history: UserHistory) -> str:
        """One line saying why ``item`` is on this shopper's shelf."""
        return self.reasons([item], history)[0]

    def reasons(
        self,
        items: Sequence[int],
        history: UserHistory,
        evidence: Sequence[Evidence | None] | None = None,
    ) -> list[str]:
        """:meth:`reason` for each of ``items`` (what depends only on the shopper, once).

        Args:
            items: Item rows on the shelf.
            history: The shopper's history.
            evidence: What the model says raised each item most (see
                :meth:`Recommender.explain`); a styling rule still comes first.
        """
        bought = np.flatnonzero(history.purchased)
        favourite = self.policy.favourite_colour(history.items[bought])
        evidence = evidence if evidence is not None else [None] * len(items)
        return [
            self._goes_with(item, history, bought)
            or self._evidence(item, history, said)
            or self._colour(item, favourite)
            or self._popular_in(item)
            or self._more_of(item, history, bought)
            or ("popular right now" if bought.size == 0 else "picked for your taste")
            for item, said in zip(items, evidence, strict=True)
        ]

    def _goes_with(self, item: int, history: UserHistory, bought: np.ndarray) -> str | None:
        category = int(self.catalogue.codes["category"][item])
        if category < 0:
            return None
        for index in bought[np.argsort(history.ages[bought], kind="stable")]:
            if history.ages[index] > self.policy.config.complement_days:
                break
            source = int(history.items[index])
            if category in self.policy.complement_codes(source):
                name = self.catalogue.name("category", source)
                # a mined-only pair is a habit of shoppers, not a styling rule: say so
                often = self.policy.often_bought(source, category)
                verb = "often bought with" if often else "goes with"
                return f"{verb} the {name} you bought on {_day(history.times[index])}"
        return None

    def _evidence(self, item: int, history: UserHistory, said: Evidence | None) -> str | None:
        if said is None:
            return None
        if said.kind == "bought_together" and 0 <= said.purchase < history.items.size:
            source = int(history.items[said.purchase])
            name = self.catalogue.name("category", source) or "article"
            when = _day(history.times[said.purchase])
            return f"often bought together with the {name} you bought on {when}"
        if said.kind == "trending":
            return "trending right now"
        if said.kind == "department":
            where = self.catalogue.name("department", item)
            return f"from {where}, where you often shop" if where else None
        return None

    def _colour(self, item: int, favourite: int) -> str | None:
        if favourite >= 0 and int(self.catalogue.codes["colour"][item]) == favourite:
            return f"in your favourite colour family: {self.catalogue.names['colour'][favourite]}"
        return None

    def _popular_in(self, item: int) -> str | None:
        if not self._popular[item]:
            return None
        where = self.catalogue.name("department", item) or self.catalogue.name("category", item)
        return f"popular in {where} this week" if where else "popular this week"

    def _more_of(self, item: int, history: UserHistory, bought: np.ndarray) -> str | None:
        name = self.catalogue.name("category", item)
        codes = self.catalogue.codes["category"]
        if name and bought.size and (codes[history.items[bought]] == codes[item]).any():
            return f"another {name} for your style"
        return None
