"""Computer vision for product photos: garment isolation, semantic colours and pattern.

A leaf package: it depends on numpy, OpenCV and Pillow only, never on ``kg``, ``recommender`` or
``service``.

Main entry points::

    from vision.colors import extract_colors     # photo -> list[SemanticColor]
    from vision.pattern import detect_pattern    # photo -> Pattern
    from vision.color_taxonomy import name_color # CIELAB -> ColorName
"""
