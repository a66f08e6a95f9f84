"""A seeded synthetic fashion retailer, so that Atelier runs anywhere without external data.

:func:`generate_world` writes a catalogue feed in the retailer's own words, a manufacturer feed,
customers, a year of interactions, product photos and the ground truth behind them all. It
touches no database: the files are what ingestion reads.
"""

from service.demo.config import DemoConfig
from service.demo.world import GENERATOR_VERSION, Progress, WorldSummary, generate_world

__all__ = ["GENERATOR_VERSION", "DemoConfig", "Progress", "WorldSummary", "generate_world"]
