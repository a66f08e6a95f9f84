"""What a graph build reports: counts, unmapped concepts, graphs written and timings.

Its own module because both the build (:mod:`kg.build`) and the concept writer it drives
(:mod:`kg.crosswalk`) fill it in; neither has to import the other for the type.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class BuildReport:
    """What a build wrote and how long it took."""

    statements: int = 0
    articles: int = 0
    concepts: int = 0
    mapped: int = 0
    unmapped: list[tuple[str, str, str]] = field(default_factory=list)
    graphs: dict[str, str] = field(default_factory=dict)
    write_seconds: float = 0.0
    load_seconds: float = 0.0

    @property
    def statements_per_second(self) -> float:
        """End-to-end build rate (writing plus loading)."""
        return self.statements / max(self.write_seconds + self.load_seconds, 1e-9)
