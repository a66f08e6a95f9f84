"""Computer vision for product photos: semantic colours, pattern cues and attribute tagging.

A leaf package: it depends on numpy, OpenCV, Pillow and (for :mod:`vision.tagger`) torch and
safetensors, never on ``kg``, ``recommender`` or ``service``.

Main entry points::

    from vision.colors import extract_colors     # photo -> list[SemanticColor]
    from vision.pattern import detect_pattern    # photo -> Pattern
    from vision.color_taxonomy import name_color # CIELAB -> ColorName
    from vision.tagger.predict import Tagger     # checkpoint -> attribute tags per photo
    from vision.metrics import macro_f1, ...     # evaluation metrics of the benchmarks
"""
