"""Short, true reasons for each suggestion, built from the knowledge and the history."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

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

    def reasons(self, items: Sequence[int], history: UserHistory) -> list[str]:
        """:meth:`reason` for each of ``items`` (what depends only on the shopper, once)."""
        bought = np.flatnonzero(history.purchased)
        favourite = self.policy.favourite_colour(history.items[bought])
        return [
            self._goes_with(item, history, bought)
            or self._colour(item, favourite)
            or self._popular_in(item)
            or self._more_of(item, history, bought)
            or ("popular right now" if bought.size == 0 else "picked for your taste")
            for item in items
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
