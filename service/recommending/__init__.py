"""The bridge from the catalogue store to the recommender (``recommender``).

``interactions`` reads the store's events as training data, ``history`` one shopper's history
as the recommender reads it, ``knowledge`` the catalogue facts (the graph's projection, else the
store's own); ``training`` runs the train stage and writes the artifact versions.
"""
