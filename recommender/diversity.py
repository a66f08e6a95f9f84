"""How many articles of one category a main shelf may hold, chosen on a validation slice.

A shelf of twelve dresses is accurate for some shoppers and useless for most: the policy caps
each category (``PolicyConfig.max_per_category``, per 12 articles). The cap buys intra-list
diversity (distinct categories per article) at some cost in accuracy, and how much depends on
the catalogue and the shoppers. So the cap is chosen on held-out purchases of the training
data: of the caps whose new-to-you MAP@12 stays within ``tolerance`` of the best cap's, the one
whose shelves are the most diverse.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from recommender.evaluate import Case, accuracy, limited_lists, redundancy
from recommender.pipeline import Fitted
from recommender.policy import Policy


@dataclass(frozen=True)
class LimitChoice:
    """What the category cap is chosen from, and the accuracy it may cost."""

    limits: tuple[int, ...] = (2, 3, 4, 6, 0)
    """Caps tried, per 12 articles (0: no cap)."""
    tolerance: float = 0.05
    """Largest relative loss of new-to-you MAP@12 against the best cap tried."""


@dataclass(frozen=True)
class LimitTrial:
    """One cap on the validation slice."""

    limit: int
    new_map: float
    diversity: float
    """Distinct categories per article shown."""


def choose_category_limit(
    fitted: Fitted, policy: Policy, cases: Sequence[Case], choice: LimitChoice | None = None
) -> tuple[int, list[LimitTrial]]:
    """The chosen cap and every cap's figures, on ``cases`` held out from ``fitted``'s data.

    Without new-to-you purchases to score, the policy's own cap is kept.
    """
    choice = choice or LimitChoice()
    lists = limited_lists(fitted, policy, cases, 12, list(choice.limits))
    trials = [
        LimitTrial(
            limit,
            accuracy(lists[limit], cases, 12, "new", samples=0)["map@12"],
            redundancy(lists[limit], cases, fitted, policy, 12)["category_diversity@12"],
        )
        for limit in choice.limits
    ]
    best = max(t.new_map for t in trials)
    if best <= 0:
        return policy.config.max_per_category, trials
    good = [t for t in trials if t.new_map >= (1 - choice.tolerance) * best]
    return max(good, key=lambda t: (t.diversity, t.new_map)).limit, trials
