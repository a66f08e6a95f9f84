"""What the analysts' notebooks (``notebooks/``) import: wiring and presentation, no models.

The notebooks hold no logic; the packages compute, and these modules connect them to a
workspace and draw the results:

- :mod:`service.analytics.workspace`: which data a notebook reads (the home under
  ``ATELIER_HOME``, and the H&M files when ``ATELIER_DATA`` points at them);
- :mod:`service.analytics.evaluation`: the H&M splits, the recommender comparison as one long
  table, shoppers' shelves at the moment they are served;
- :mod:`service.analytics.sparql`: SPARQL answers as frames, a garment's neighbourhood;
- :mod:`service.analytics.vision_quality`: a saved tagger's held-out outcomes, reliability
  bins, rare labels and the long-tail weighting comparison;
- :mod:`service.analytics.plots`: matplotlib figures (metrics with confidence intervals,
  heatmaps, reliability diagrams, stacked shares);
- :mod:`service.analytics.pictures`: product photos and colour swatches.
"""
