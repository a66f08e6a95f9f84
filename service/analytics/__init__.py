"""What the analysts' notebooks (``notebooks/``) import: wiring and presentation, no models.

The notebooks hold no logic; the packages compute, and these modules connect them to a
workspace and draw the results:

- :mod:`service.analytics.workspace`: which data a notebook reads (the demo world under
  ``ATELIER_HOME``, or the H&M files when ``ATELIER_DATA`` points at them);
- :mod:`service.analytics.plots`: matplotlib figures (metrics with confidence intervals,
  before/after bars, confusion matrices, calibration curves);
- :mod:`service.analytics.swatches`: colour swatches and product photos.
"""
